"""The cell table: one row per cell per frame, measured from a label movie (``cells.csv``).

:func:`measure` works on arrays, :func:`measure_files` on calibrated TIFF files and writes
``cells.csv`` in BTrackmate's schema (README, "BTrackmate" → "cells.csv"). The values are those
of BTrackmate's own label-image input (``LabelImageReader``): the same centroid convention
(voxel i centred at i × voxel size, no half-voxel shift), volume, equivalent radius, extents,
intensities and tissue fraction, and the same spot IDs (0, 1, 2, … in (frame, label) order).

Frames are measured one at a time (peak memory about one frame of each input; file inputs are
memory-mapped when the TIFF allows it), optionally in parallel through dask.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from volltrack._errors import InputError
from volltrack._parallel import map_frames

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MeasureSettings", "measure", "measure_files"]


class MeasureSettings(BaseModel):
    """What ``measure`` takes from the pipeline's inputs (the ``[measure]`` table of
    ``volltrack.toml``). Unknown keys are rejected.

    The images, voxel size and time interval themselves come from the ``[input]`` table.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    intensities: bool = Field(
        True,
        description="measure mean/total/std intensity from the raw movie (when there is one)",
    )
    tissue: bool = Field(
        True,
        description="measure inside_tissue and distance_to_boundary from the tissue mask "
        "(when there is one)",
    )


#: Columns always present, in order.
BASE_COLUMNS = [
    "id",
    "frame",
    "label",
    "x",
    "y",
    "z",
    "volume",
    "surface_area",
    "radius",
    "extent_x",
    "extent_y",
    "extent_z",
]


def _check_voxel_size(voxel_size: object) -> tuple[float, float, float]:
    try:
        vs = tuple(float(v) for v in voxel_size)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise InputError(f"voxel_size must be 3 numbers (z, y, x), got {voxel_size!r}") from None
    if len(vs) != 3 or not all(math.isfinite(v) and v > 0 for v in vs):
        raise InputError(f"voxel_size (z, y, x) must be 3 finite values > 0, got {voxel_size!r}")
    volume = vs[0] * vs[1] * vs[2]
    if not (math.isfinite(volume) and volume > 0):
        raise InputError(
            f"voxel_size (z, y, x) = {voxel_size!r}: its voxel volume {volume!r} µm³ is not a "
            "finite number > 0; expected a microscope's voxel size in µm"
        )
    return vs  # type: ignore[return-value]


def _check_inputs(labels, raw, mask) -> tuple[object, object, object]:
    """Validate shapes and types; return labels as TZYX, raw as TCZYX, mask as TZYX (views)."""
    if not hasattr(labels, "shape") or not hasattr(labels, "dtype"):
        labels = np.asarray(labels)
    if labels.ndim not in (3, 4):
        raise InputError(
            f"labels must be ZYX or TZYX (3 or 4 dimensions), got shape {labels.shape}"
        )
    if labels.dtype == bool or not np.issubdtype(labels.dtype, np.integer):
        raise InputError(
            f"labels must be an integer image, got dtype {labels.dtype} (shape {labels.shape}); "
            "float images are refused: convert the labels to integers first"
        )
    lab = labels if labels.ndim == 4 else labels[np.newaxis]
    t, zyx = lab.shape[0], tuple(lab.shape[1:])
    if raw is not None:
        if not hasattr(raw, "shape") or not hasattr(raw, "dtype"):
            raw = np.asarray(raw)
        if raw.dtype == bool or not (
            np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)
        ):
            raise InputError(f"raw must be a numeric image, got dtype {raw.dtype}")
        raw_shape = raw.shape
        if raw.ndim == 4 and labels.ndim == 4:
            raw = raw[:, np.newaxis]
        elif raw.ndim == 3 and labels.ndim == 3:
            raw = raw[np.newaxis, np.newaxis]
        elif raw.ndim == 4 and labels.ndim == 3:
            raw = raw[np.newaxis]  # CZYX for a single frame
        elif raw.ndim != 5:
            raise InputError(
                f"raw shape {raw_shape} does not match labels shape {labels.shape}; "
                "expected TZYX or TCZYX raw for TZYX labels (ZYX or CZYX for ZYX labels)"
            )
        if raw.shape[0] != t or tuple(raw.shape[2:]) != zyx:
            raise InputError(
                f"raw shape {raw_shape} does not match labels shape {labels.shape}; "
                "expected the same T, Z, Y and X (channels may differ)"
            )
    if mask is not None:
        if not hasattr(mask, "shape"):
            mask = np.asarray(mask)
        mask_shape = mask.shape
        if not (
            mask.dtype == bool
            or np.issubdtype(mask.dtype, np.integer)
            or np.issubdtype(mask.dtype, np.floating)
        ):
            raise InputError(f"mask must be a bool, integer or float image, got dtype {mask.dtype}")
        if mask.ndim == 3:
            mask = mask[np.newaxis]
        if mask.ndim != 4 or tuple(mask.shape[1:]) != zyx or mask.shape[0] not in (1, t):
            raise InputError(
                f"mask shape {mask_shape} does not match labels shape {labels.shape}; "
                "expected the same Z, Y and X, as ZYX or with T = 1 or the labels' T"
            )
    return lab, raw, mask


