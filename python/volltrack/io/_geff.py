"""GEFF (graph exchange file format, https://github.com/live-image-tracking-tools/geff) export.

A tracking graph is written as a GEFF zarr group: one node per spot (ID = TrackMate spot ID) with
``t`` (s), ``z, y, x`` (µm), ``frame``, ``radius``, ``tracklet_id``, ``lineage_id`` and every
numeric spot feature that all spots have; one directed edge per link with every numeric edge
feature that all links have. ``tracklet_id`` is the CTC track label of
:func:`volltrack.io.ctc_tracks_from_graph` (so GEFF and CTC exports agree) and ``lineage_id``
numbers the connected components (1, 2, ... in order of their first spot); both are declared in
the metadata's ``track_node_props``, ``radius`` as the ``sphere`` property.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from volltrack._errors import InputError
from volltrack.io._ctc import ctc_tracks_from_graph

__all__ = ["lineage_ids", "write_geff"]

_AXES = (("t", "time", "second"), ("z", "space", "micrometer"), ("y", "space", "micrometer"))
_AXES += (("x", "space", "micrometer"),)
_POSITION = {"t": "POSITION_T", "z": "POSITION_Z", "y": "POSITION_Y", "x": "POSITION_X"}
_UNITS = {"t": "second", "z": "micrometer", "y": "micrometer", "x": "micrometer"}


def lineage_ids(spots: pd.DataFrame, edges: pd.DataFrame) -> pd.Series:
    """Number the connected components of the graph 1, 2, ... in order of their first spot.

    Returns an int64 Series indexed by spot ID.
    """
    ids = spots["id"].to_numpy(np.int64)
    index = {int(i): k for k, i in enumerate(ids)}
    parent = np.arange(len(ids))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for s, t in edges[["source", "target"]].itertuples(index=False):
        a, b = find(index[int(s)]), find(index[int(t)])
        if a != b:
            parent[max(a, b)] = min(a, b)
    roots = np.array([find(k) for k in range(len(ids))], dtype=np.int64)
    order = np.lexsort((ids, spots["frame"].to_numpy(np.int64)))
    numbering: dict[int, int] = {}
    for k in order:
        numbering.setdefault(int(roots[k]), len(numbering) + 1)
    return pd.Series([numbering[int(r)] for r in roots], index=ids, dtype="int64")


def _complete_numeric(table: pd.DataFrame, skip: set[str]) -> list[str]:
    return [
        c
        for c in table.columns
        if c not in skip and pd.api.types.is_numeric_dtype(table[c]) and not table[c].isna().any()
    ]


def write_geff(
    path: str | os.PathLike[str],
    spots: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    overwrite: bool = False,
) -> Path:
    """Write a tracking graph as a GEFF zarr group (see the module docstring for its content).

    Parameters
    ----------
    path : path-like
        The ``.geff`` (zarr) folder to create; written to a temporary folder, then renamed.
    spots : pandas.DataFrame
        ``id``, ``frame``, ``POSITION_X/Y/Z`` (µm), optionally ``POSITION_T`` (s; the frame
        number otherwise) and ``RADIUS``, e.g. :attr:`TrackMateGraph.spots`.
    edges : pandas.DataFrame
        ``source``, ``target`` spot IDs and optional numeric features.
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
    missing = [
        c for c in ("id", "frame", "POSITION_X", "POSITION_Y", "POSITION_Z") if c not in spots
    ]
    if missing:
        raise InputError(f"spots: missing column(s) {missing}")
    ctc = ctc_tracks_from_graph(spots, edges)
    lineage = lineage_ids(spots, edges)
    ids = spots["id"].to_numpy(np.int64)
    columns: dict[str, np.ndarray] = {
        "t": (spots["POSITION_T"] if "POSITION_T" in spots else spots["frame"]).to_numpy(float),
        "z": spots["POSITION_Z"].to_numpy(float),
        "y": spots["POSITION_Y"].to_numpy(float),
        "x": spots["POSITION_X"].to_numpy(float),
        "frame": spots["frame"].to_numpy(np.int64),
        "tracklet_id": ctc.spot_track.reindex(ids).to_numpy(np.int64),
        "lineage_id": lineage.reindex(ids).to_numpy(np.int64),
    }
    if "RADIUS" in spots:
        columns["radius"] = spots["RADIUS"].to_numpy(float)
    skip = {"id", "frame", "name", "FRAME", "RADIUS", *_POSITION.values()}
    for c in _complete_numeric(spots, skip):
        columns[c] = spots[c].to_numpy()
    graph = nx.DiGraph()
    names = list(columns)
    for k, node in enumerate(ids.tolist()):
        graph.add_node(node, **{n: columns[n][k].item() for n in names})
    edge_cols = _complete_numeric(edges, {"source", "target"})
    for row in edges[["source", "target", *edge_cols]].itertuples(index=False):
        graph.add_edge(
            int(row[0]),
            int(row[1]),
            **{c: np.asarray(v).item() for c, v in zip(edge_cols, row[2:], strict=True)},
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        store = tmp / "graph.geff"
        geff.write(
            graph,
            str(store),
            axis_names=[a for a, _, _ in _AXES],
            axis_types=[t for _, t, _ in _AXES],
            axis_units=[u for _, _, u in _AXES],
        )
        meta = geff.GeffMetadata.read(str(store))
        props = dict(meta.node_props_metadata)
        for name, unit in (*_UNITS.items(), ("radius", "micrometer")):
            if name in props:
                props[name] = props[name].model_copy(update={"unit": unit})
        meta = meta.model_copy(
            update={
                "node_props_metadata": props,
                "track_node_props": {"tracklet": "tracklet_id", "lineage": "lineage_id"},
                "sphere": "radius" if "radius" in columns else None,
                "extra": {**meta.extra, "volltrack": {"tracklet_id": "CTC track label"}},
            }
        )
        meta.write(str(store))
        if path.exists():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        os.replace(store, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path
