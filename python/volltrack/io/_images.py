"""Image files: ImageJ hyperstack TIFFs with physical calibration (µm, s)."""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from volltrack._errors import InputError
from volltrack.io._atomic import atomic_path

__all__ = ["ImageData", "read_image", "release_frame", "write_imagej_tzyx"]

_IMAGEJ_DTYPES = (np.uint8, np.uint16, np.float32)


@dataclass(frozen=True)
class ImageData:
    """An image read from a file, with its calibration. Every field always exists.

    Attributes
    ----------
    data : ndarray
        The pixels, axes as in ``axes``.
    axes : str
        Axis letters of ``data``, e.g. ``"TZYX"``. For an ImageJ file the T, Z, Y and X axes are
        kept even when they have length 1 (C and S only when longer); other files as tifffile
        reports them.
    voxel_size : tuple of float, or None
        (z, y, x) size of a voxel in ``unit``; None when the file does not say.
    time_interval : float or None
        Time between frames in s; None when the file does not say.
    unit : str or None
        Length unit of ``voxel_size`` as written in the file (``"micron"``).
    """

    data: np.ndarray
    axes: str
    voxel_size: tuple[float, float, float] | None
    time_interval: float | None
    unit: str | None


def _as_imagej_dtype(array: np.ndarray, path: Path) -> np.ndarray:
    if array.dtype == bool:
        return array.astype(np.uint8) * np.uint8(255)
    if array.dtype in _IMAGEJ_DTYPES:
        return array
    if np.issubdtype(array.dtype, np.integer):
        lo = int(array.min(initial=0))
        hi = int(array.max(initial=0))
        if lo >= 0 and hi <= 65535:
            return array.astype(np.uint16)
        raise InputError(
            f"{path}: integer values {lo}..{hi} do not fit ImageJ's 16-bit type (0..65535)"
        )
    if np.issubdtype(array.dtype, np.floating):
        return array.astype(np.float32)
    raise InputError(f"{path}: pixel type {array.dtype} cannot be written as an ImageJ image")


def write_imagej_tzyx(
    path: str | os.PathLike[str],
    array: np.ndarray,
    voxel_size: tuple[float, float, float],
    time_interval: float,
    unit: str = "micron",
) -> Path:
    """Write a TZYX array as a calibrated ImageJ hyperstack TIFF, atomically.

    Parameters
    ----------
    path : path-like
        The ``.tif`` file to write; its folder must exist.
    array : ndarray, shape (T, Z, Y, X)
        uint8, uint16 or float32 are written as they are; bool as 0/255 uint8; other integers
        as uint16 when their values fit, other floats as float32.
    voxel_size : tuple of 3 float
        (z, y, x) voxel size in ``unit``; each > 0.
    time_interval : float
        Time between frames in s; > 0.
    unit : str
        Length unit, ImageJ's ``"micron"`` by default.

    Returns
    -------
    pathlib.Path
        The written path.

    Raises
    ------
    InputError
        If the array is not 4-D, the calibration is not positive, or the values do not fit.
    """
    import tifffile

    path = Path(path)
    array = np.asarray(array)
    if array.ndim != 4:
        raise InputError(f"{path}: expected a TZYX array (4 dimensions), got shape {array.shape}")
    vs = tuple(float(v) for v in voxel_size)
    if len(vs) != 3 or not all(np.isfinite(vs)) or min(vs) <= 0:
        raise InputError(f"{path}: voxel_size (z, y, x) must be 3 values > 0, got {voxel_size}")
    if not np.isfinite(time_interval) or time_interval <= 0:
        raise InputError(f"{path}: time_interval must be > 0 s, got {time_interval}")
    data = _as_imagej_dtype(array, path)
    with atomic_path(path) as tmp:
        tifffile.imwrite(
            tmp,
            data,
            imagej=True,
            resolution=(1.0 / vs[2], 1.0 / vs[1]),
            metadata={
                "axes": "TZYX",
                "spacing": vs[0],
                "unit": unit,
                "finterval": float(time_interval),
                "fps": 1.0 / float(time_interval),
            },
        )
    return path


@contextlib.contextmanager
def _quiet_tifffile() -> Iterator[None]:
    """Silence tifffile's log warnings (a damaged file logs lines on stderr before it fails;
    the failure becomes one :class:`InputError` line instead)."""
    logger = logging.getLogger("tifffile")
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before