def _surface_area(lab: np.ndarray, n_labels: int, inv_of, vs) -> np.ndarray:
    """Exposed voxel-face area per label: faces between a label and anything else (other label,
    background or the image border), each weighted by its physical area."""
    vz, vy, vx = vs
    face_area = (vy * vx, vz * vx, vz * vy)  # faces normal to z, y, x
    area = np.zeros(n_labels)
    for axis in range(3):
        pad = [(0, 0)] * 3
        pad[axis] = (1, 1)
        p = np.pad(lab, pad)  # 0 beyond the border
        lo = [slice(None)] * 3
        hi = [slice(None)] * 3
        lo[axis] = slice(None, -1)
        hi[axis] = slice(1, None)
        a, b = p[tuple(lo)], p[tuple(hi)]
        differ = a != b
        for side in (a[differ], b[differ]):
            side = side[side != 0]
            if side.size:
                area += np.bincount(inv_of(side), minlength=n_labels) * face_area[axis]
    return area


def _signed_distance(mask3d: np.ndarray, vs) -> np.ndarray | None:
    """Signed EDT (positive in tissue), or None when the frame has no boundary."""
    from volltrack.analysis._boundary import signed_edt

    return signed_edt(mask3d, vs)


def _measure_frame(
    t: int, labels, raw, mask, vs: tuple[float, float, float], channels: int
) -> dict[str, np.ndarray]:
    """Measure frame ``t``; returns column arrays (no ``id``), rows in label order."""
    from volltrack.io._images import release_frame

    try:
        return _measure_one_frame(t, labels, raw, mask, vs, channels)
    finally:
        for array in (labels, raw, mask):
            if array is not None and (array is not mask or mask.shape[0] > 1):
                release_frame(array, t)


