"""GEFF (graph exchange file format, https://github.com/live-image-tracking-tools/geff) export.

A lineage is written as a GEFF zarr group: one node per spot (node ID = TrackMate spot ID) with
``t`` (time), ``z, y, x`` (position), ``frame``, ``tracklet_id`` and ``track_id`` of
:class:`volltrack.analysis.Lineage`, ``frames_since_previous``, ``radius`` (from ``RADIUS``) and
every other numeric spot feature that all spots have; one directed edge per link, from the
earlier to the later spot, with every numeric edge feature that all links have. The metadata
declares the axes with their units, ``tracklet_id``/``track_id`` as the ``track_node_props``
``tracklet``/``lineage``, and ``radius`` as the ``sphere`` property.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from volltrack._errors import InputError
from volltrack.io._atomic import replace_folder, temporary_folder

if TYPE_CHECKING:
    from volltrack.analysis import Lineage

__all__ = ["write_geff"]

#: TrackMate unit names -> GEFF (OME-NGFF) unit names.
_UNIT_NAMES = {
    "micron": "micrometer",
    "µm": "micrometer",
    "um": "micrometer",
    "nm": "nanometer",
    "mm": "millimeter",
    "pixel": None,
    "sec": "second",
    "s": "second",
    "min": "minute",
    "h": "hour",
    "ms": "millisecond",
    "frame": None,
}


def _unit(name: str | None) -> str | None:
    if name is None:
        return None
    return _UNIT_NAMES.get(name, name)


def _complete_numeric(table: pd.DataFrame, skip: set[str]) -> list[str]:
    return [
        c
        for c in table.columns
        if c not in skip and pd.api.types.is_numeric_dtype(table[c]) and not table[c].isna().any()
    ]


def write_geff(
    path: str | os.PathLike[str],
    lineage: Lineage,
    edges: pd.DataFrame,
    *,
    overwrite: bool = False,
) -> Path:
    """Write a lineage and its links as a GEFF zarr group (content: see the module docstring).

    Parameters
    ----------
    path : path-like
        The ``.geff`` (zarr) folder to create; written to a temporary folder, then renamed.
    lineage : volltrack.analysis.Lineage
        The spots (:attr:`Lineage.spots`) and their tracklet and track ids.
    edges : pandas.DataFrame
        ``source``, ``target`` spot IDs and optional numeric features, e.g.
        :attr:`volltrack.io.TrackMateData.edges`; links to spots not in the lineage are refused.
    overwrite : bool
        Replace an existing ``path``.

    Returns
    -------
    pathlib.Path
    """
    import geff
    import networkx as nx

    path = Path(path)
    if path.exists() and not overwrite:
        raise InputError(f"{path}: exists; pass overwrite=True (--overwrite) to replace it")
    spots = lineage.spots
    ids = spots["spot_id"].to_numpy(np.int64)
    frame_of = dict(zip(ids.tolist(), spots["frame"].tolist(), strict=True))
    names = ["t", "z", "y", "x", "frame", "tracklet_id", "track_id", "frames_since_previous"]
    columns = {n: spots[n].to_numpy() for n in names}
    if "RADIUS" in spots and not spots["RADIUS"].isna().any():
        columns["radius"] = spots["RADIUS"].to_numpy(np.float64)
    skip = {"spot_id", "RADIUS", *names}
    for c in _complete_numeric(spots, skip):
        columns[c] = spots[c].to_numpy()
    graph = nx.DiGraph()
    keys = list(columns)
    for k, node in enumerate(ids.tolist()):
        graph.add_node(node, **{n: columns[n][k].item() for n in keys})
    edge_cols = _complete_numeric(edges, {"source", "target"})
    for row in edges[["source", "target", *edge_cols]].itertuples(index=False):
        s, t = int(row[0]), int(row[1])
        if s not in frame_of or t not in frame_of:
            raise InputError(f"edges: link {s}–{t} refers to a spot that is not in the lineage")
        if frame_of[s] > frame_of[t]:
            s, t = t, s
        graph.add_edge(
            s, t, **{c: np.asarray(v).item() for c, v in zip(edge_cols, row[2:], strict=True)}
        )
    space, time = _unit(lineage.space_units), _unit(lineage.time_units)
    units = {"t": time, "z": space, "y": space, "x": space, "radius": space}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_folder(path)
    try:
        store = tmp / "graph.geff"
        geff.write(
            graph,
            str(store),
            axis_names=["t", "z", "y", "x"],
            axis_types=["time", "space", "space", "space"],
            axis_units=[units["t"], units["z"], units["y"], units["x"]],
        )
        meta = geff.GeffMetadata.read(str(store))
        props = dict(meta.node_props_metadata)
        for name, unit in units.items():
            if name in props and unit is not None:
                props[name] = props[name].model_copy(update={"unit": unit})
        meta = meta.model_copy(
            update={
                "node_props_metadata": props,
                "track_node_props": {"tracklet": "tracklet_id", "lineage": "track_id"},
                "sphere": "radius" if "radius" in columns else None,
            }
        )
        meta.write(str(store))
        replace_folder(store, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path
