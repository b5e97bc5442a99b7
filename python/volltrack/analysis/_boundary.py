"""Signed, calibrated distance of cells to the tissue boundary, from a tissue mask.

The distance map of a frame is the exact Euclidean distance transform with the voxel size as
sampling (anisotropic voxels are handled): inside the tissue it is the distance to the nearest
voxel outside, outside it is minus the distance to the nearest voxel inside. Distances are
between voxel centres, so they are within one voxel size of the distance to the true surface.
A spot takes the value of the voxel nearest to its position (``floor(position / voxel + 1/2)``,
the rule of :func:`volltrack.measure` and of BTrackmate's tissue mask), so the distances in
``cells.csv`` and here agree. There is no fallback: without a mask there is no boundary distance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from volltrack._errors import InputError
from volltrack.analysis._lineage import Lineage
from volltrack.io._images import release_frame

__all__ = [
    "boundary_distance",
    "signed_distance_map",
    "signed_edt",
    "tracklet_boundary_summary",
]


def signed_edt(mask: np.ndarray, spacing) -> np.ndarray | None:
    """Signed Euclidean distance transform of a binary mask (positive inside), float64.

    None when the mask has no boundary (all tissue or no tissue). Shared by
    :func:`signed_distance_map` and :func:`volltrack.measure`.
    """
    from scipy import ndimage as ndi

    inside = np.asarray(mask) != 0
    if inside.all() or not inside.any():
        return None
    din = ndi.distance_transform_edt(inside, sampling=spacing)
    dout = ndi.distance_transform_edt(~inside, sampling=spacing)
    return din - dout


def signed_distance_map(mask: np.ndarray, spacing: tuple[float, ...]) -> np.ndarray:
    """Signed distance to the boundary of a binary (Z)YX mask: positive inside, negative outside.

    Parameters
    ----------
    mask : ndarray
        One frame, ZYX or YX; non-zero is tissue.
    spacing : tuple of float
        Size of a voxel along each axis of ``mask`` (z, y, x), in physical units.

    Returns
    -------
    ndarray of float32
        Same shape as ``mask``. NaN everywhere when the frame has no boundary (all tissue or
        no tissue).
    """
    mask = np.asarray(mask)
    if len(spacing) != mask.ndim:
        raise InputError(f"spacing {tuple(spacing)} does not match a {mask.ndim}D mask")
    sdf = signed_edt(mask, spacing)
    if sdf is None:
        return np.full(mask.shape, np.nan, np.float32)
    return sdf.astype(np.float32)


def _sample(volume: np.ndarray, coords: np.ndarray) -> np.ndarray:
    """Values of ``volume`` at the voxels nearest to ``coords`` (n, ndim); NaN outside."""
    index = np.floor(coords + 0.5).astype(np.intp)
    shape = np.asarray(volume.shape)
    outside = np.any((index < 0) | (index >= shape), axis=1)
    index = np.clip(index, 0, shape - 1)
    values = volume[tuple(index.T)].astype(np.float64)
    values[outside] = np.nan
    return values


def boundary_distance(
    lineage: Lineage,
    mask: np.ndarray | None,
    voxel_size: tuple[float, float, float] | None,
) -> pd.DataFrame:
    """Signed distance of every spot to the tissue boundary, frame by frame.

    Parameters
    ----------
    lineage : Lineage
        Spots with calibrated ``z``, ``y``, ``x`` (in the units of ``voxel_size``) and
        ``frame``.
    mask : ndarray
        Tissue mask, TZYX (3D tissue) or TYX (a 2D tissue outline per frame: the distance is
        measured in the YX plane); non-zero is tissue; frame ``k`` of the tracks is ``mask[k]``.
    voxel_size : tuple of float
        (z, y, x) voxel size, as in :attr:`volltrack.io.TrackMateData.voxel_size`.

    Returns
    -------
    DataFrame
        ``spot_id``, ``tracklet_id``, ``track_id``, ``frame``, ``t``, ``distance_to_boundary``
        (positive inside the tissue, negative outside; NaN for a spot outside the image or in a
        frame without a boundary), ``inside`` (bool).

    Raises
    ------
    InputError
        No mask, no voxel size, a mask that is not 3D or 4D, or fewer mask frames than the
        tracks use.
    """
    if mask is None:
        raise InputError(
            "no tissue mask given: the distance to the tissue boundary needs a TZYX or TYX mask "
            "(there is no image-edge fallback)"
        )
    if voxel_size is None:
        raise InputError("no voxel size: the boundary distance needs the (z, y, x) voxel size")
    mask = mask if isinstance(mask, np.ndarray) else np.asarray(mask)  # a memory map stays one
    if mask.ndim not in (3, 4):
        raise InputError(f"tissue mask has shape {mask.shape}: expected TZYX or TYX")
    spots = lineage.spots
    frames = spots["frame"].to_numpy()
    if len(frames) and (frames.max() >= mask.shape[0] or frames.min() < 0):
        raise InputError(
            f"tissue mask has {mask.shape[0]} frames (axis T of shape {mask.shape}), "
            f"but the tracks use frame {int(frames.max())}"
        )
    size = np.asarray(voxel_size, np.float64)
    spacing = size if mask.ndim == 4 else size[1:]
    columns = ["z", "y", "x"] if mask.ndim == 4 else ["y", "x"]
    coords = spots[columns].to_numpy(np.float64) / spacing
    distance = np.full(len(spots), np.nan)
    for frame in np.unique(frames):
        rows = np.flatnonzero(frames == frame)
        sdf = signed_edt(mask[frame], tuple(spacing))
        release_frame(mask, frame)  # a memory-mapped mask stays about one frame in memory
        if sdf is not None:
            distance[rows] = _sample(sdf, coords[rows])
    out = spots[["spot_id", "tracklet_id", "track_id", "frame", "t"]].copy()
    out["distance_to_boundary"] = distance
    out["inside"] = distance > 0
    return out


def tracklet_boundary_summary(lineage: Lineage, distances: pd.DataFrame) -> pd.DataFrame:
    """Where each tracklet starts and ends relative to the tissue boundary.

    Parameters
    ----------
    lineage : Lineage
    distances : DataFrame
        :func:`boundary_distance` of ``lineage``.

    Returns
    -------
    DataFrame
        ``tracklet_id``, ``track_id``, ``generation``, ``role`` (``"root"`` for a tracklet
        without parents, ``"daughter"`` after a division, ``"merged"`` after a merge),
        ``divides`` (bool: ends in a division), ``start_t``, ``end_t``, ``start_distance``,
        ``end_distance``, ``change`` (end − start).
    """
    g = distances.sort_values(["tracklet_id", "frame"]).groupby("tracklet_id")
    tl = lineage.tracklets
    ids = tl["tracklet_id"].to_numpy()
    start = g["distance_to_boundary"].first().reindex(ids).to_numpy()
    end = g["distance_to_boundary"].last().reindex(ids).to_numpy()
    role = np.where(
        tl["start"] == "root", "root", np.where(tl["start"] == "merge", "merged", "daughter")
    )
    return pd.DataFrame(
        {
            "tracklet_id": ids,
            "track_id": tl["track_id"].to_numpy(),
            "generation": tl["generation"].to_numpy(),
            "role": role,
            "divides": (tl["end"] == "division").to_numpy(),
            "start_t": tl["start_t"].to_numpy(),
            "end_t": tl["end_t"].to_numpy(),
            "start_distance": start,
            "end_distance": end,
            "change": end - start,
        }
    )