def _measure_one_frame(
    t: int, labels, raw, mask, vs: tuple[float, float, float], channels: int
) -> dict[str, np.ndarray]:
    lab = np.asarray(labels[t])
    if lab.dtype.kind == "i" and lab.size and lab.min() < 0:
        z, y, x = np.argwhere(lab < 0)[0]
        raise InputError(
            f"labels: negative label {lab[z, y, x]} at voxel (t={t}, z={z}, y={y}, x={x}); "
            "expected labels >= 0 (0 = background)"
        )
    flat = lab.ravel()
    fg = np.flatnonzero(flat)
    values = flat[fg]
    uniq, inv = np.unique(values, return_inverse=True)
    m = uniq.size
    cols: dict[str, np.ndarray] = {}
    if m == 0:
        return cols
    n = np.bincount(inv, minlength=m).astype(np.float64)
    z, y, x = np.unravel_index(fg, lab.shape)
    vz, vy, vx = vs
    cols["frame"] = np.full(m, t, dtype=np.int64)
    cols["label"] = uniq.astype(np.int64)
    # same arithmetic as LabelImageReader: (sum of indices) / n * voxel size
    cols["x"] = np.bincount(inv, weights=x, minlength=m) / n * vx
    cols["y"] = np.bincount(inv, weights=y, minlength=m) / n * vy
    cols["z"] = np.bincount(inv, weights=z, minlength=m) / n * vz
    volume = n * (vx * vy * vz)
    cols["volume"] = volume
    cols["surface_area"] = _surface_area(lab, m, lambda v: np.searchsorted(uniq, v), vs)
    cols["radius"] = np.cbrt(3.0 * volume / (4.0 * math.pi))
    order = np.argsort(inv, kind="stable")
    starts = np.concatenate(([0], np.cumsum(n.astype(np.int64))[:-1]))
    for name, idx, size in (("extent_x", x, vx), ("extent_y", y, vy), ("extent_z", z, vz)):
        s = idx[order]
        cols[name] = (np.maximum.reduceat(s, starts) - np.minimum.reduceat(s, starts) + 1) * size
    if raw is not None:
        frame_raw = np.asarray(raw[t])
        for c in range(channels):
            # float64 sums in scan order (z, y, x), as BTrackmate's double accumulation
            v = frame_raw[c].ravel()[fg].astype(np.float64)
            total = np.bincount(inv, weights=v, minlength=m)
            mean = total / n
            var = np.bincount(inv, weights=(v - mean[inv]) ** 2, minlength=m) / n
            suffix = f"_ch{c + 1}" if channels > 1 else ""
            cols[f"mean_intensity{suffix}"] = mean
            cols[f"total_intensity{suffix}"] = total
            cols[f"std_intensity{suffix}"] = np.sqrt(var)
    if mask is not None:
        frame_mask = np.asarray(mask[t if mask.shape[0] > 1 else 0])
        inside = np.bincount(inv, weights=(frame_mask.ravel()[fg] != 0), minlength=m)
        cols["inside_tissue"] = inside / n
        signed = _signed_distance(frame_mask, vs)
        if signed is None:
            cols["distance_to_boundary"] = np.full(m, np.nan)
        else:
            # the voxel nearest the centroid: floor(mean index + 1/2), as TissueMask.containsPoint
            iz = np.floor(cols["z"] / vz + 0.5).astype(np.intp)
            iy = np.floor(cols["y"] / vy + 0.5).astype(np.intp)
            ix = np.floor(cols["x"] / vx + 0.5).astype(np.intp)
            shape = np.array(lab.shape)[:, None] - 1
            iz, iy, ix = np.clip(np.stack([iz, iy, ix]), 0, shape)
            cols["distance_to_boundary"] = signed[iz, iy, ix]
    return cols


def _columns(channels: int, has_mask: bool) -> list[str]:
    cols = list(BASE_COLUMNS)
    for c in range(channels):
        suffix = f"_ch{c + 1}" if channels > 1 else ""
        cols += [f"mean_intensity{suffix}", f"total_intensity{suffix}", f"std_intensity{suffix}"]
    if has_mask:
        cols += ["inside_tissue", "distance_to_boundary"]
    return cols


