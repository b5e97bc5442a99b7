"""Sample data: a synthetic membrane movie and its ground-truth tracks (no download)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from volltrack.analysis import build_lineage, lineage_from_trackmate
from volltrack.io import TrackMateData
from volltrack.napari._layers import LayerData, lineage_layers

__all__ = ["synthetic_sample", "synthetic_sample_tracks"]


def synthetic_sample_tracks(movie) -> TrackMateData:
    """The ground-truth tracks of a :class:`volltrack.synthetic.SyntheticMovie` as TrackMate tables.

    One spot per detected cell per frame at its centroid (µm), with ``VOLUME`` (µm³),
    ``MEAN_INTENSITY_CH1`` (mean raw value under the cell's label), ``LABEL`` and ``CELL_ID``;
    a cell's spots are linked in time (across missed detections, as gap-closing links) and a
    mother's last spot is linked to each daughter's first spot. Tracks are the connected
    components; units µm and s.
    """
    from scipy import ndimage

    cells = movie.cells[movie.cells["detected"]].sort_values(["cell_id", "frame"])
    cells = cells.reset_index(drop=True)
    mean = np.full(len(cells), np.nan)
    for frame, rows in cells.groupby("frame").groups.items():
        idx = rows.to_numpy()
        mean[idx] = ndimage.mean(
            movie.raw[frame], movie.labels[frame], cells.loc[idx, "label"].to_numpy()
        )
    dt = float(movie.time_interval)
    spots = pd.DataFrame(
        {
            "id": np.arange(len(cells), dtype=np.int64),
            "frame": cells["frame"].to_numpy(np.int64),
            "name": [f"ID{i}" for i in range(len(cells))],
            "POSITION_X": cells["centroid_x"].to_numpy(np.float64),
            "POSITION_Y": cells["centroid_y"].to_numpy(np.float64),
            "POSITION_Z": cells["centroid_z"].to_numpy(np.float64),
            "POSITION_T": cells["frame"].to_numpy(np.float64) * dt,
            "VOLUME": cells["volume_um3"].to_numpy(np.float64),
            "MEAN_INTENSITY_CH1": mean,
            "LABEL": cells["label"].to_numpy(np.float64),
            "CELL_ID": cells["cell_id"].to_numpy(np.float64),
        }
    )
    cell = cells["cell_id"].to_numpy()
    same = np.flatnonzero(cell[1:] == cell[:-1])
    src, tgt = list(same), list(same + 1)
    heads, tails = cells.groupby("cell_id").head(1), cells.groupby("cell_id").tail(1)
    first_row = dict(zip(heads["cell_id"], heads.index, strict=True))
    last_row = dict(zip(tails["cell_id"], tails.index, strict=True))
    born = movie.lineage[movie.lineage["start_reason"] == "division"]
    for daughter, mother in zip(born["cell_id"], born["parent_cell_id"], strict=True):
        if daughter in first_row and mother in last_row:
            src.append(last_row[mother])
            tgt.append(first_row[daughter])
    edges = pd.DataFrame({"source": np.asarray(src, np.int64), "target": np.asarray(tgt, np.int64)})
    # track ids: the connected components, as build_lineage numbers them
    track_of = build_lineage(spots, edges).spots.set_index("spot_id")["track_id"]
    edges["track_id"] = track_of.reindex(edges["source"]).to_numpy(np.int64)
    ids = np.unique(edges["track_id"].to_numpy())
    tracks = pd.DataFrame(
        {"track_id": ids, "name": [f"Track_{i}" for i in ids], "filtered": np.ones(len(ids), bool)}
    )
    settings = movie.settings
    return TrackMateData(
        path=Path("synthetic-small"),
        version=None,
        spots=spots,
        edges=edges,
        tracks=tracks,
        features=pd.DataFrame(
            columns=["kind", "feature", "name", "shortname", "dimension", "isint"]
        ),
        space_units="micron",
        time_units="sec",
        voxel_size=tuple(float(v) for v in movie.voxel_size),  # type: ignore[arg-type]
        time_interval=dt,
        image_filename=None,
        image_folder=None,
        image_shape=(settings.n_frames, *settings.shape),  # type: ignore[arg-type]
        filtered_track_ids=None,
        all_tracks=True,
    )


def synthetic_sample() -> list[LayerData]:
    """napari sample data: the ``small`` synthetic movie with its ground-truth tracks.

    Layers: ``raw`` (membrane channel), ``labels`` (ground-truth cells), ``tissue mask``
    (for the distance to the tissue boundary) and ``tracks`` (with divisions), all calibrated
    in µm. Generated in a few seconds by :func:`volltrack.synthetic.generate_movie`.
    """
    from volltrack.synthetic import generate_movie, preset_settings

    movie = generate_movie(preset_settings("small"))
    data = synthetic_sample_tracks(movie)
    return lineage_layers(
        data,
        lineage_from_trackmate(data),
        voxel_size=movie.voxel_size,
        name="tracks",
        images=[
            ("raw", movie.raw, False),
            ("labels", movie.labels, True),
            ("tissue mask", movie.tissue_mask.astype(np.uint8), True),
        ],
        image_shape=movie.raw.shape,
        source="volltrack.synthetic small preset",
    )