def release_frame(array, t: int) -> None:
    """Drop frame ``t`` of a memory-mapped array from this process's resident memory.

    Pages of a file mapping that were read stay resident (and count in the peak RSS) until the
    mapping closes; telling the kernel they are not needed (``MADV_DONTNEED``) after a frame is
    measured keeps the resident memory at about one frame whatever the movie's length. The pages
    stay in the page cache, so nothing is read twice. Anything else than a NumPy memory map (or
    a platform without ``madvise``) is left alone.
    """
    mm = getattr(array, "_mmap", None)
    if mm is None or not hasattr(mm, "madvise") or not hasattr(mmap, "MADV_DONTNEED"):
        return
    top = array
    while isinstance(top.base, np.ndarray):
        top = top.base
    frame = array[t]
    if not isinstance(getattr(top, "offset", None), int) or not frame.flags.c_contiguous:
        return
    map_start = top.ctypes.data - top.offset % mmap.ALLOCATIONGRANULARITY
    begin = frame.ctypes.data - map_start
    end = begin + frame.nbytes
    page = mmap.PAGESIZE
    first, last = -(-begin // page) * page, end // page * page
    if last > first:
        with contextlib.suppress(OSError, ValueError):
            mm.madvise(mmap.MADV_DONTNEED, first, last - first)


def _rational(value: object) -> float:
    if isinstance(value, tuple) and len(value) == 2:
        num, den = value
        return float(num) / float(den) if den else float("nan")
    return float(value)  # type: ignore[arg-type]


def read_image(path: str | os.PathLike[str], *, memmap: bool = False) -> ImageData:
    """Read a TIFF and its calibration (ImageJ metadata and resolution tags).

    Parameters
    ----------
    path : path-like
        A ``.tif``/``.tiff`` file.
    memmap : bool
        Map the pixels read-only from the file instead of reading them, when the file stores
        them uncompressed and contiguous (as ImageJ and :func:`write_imagej_tzyx` do); other
        files are read into memory as without it.

    Returns
    -------
    ImageData
        The pixels, their axes, and the voxel size, time interval and unit where the file
        records them (None otherwise).

    Raises
    ------
    InputError
        If the file does not exist or is not a readable TIFF.
    """
    import tifffile

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        with _quiet_tifffile(), tifffile.TiffFile(path) as tif:
            if not tif.series:
                raise InputError(f"{path}: not a readable TIFF (it holds no image)")
            series = tif.series[0]
            data = None
            if memmap and series.dataoffset is not None:
                data = tifffile.memmap(path, mode="r", series=0)
            if data is None:
                data = series.asarray()
            axes = series.axes
            ij = tif.imagej_metadata or {}
            if tif.is_imagej:
                # keep ImageJ's T and Z axes even when they have one element
                full_axes = series.get_axes(False)
                full_shape = series.get_shape(False)
                keep = [
                    (a, n)
                    for a, n in zip(full_axes, full_shape, strict=True)
                    if a in "TZYX" or n > 1
                ]
                axes = "".join(a for a, _ in keep)
                data = data.reshape([n for _, n in keep])
            page = tif.pages.first
            images = ij.get("images")
            plane = int(np.prod(page.shape)) if page.shape else 0
            if images and plane and data.size != int(images) * plane:
                raise InputError(
                    f"{path}: truncated or damaged: its ImageJ header promises {int(images)} "
                    f"images of {page.shape}, the file holds {data.size // plane}"
                )
            tags = page.tags
            voxel_size = None
            if "XResolution" in tags and "YResolution" in tags and ij:
                xres = _rational(tags["XResolution"].value)
                yres = _rational(tags["YResolution"].value)
                z = float(ij.get("spacing", 1.0))
                if xres > 0 and yres > 0:
                    voxel_size = (z, 1.0 / yres, 1.0 / xres)
            finterval = ij.get("finterval")
            time_interval = float(finterval) if finterval else None
            unit = ij.get("unit")
    except InputError:
        raise
    except (tifffile.TiffFileError, ValueError, OSError, IndexError) as exc:
        raise InputError(
            f"{path}: not a readable TIFF ({exc}); expected a TIFF image (ImageJ hyperstack)"
        ) from None
    return ImageData(
        data=data,
        axes=str(axes),
        voxel_size=voxel_size,
        time_interval=time_interval,
        unit=str(unit) if unit is not None else None,
    )