def measure(
    labels,
    *,
    raw=None,
    mask=None,
    voxel_size: Sequence[float],
    time_interval: float = 1.0,
    n_workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Measure every cell of a label movie: one row per label per frame.

    Parameters
    ----------
    labels : array-like of int, shape (T, Z, Y, X) or (Z, Y, X)
        Cell labels, 0 = background. Any array that can be sliced per frame (NumPy, memory map,
        dask, zarr); only one frame is read at a time. Float or bool labels are refused.
    raw : array-like, shape (T, Z, Y, X) or (T, C, Z, Y, X), optional
        The raw intensities (ZYX or CZYX for ZYX labels). Adds ``mean_intensity``,
        ``total_intensity`` and ``std_intensity`` (population standard deviation, divisor n);
        with more than one channel they are suffixed ``_ch1``, ``_ch2``, ….
    mask : array-like, shape (Z, Y, X) or (T, Z, Y, X), optional
        Tissue mask, non-zero = tissue; a ZYX mask (or T = 1) serves every frame. Adds
        ``inside_tissue`` and ``distance_to_boundary``.
    voxel_size : sequence of 3 float
        (z, y, x) voxel size in µm, each > 0.
    time_interval : float
        Seconds between frames, > 0; kept in ``result.attrs["time_interval"]`` (the table itself
        is indexed by frame).
    n_workers : int, optional
        Measure this many frames in parallel (1 or None = serial). The result is identical to
        the serial one.
    scheduler : str, optional
        Where the frames run: ``"synchronous"``, ``"threads"`` (the default when ``n_workers``
        > 1; NumPy and SciPy release the GIL in the heavy parts), ``"processes"``, ``"local"``
        (a dask ``LocalCluster``) or the address of a dask cluster (``"tcp://HOST:PORT"``);
        see :mod:`volltrack._parallel`. Process-based schedulers copy the input arrays to
        every worker once.
    progress : callable, optional
        Called as ``progress(frames_done, n_frames)`` each time a frame is measured.

    Returns
    -------
    pandas.DataFrame
        Columns, in order: ``id`` (int64, 0, 1, 2, … in (frame, label) order, as BTrackmate's
        label-image input numbers its spots), ``frame``, ``label`` (int64), ``x``, ``y``, ``z``
        (µm; mean voxel index × voxel size, voxel i centred at i × size), ``volume`` (voxel count
        × voxel volume, µm³), ``surface_area`` (µm², the area of the voxel faces that separate
        the cell from anything else — a staircase estimate, about 1.5× the area of the smooth
        surface for a round cell), ``radius`` (of the sphere of that volume), ``extent_x/y/z``
        ((max − min + 1) index × voxel size, µm); with ``raw`` the intensity columns; with
        ``mask`` ``inside_tissue`` (fraction of the cell's voxels in tissue) and
        ``distance_to_boundary`` (µm, signed Euclidean distance transform with anisotropic
        sampling, read at the voxel nearest the centroid: positive inside the tissue, the
        distance to the nearest non-tissue voxel; negative outside, minus the distance to the
        nearest tissue voxel; NaN in a frame whose mask is all tissue or all background).
        ``attrs`` holds ``voxel_size`` and ``time_interval``. Empty frames have no rows.

    Raises
    ------
    InputError
        Float labels, negative labels, shapes that do not fit (the message quotes both shapes),
        or a bad voxel size or time interval.
    """
    import pandas as pd

    vs = _check_voxel_size(voxel_size)
    if not (math.isfinite(float(time_interval)) and float(time_interval) > 0):
        raise InputError(f"time_interval must be a finite number > 0 s, got {time_interval!r}")
    lab, raw5, mask4 = _check_inputs(labels, raw, mask)
    channels = 0 if raw5 is None else int(raw5.shape[1])
    per_frame = map_frames(
        functools.partial(
            _measure_frame, labels=lab, raw=raw5, mask=mask4, vs=vs, channels=channels
        ),
        range(lab.shape[0]),
        scheduler=scheduler,
        n_workers=n_workers,
        progress=progress,
        what="measure",
    )
    names = _columns(channels, mask4 is not None)
    data = {}
    for name in names[1:]:
        parts = [f[name] for f in per_frame if f]
        if parts:
            data[name] = np.concatenate(parts)
        else:
            kind = np.int64 if name in ("frame", "label") else np.float64
            data[name] = np.zeros(0, dtype=kind)
    rows = len(data["frame"])
    table = pd.DataFrame({"id": np.arange(rows, dtype=np.int64), **data}, columns=names)
    table.attrs["voxel_size"] = vs
    table.attrs["time_interval"] = float(time_interval)
    return table


def _tzyx_axes(image, path: Path, what: str, allow_channels: bool) -> np.ndarray:
    """The pixels of an image file in (T)(C)ZYX order.

    ImageJ files keep their axis letters; a plain TIFF whose letters are not T/C/Z/Y/X (tifffile
    calls a page stack ``Q`` or ``I``) is read by position: ZYX, TZYX, and TCZYX for a raw image.
    """
    axes, data = image.axes, image.data
    allowed = "TCZYX" if allow_channels else "TZYX"
    if all(a in allowed for a in axes) and sorted(axes, key=allowed.index) == list(axes):
        if "Z" not in axes or "Y" not in axes or "X" not in axes:
            raise InputError(
                f"{path}: {what} has axes {axes} and shape {data.shape}; expected Z, Y and X axes"
            )
        if "C" in axes and "T" not in axes:
            data = data[np.newaxis]
        return data
    if data.ndim in ((3, 4, 5) if allow_channels else (3, 4)):
        return data
    raise InputError(
        f"{path}: {what} has axes {axes} and shape {data.shape}; "
        f"expected {'T(C)ZYX' if allow_channels else '(T)ZYX'}"
    )


def measure_files(
    labels_path: str | os.PathLike[str],
    raw_path: str | os.PathLike[str] | None = None,
    mask_path: str | os.PathLike[str] | None = None,
    *,
    voxel_size: Sequence[float] | None = None,
    time_interval: float | None = None,
    out: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    n_workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Measure calibrated TIFF files and optionally write ``cells.csv`` atomically.

    Parameters
    ----------
    labels_path : path-like
        Integer label image, TZYX or ZYX (ImageJ hyperstack TIFF).
    raw_path, mask_path : path-like, optional
        Raw image (TZYX or TCZYX) and tissue mask (ZYX or TZYX); their calibration is not used.
    voxel_size : sequence of 3 float, optional
        (z, y, x) in µm; default: the label image's calibration (an error when it has none).
    time_interval : float, optional
        Seconds per frame; default: the label image's calibration, else 1.
    out : path-like, optional
        Where to write the table as CSV (written to a temporary name, then renamed).
    overwrite : bool
        Replace an existing ``out``; without it an existing file is an error.
    n_workers, scheduler, progress
        As in :func:`measure`.

    Returns
    -------
    pandas.DataFrame
        The table of :func:`measure`.

    Raises
    ------
    InputError
        A missing or unreadable file, a missing voxel size, inputs that do not fit, or an
        existing ``out`` without ``overwrite``.
    """
    from volltrack.io import atomic_path, read_image

    if out is not None:
        out = Path(out)
        if out.exists() and not overwrite:
            raise InputError(f"{out}: already exists (use overwrite to replace it)")
        if out.is_dir():
            raise InputError(f"{out}: is a folder; expected the name of the CSV file to write")
        if not out.parent.is_dir():
            raise InputError(f"{out}: folder {out.parent} does not exist")
    labels_path = Path(labels_path)
    lab_img = read_image(labels_path, memmap=True)
    labels = _tzyx_axes(lab_img, labels_path, "label image", allow_channels=False)
    if voxel_size is None:
        if lab_img.voxel_size is None:
            raise InputError(
                f"{labels_path}: the label image has no voxel size calibration; "
                "give the voxel size (z, y, x) explicitly"
            )
        voxel_size = lab_img.voxel_size
    if time_interval is None:
        time_interval = lab_img.time_interval or 1.0
    raw = None
    if raw_path is not None:
        raw_path = Path(raw_path)
        raw = _tzyx_axes(read_image(raw_path, memmap=True), raw_path, "raw image", True)
    mask = None
    if mask_path is not None:
        mask_path = Path(mask_path)
        mask = _tzyx_axes(read_image(mask_path, memmap=True), mask_path, "tissue mask", False)
    try:
        table = measure(
            labels,
            raw=raw,
            mask=mask,
            voxel_size=voxel_size,
            time_interval=time_interval,
            n_workers=n_workers,
            scheduler=scheduler,
            progress=progress,
        )
    except InputError as exc:
        raise InputError(f"{labels_path}: {exc}") from None
    if out is not None:
        with atomic_path(out) as tmp:
            table.to_csv(tmp, index=False, float_format=None)
    return table
