"""Sample data: a synthetic membrane movie and its ground-truth tracks (no download)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from volltrack.analysis import Lineage, build_lineage
from volltrack.napari._layers import LayerData, lineage_layers

__all__ = ["synthetic_sample", "synthetic_sample_lineage"]


def synthetic_sample_lineage(movie) -> Lineage:
    """The ground-truth lineage of a :class:`volltrack.synthetic.SyntheticMovie`.

    One spot per detected cell per frame at its centroid (µm), with ``VOLUME`` (µm³),
    ``MEAN_INTENSITY_CH1`` (mean raw value under the cell's label), ``LABEL`` and ``CELL_ID``;
    a cell's spots are linked in time (across missed detections as gap-closing links) and a
    mother's last spot is linked to each daughter's first spot.
    """
    from scipy import ndimage

    cells = movie.cells[movie.cells["detected"]].sort_values(["cell_id", "frame"])
    cells = cells.reset_index(drop=True)
    mean = np.full(len(cells), np.nan)
    for frame, rows in cells.groupby("frame").groups.items():
        labels = rows.to_numpy()
        mean[labels] = ndimage.mean(
            movie.raw[frame], movie.labels[frame], cells.loc[labels, "label"].to_numpy()
        )
    dt = float(movie.time_interval)
    spots = pd.DataFrame(
        {
            "id": np.arange(len(cells), dtype=np.int64),
            "frame": cells["frame"].to_numpy(np.int64),
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
    same = cell[1:] == cell[:-1]
    src = list(np.flatnonzero(same))
    tgt = list(np.flatnonzero(same) + 1)
    heads, tails = cells.groupby("cell_id").head(1), cells.groupby("cell_id").tail(1)
    first_row = dict(zip(heads["cell_id"], heads.index, strict=True))
    last_row = dict(zip(tails["cell_id"], tails.index, strict=True))
    born = movie.lineage[movie.lineage["start_reason"] == "division"]
    for daughter, mother in zip(born["cell_id"], born["parent_cell_id"], strict=True):
        if daughter in first_row and mother in last_row:
            src.append(last_row[mother])
            tgt.append(first_row[daughter])
    edges = pd.DataFrame({"source": np.asarray(src, np.int64), "target": np.asarray(tgt, np.int64)})
    return build_lineage(
        spots, edges, time_interval=dt, space_units="micron", time_units="sec", lonely_spots=True
    )


def synthetic_sample() -> list[LayerData]:
    """napari sample data: the ``small`` synthetic movie with its ground-truth tracks.

    Layers: ``raw`` (membrane channel), ``labels`` (ground-truth cells), ``tissue mask``
    (for the distance to the tissue boundary) and ``tracks`` (with divisions), all calibrated
    in µm. Generated in a few seconds by :func:`volltrack.synthetic.generate_movie`.
    """
    from volltrack.synthetic import generate_movie, preset_settings

    movie = generate_movie(preset_settings("small"))
    lineage = synthetic_sample_lineage(movie)
    return lineage_layers(
        lineage,
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
