"""Prediction: N2V (optional) → StarDist-3D + U-Net → VollSeg fusion, per frame and per movie.

One frame goes through two steps, kept apart so that the threshold search
(:mod:`volltrack.segmentation._thresholds`) can run the networks once and the thresholds many
times through exactly the same code:

1. :func:`network_outputs`: the networks. The raw frame is normalised with the bundle's
   percentiles (:func:`~volltrack.segmentation._models.normalize_frame`); N2V, when used, denoises
   it and its output is normalised the same way; StarDist predicts object probability and ray
   distances (at its grid), the U-Net the foreground probability. Every network sees the same
   normalisation (VollSeg normalised only StarDist's input).
2. :func:`outputs_to_result`: the thresholds. StarDist's NMS at ``prob_thresh``/``nms_thresh``
   (StarDist's own ``_instances_from_prediction``, as in ``predict_instances``), the U-Net
   probability thresholded at ``unet_threshold``, the landscape brought to full resolution, and
   :func:`~volltrack.segmentation.fuse`.

:func:`segment_movie` runs a ZYX or TZYX movie frame by frame (TIFF or zarr, read lazily), writes
each frame's outputs as it completes, skips finished frames on a re-run with the same settings
and models, and assembles calibrated TZYX ImageJ TIFFs at the end.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from volltrack._errors import InputError
from volltrack.segmentation._fusion import fuse, fusion_markers

__all__ = [
    "OUTPUT_KINDS",
    "NetworkOutputs",
    "SegmentSettings",
    "SegmentationResult",
    "fuse_outputs",
    "make_settings",
    "network_outputs",
    "outputs_to_result",
    "read_segment_settings",
    "segment",
    "segment_movie",
    "stardist_instances",
]

#: The outputs of a frame, each a folder of per-frame files and a TZYX file in segment_movie's
#: output folder, in this order.
OUTPUT_KINDS: tuple[str, ...] = (
    "labels",
    "stardist",
    "foreground",
    "probability",
    "markers",
    "denoised",
)

#: The settings and provenance file of a segment_movie output folder.
SETTINGS_FILE = "segment.json"


class SegmentSettings(BaseModel):
    """Settings of :func:`segment` and :func:`segment_movie`. Unknown keys are rejected.

    Thresholds left at None take the model bundle's values (StarDist's ``thresholds.json`` and the
    manifest's ``unet_threshold``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    prob_thresh: float | None = Field(
        None,
        gt=0,
        lt=1,
        description="StarDist object-probability threshold in (0, 1); None: the bundle's",
    )
    nms_thresh: float | None = Field(
        None,
        ge=0,
        lt=1,
        description="StarDist non-maximum-suppression overlap threshold in [0, 1); "
        "None: the bundle's",
    )
    unet_threshold: float | None = Field(
        None,
        gt=0,
        lt=1,
        description="U-Net foreground-probability threshold in (0, 1); None: the bundle's",
    )
    n_tiles: tuple[int, int, int] = Field(
        (1, 1, 1),
        description="tiles (z, y, x) for every network, to bound memory; each >= 1",
    )
    use_n2v: bool = Field(
        False,
        description="denoise with the bundle's N2V model first, when it has one (off by default: "
        "the shipped StarDist and U-Net are trained on raw frames, and denoised input lowers "
        "their accuracy)",
    )
    landscape: Literal["probability", "distance"] = Field(
        "probability",
        description="what the watershed floods: StarDist's object probability, or its per-voxel "
        "maximum of the ray distances",
    )
    voxel_size: tuple[float, float, float] | None = Field(
        None,
        description="voxel size (z, y, x) in µm for the fusion's volumes and distances; None: the "
        "input file's calibration, else the bundle's",
    )
    grow_foreground: float = Field(
        1.0,
        ge=0,
        description="µm; dilate the U-Net mask by this radius before the fusion, for U-Nets "
        "trained on targets with eroded cell boundaries (the shipped one); 0: the mask as "
        "predicted (VollSeg)",
    )
    min_volume: float = Field(
        0.0, ge=0, description="smallest cell volume kept, µm³ (fusion post-processing)"
    )
    max_volume: float | None = Field(
        None, gt=0, description="largest cell volume kept, µm³; None: no limit"
    )
    fill_holes: bool = Field(
        True, description="fill background pockets enclosed by a single cell with that cell"
    )
    rescue_overlap: float = Field(
        1.0,
        ge=0,
        le=1,
        description="a StarDist object with less than this fraction inside the U-Net mask is "
        "added to the mask whole; 1 (default): every object, the union of both masks; "
        "0.5: VollSeg since v8",
    )
    missed_cell_radius: float | None = Field(
        None,
        gt=0,
        description="µm; seed cells StarDist missed inside components where it found others "
        "(see volltrack.segmentation.fuse); None: off, as in VollSeg",
    )

    @field_validator("n_tiles")
    @classmethod
    def _tiles_positive(cls, value: tuple[int, int, int]) -> tuple[int, int, int]:
        if any(t < 1 for t in value):
            raise ValueError(f"each entry must be >= 1, got {value}")
        return value

    @field_validator("voxel_size")
    @classmethod
    def _voxel_size_positive(
        cls, value: tuple[float, float, float] | None
    ) -> tuple[float, float, float] | None:
        if value is not None and not all(np.isfinite(v) and v > 0 for v in value):
            raise ValueError(f"each entry must be a number > 0, got {value}")
        return value


def _settings_error(exc: Exception, source: str = "segment settings") -> InputError:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = []
        for err in errors():
            loc = ".".join(str(x) for x in err.get("loc", ()))
            parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
        return InputError(f"{source}: " + "; ".join(parts))
    return InputError(f"{source}: " + str(exc).replace("\n", " "))


def make_settings(values: dict[str, Any], source: str = "segment settings") -> SegmentSettings:
    """:class:`SegmentSettings` from a dict; a validation error becomes a one-line InputError."""
    try:
        return SegmentSettings(**values)
    except ValueError as exc:  # pydantic.ValidationError derives from ValueError
        raise _settings_error(exc, source) from None


def read_segment_settings(path: str | os.PathLike[str]) -> SegmentSettings:
    """Settings from a TOML file (top level or a ``[segment]`` table) or a JSON file.

    Raises
    ------
    volltrack._errors.InputError
        If the file is missing or unparsable, or a key is unknown or out of range.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such config file")
    text = p.read_text(encoding="utf-8")
    try:
        if p.suffix.lower() == ".toml":
            try:
                import tomllib
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib  # type: ignore[no-redef]
            data = tomllib.loads(text)
            data = data.get("segment", data)
        else:
            data = json.loads(text)
            data = data.get("settings", data) if isinstance(data, dict) else data
    except (ValueError, TypeError) as exc:
        raise InputError(f"{p}: cannot parse ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{p}: expected a table of settings, got {type(data).__name__}")
    return make_settings(data, str(p))


@dataclass(frozen=True)
class SegmentationResult:
    """The outputs of one (z, y, x) frame. Every field exists; None when not computed.

    Attributes
    ----------
    labels : ndarray of int32
        The fused cell labels 1..N (0 = background).
    stardist_labels : ndarray of int32
        StarDist's instance labels after NMS.
    foreground : ndarray of bool
        The U-Net foreground mask (probability ≥ ``unet_threshold``).
    probability : ndarray of float32
        The landscape the watershed flooded, at full resolution (StarDist's object probability,
        or its maximum ray distance in pixels with ``landscape="distance"``).
    markers : ndarray of int32
        The watershed seeds (see :func:`~volltrack.segmentation.fusion_markers`).
    denoised : ndarray of float32 or None
        The N2V output (normalised intensities), None without N2V.
    """

    labels: np.ndarray
    stardist_labels: np.ndarray
    foreground: np.ndarray
    probability: np.ndarray
    markers: np.ndarray | None
    denoised: np.ndarray | None


@dataclass(frozen=True)
class NetworkOutputs:
    """What the networks predict for one frame, before any threshold.

    Attributes
    ----------
    shape : tuple of int
        The frame's (z, y, x) shape.
    prob, dist : ndarray
        StarDist's object probability (Z', Y', X') and ray distances (Z', Y', X', n_rays) at
        its grid.
    unet : ndarray of float32
        The U-Net foreground probability (Z, Y, X).
    denoised : ndarray of float32 or None
        The N2V output, None without N2V.
    """

    shape: tuple[int, int, int]
    prob: np.ndarray
    dist: np.ndarray
    unet: np.ndarray
    denoised: np.ndarray | None


# --------------------------------------------------------------------------------------------
# one frame


@functools.lru_cache(maxsize=1)
def _shipped_models() -> Any:
    from volltrack.segmentation._models import load_models

    return load_models(None)


def _resolve_models(models: Any) -> Any:
    """A loaded bundle: ``models`` itself, the shipped bundle (None), or a folder to load."""
    if models is None:
        return _shipped_models()
    if isinstance(models, (str, os.PathLike)):
        from volltrack.segmentation._models import load_models

        return load_models(models)
    return models


def _resolve_settings(settings: SegmentSettings | dict[str, Any] | None) -> SegmentSettings:
    if settings is None:
        return SegmentSettings()
    if isinstance(settings, SegmentSettings):
        return settings
    if isinstance(settings, dict):
        return make_settings(settings)
    raise InputError(f"settings must be a SegmentSettings or a dict; got {type(settings).__name__}")


def _check_frame(raw: object, what: str = "raw") -> np.ndarray:
    array = np.asarray(raw)
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise InputError(
            f"{what}: expected real-valued (integer or float) pixels; got dtype {array.dtype} "
            f"with shape {array.shape}"
        )
    if array.ndim != 3:
        raise InputError(f"{what}: expected one (z, y, x) frame; got shape {array.shape}")
    if min(array.shape) < 1:
        raise InputError(f"{what}: the frame is empty, shape {array.shape}")
    if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise InputError(f"{what}: pixel {bad} is {array[bad]}; expected finite values")
    return array


@functools.lru_cache(maxsize=1)
def _quiet_keras() -> None:
    """No Keras progress bars on stdout (CARE and N2V predict with Keras' default verbosity)."""
    import tensorflow as tf

    tf.keras.utils.disable_interactive_logging()


def network_outputs(
    raw_zyx: np.ndarray,
    models: Any = None,
    settings: SegmentSettings | dict[str, Any] | None = None,
) -> NetworkOutputs:
    """Run the networks on one (z, y, x) frame (N2V if asked, StarDist, U-Net).

    Parameters
    ----------
    raw_zyx : (Z, Y, X) ndarray of int or float
        The raw frame.
    models : SegmentationModels, path-like or None
        A loaded bundle, a bundle folder, or None for the shipped bundle.
    settings : SegmentSettings or dict, optional
        Only ``n_tiles`` and ``use_n2v`` matter here.

    Returns
    -------
    NetworkOutputs
    """
    from volltrack.segmentation._models import normalize_frame

    raw = _check_frame(raw_zyx)
    models = _resolve_models(models)
    _quiet_keras()
    settings = _resolve_settings(settings)
    tiles = tuple(settings.n_tiles)
    x = normalize_frame(raw, models)
    denoised = None
    if settings.use_n2v and models.n2v is not None:
        denoised = np.asarray(models.n2v.predict(x, axes="ZYX", n_tiles=tiles), dtype=np.float32)
        x = normalize_frame(denoised, models)
    prob, dist = models.stardist.predict(x, axes="ZYX", n_tiles=tiles, show_tile_progress=False)
    unet = models.unet.predict(x, axes="ZYX", normalizer=None, n_tiles=tiles)
    unet = np.asarray(unet, dtype=np.float32)
    if unet.ndim == 4:  # a trailing channel axis of length 1
        unet = unet[..., 0]
    return NetworkOutputs(
        shape=tuple(int(s) for s in raw.shape),  # type: ignore[arg-type]
        prob=np.asarray(prob),
        dist=np.asarray(dist),
        unet=unet,
        denoised=denoised,
    )


def _full_resolution(values: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """A grid-resolution map brought to the frame's shape by linear interpolation."""
    values = np.asarray(values, dtype=np.float32)
    if values.shape == tuple(shape):
        return values
    from skimage.transform import resize

    return resize(values, shape, order=1, mode="edge", anti_aliasing=False, preserve_range=True)


def stardist_instances(
    outputs: NetworkOutputs, models: Any, prob_thresh: float, nms_thresh: float
) -> np.ndarray:
    """StarDist's instances of one frame at the given thresholds (its own NMS and rendering,
    exactly what ``predict_instances`` does after the network), as int32."""
    instances, _details = models.stardist._instances_from_prediction(
        outputs.shape, outputs.prob, outputs.dist, prob_thresh=prob_thresh, nms_thresh=nms_thresh
    )
    return np.asarray(instances, dtype=np.int32)


def _thresholds(models: Any, settings: SegmentSettings) -> tuple[float, float, float]:
    """(prob_thresh, nms_thresh, unet_threshold): the settings', else the bundle's."""
    return (
        models.prob_thresh if settings.prob_thresh is None else settings.prob_thresh,
        models.nms_thresh if settings.nms_thresh is None else settings.nms_thresh,
        models.unet_threshold if settings.unet_threshold is None else settings.unet_threshold,
    )


def _grow(mask: np.ndarray, radius: float, spacing: Sequence[float]) -> np.ndarray:
    """``mask`` dilated by a ball of ``radius`` µm (anisotropic voxels)."""
    from scipy import ndimage as ndi

    half = [int(radius // float(v)) for v in spacing]
    if not any(half):
        return mask
    grid = np.ogrid[tuple(slice(-h, h + 1) for h in half)]
    dist2 = sum((g * float(v)) ** 2 for g, v in zip(grid, spacing, strict=True))
    return ndi.binary_dilation(mask, structure=dist2 <= radius * radius + 1e-9)


def fuse_outputs(
    outputs: NetworkOutputs,
    instances: np.ndarray,
    models: Any,
    settings: SegmentSettings,
    *,
    voxel_size: Sequence[float] | None = None,
    with_markers: bool = True,
) -> SegmentationResult:
    """The U-Net threshold, the landscape and the fusion, given StarDist's instances."""
    unet_threshold = _thresholds(models, settings)[2]
    spacing = settings.voxel_size or voxel_size or models.voxel_size
    if settings.landscape == "probability":
        landscape = _full_resolution(outputs.prob, outputs.shape)
    else:
        landscape = _full_resolution(np.max(outputs.dist, axis=-1), outputs.shape)
    foreground = outputs.unet >= unet_threshold
    if settings.grow_foreground > 0:
        foreground = _grow(foreground, settings.grow_foreground, spacing)
    fusion = {
        "voxel_size": spacing,
        "rescue_overlap": settings.rescue_overlap,
        "missed_cell_radius": settings.missed_cell_radius,
    }
    labels = fuse(
        landscape,
        instances,
        foreground,
        min_volume=settings.min_volume,
        max_volume=settings.max_volume,
        fill_holes=settings.fill_holes,
        **fusion,
    )
    markers = fusion_markers(landscape, instances, foreground, **fusion) if with_markers else None
    return SegmentationResult(
        labels=labels,
        stardist_labels=instances,
        foreground=foreground,
        probability=landscape.astype(np.float32, copy=False),
        markers=markers,
        denoised=outputs.denoised,
    )


def outputs_to_result(
    outputs: NetworkOutputs,
    models: Any = None,
    settings: SegmentSettings | dict[str, Any] | None = None,
    *,
    voxel_size: Sequence[float] | None = None,
    with_markers: bool = True,
) -> SegmentationResult:
    """Apply the thresholds and the fusion to the networks' outputs of one frame.

    Parameters
    ----------
    outputs : NetworkOutputs
        From :func:`network_outputs`.
    models : SegmentationModels, path-like or None
        The bundle the outputs came from (its StarDist model does the NMS; its thresholds are the
        defaults).
    settings : SegmentSettings or dict, optional
        Thresholds, landscape and fusion post-processing.
    voxel_size : sequence of 3 float, optional
        (z, y, x) in µm when ``settings.voxel_size`` is None; default: the bundle's.
    with_markers : bool
        Compute the ``markers`` field (None otherwise).

    Returns
    -------
    SegmentationResult
    """
    models = _resolve_models(models)
    settings = _resolve_settings(settings)
    prob_thresh, nms_thresh, _ = _thresholds(models, settings)
    instances = stardist_instances(outputs, models, prob_thresh, nms_thresh)
    return fuse_outputs(
        outputs, instances, models, settings, voxel_size=voxel_size, with_markers=with_markers
    )


def segment(
    raw_zyx: np.ndarray,
    models: Any = None,
    settings: SegmentSettings | dict[str, Any] | None = None,
) -> SegmentationResult:
    """Segment one (z, y, x) frame: N2V (optional), StarDist-3D, U-Net, then the VollSeg fusion.

    Parameters
    ----------
    raw_zyx : (Z, Y, X) ndarray of int or float
        The raw membrane image.
    models : SegmentationModels, path-like or None
        A bundle from :func:`~volltrack.segmentation.load_models`, a bundle folder, or None for
        the shipped bundle (loaded once and cached). Pass a loaded bundle for repeated calls.
    settings : SegmentSettings or dict, optional
        Thresholds (default: the bundle's), tiles, N2V, landscape, voxel size (default: the
        bundle's) and the fusion's post-processing.

    Returns
    -------
    SegmentationResult

    Raises
    ------
    volltrack._errors.InputError
        If the frame is not a finite real 3D array or a setting is out of range;
        ``ModelError`` (an InputError) if the model folder is missing or corrupt.

    Examples
    --------
    >>> from volltrack.segmentation import segment  # doctest: +SKIP
    >>> result = segment(raw[0], settings={"n_tiles": (1, 2, 2)})  # doctest: +SKIP
    >>> result.labels.max()  # doctest: +SKIP
    """
    raw = _check_frame(raw_zyx)
    settings = _resolve_settings(settings)
    models = _resolve_models(models)
    return outputs_to_result(network_outputs(raw, models, settings), models, settings)


# --------------------------------------------------------------------------------------------
# a movie


@dataclass(frozen=True)
class _Source:
    """A lazily read ZYX/TZYX input: frames are read one at a time."""

    name: str
    frames: Any  # indexable by t -> (Z, Y, X)
    shape: tuple[int, int, int, int]
    dtype: np.dtype
    voxel_size: tuple[float, float, float] | None
    time_interval: float | None
    identity: dict[str, Any]

    def frame(self, t: int) -> np.ndarray:
        return np.asarray(self.frames[t])


def _check_movie_array(data: Any, axes: str | None, name: str) -> tuple[Any, tuple[int, ...]]:
    dtype = np.dtype(data.dtype)
    if dtype.kind == "b" or not (
        np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)
    ):
        raise InputError(
            f"{name}: expected real-valued (integer or float) pixels; got {dtype} "
            f"with shape {tuple(data.shape)}"
        )
    shape = tuple(int(s) for s in data.shape)
    # plain TIFFs are read by position (tifffile calls their axes Q or S); a channel axis, or
    # samples last (RGB), is not a membrane movie
    if axes is not None and ("C" in axes.upper() or axes.upper().endswith("S")):
        raise InputError(
            f"{name}: axes {axes} with shape {shape}; expected ZYX or TZYX (one channel)"
        )
    if len(shape) == 3:
        return data[np.newaxis] if isinstance(data, np.ndarray) else _AddT(data), (1, *shape)
    if len(shape) == 4:
        return data, shape
    raise InputError(f"{name}: expected a ZYX or TZYX image (3 or 4 axes); got shape {shape}")


class _AddT:
    """A ZYX array seen as a one-frame TZYX movie, without reading it."""

    def __init__(self, data: Any) -> None:
        self._data = data

    def __getitem__(self, t: int) -> Any:
        if t != 0:
            raise IndexError(t)
        return self._data[...]


def _open_source(raw: Any) -> _Source:
    if isinstance(raw, np.ndarray):
        frames, shape = _check_movie_array(raw, None, "raw array")
        digest = hashlib.sha256(np.ascontiguousarray(raw).view(np.uint8).ravel()).hexdigest()
        return _Source(
            "raw",
            frames,
            shape,  # type: ignore[arg-type]
            raw.dtype,
            None,
            None,
            {"array_sha256": digest, "shape": list(shape), "dtype": str(raw.dtype)},
        )
    path = Path(raw)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    is_zarr = path.suffix.lower() == ".zarr" or any(
        (path / marker).exists() for marker in ("zarr.json", ".zarray")
    )
    if path.is_dir() and not is_zarr:
        raise InputError(f"{path}: a folder but not a zarr array; expected a TIFF or zarr array")
    stat = path.stat()
    identity = {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    if is_zarr:
        import zarr

        try:
            array = zarr.open_array(str(path), mode="r")
        except Exception as exc:  # zarr raises several unrelated types for a bad store
            raise InputError(f"{path}: not a readable zarr array ({exc})") from None
        frames, shape = _check_movie_array(array, None, str(path))
        return _Source(
            path.stem,
            frames,
            shape,
            np.dtype(array.dtype),
            None,
            None,
            identity,  # type: ignore[arg-type]
        )
    from volltrack.io import read_image

    image = read_image(path, memmap=True)
    frames, shape = _check_movie_array(image.data, image.axes, str(path))
    # a calibration counts only in µm (ImageJ writes resolution 1 "pixel" when it has none)
    microns = str(image.unit).lower() in ("micron", "microns", "µm", "um", "\\u00b5m")
    return _Source(
        path.stem,
        frames,
        shape,  # type: ignore[arg-type]
        image.data.dtype,
        image.voxel_size if microns else None,
        image.time_interval,
        identity,
    )


def _bundle_digest(models: Any) -> str:
    """A hash of the bundle's manifest, configs, thresholds and weights."""
    folder = Path(models.path)
    digest = hashlib.sha256()
    files = sorted(
        p
        for pattern in ("volltrack-models.json", "*/config.json", "*/thresholds.json", "*/*.h5")
        for p in folder.glob(pattern)
    )
    for p in files:
        digest.update(str(p.relative_to(folder)).encode())
        digest.update(p.read_bytes())
    return digest.hexdigest()


def _frame_path(out_dir: Path, kind: str, t: int) -> Path:
    return out_dir / kind / f"t{t:05d}.tif"


def _kinds(models: Any, settings: SegmentSettings) -> tuple[str, ...]:
    with_n2v = settings.use_n2v and models.n2v is not None
    return tuple(k for k in OUTPUT_KINDS if k != "denoised" or with_n2v)


def _write_frame(
    out_dir: Path, t: int, result: SegmentationResult, kinds: Sequence[str], vs: Sequence[float]
) -> None:
    from volltrack.io import write_imagej_tzyx

    arrays = {
        "labels": result.labels,
        "stardist": result.stardist_labels,
        "foreground": result.foreground,
        "probability": result.probability,
        "markers": result.markers,
        "denoised": result.denoised,
    }
    # labels last: a frame counts as finished when every file exists
    for kind in (*[k for k in kinds if k != "labels"], "labels"):
        write_imagej_tzyx(_frame_path(out_dir, kind, t), arrays[kind][np.newaxis], vs, 1.0)


# Per-process caches of the frame jobs: a worker process (or dask worker) loads a bundle and
# opens an input once, however many frames it runs; in this process segment_movie puts the
# bundle and input it already has here, so serial and thread runs load nothing again.
_WORKER_MODELS: dict[str, Any] = {}
_WORKER_SOURCES: dict[str, _Source] = {}
_NETWORK_LOCKS: dict[int, Any] = {}


def _network_lock(models: Any) -> Any:
    """One lock per loaded bundle: Keras models are not safe to call from several threads."""
    import threading

    return _NETWORK_LOCKS.setdefault(id(models), threading.Lock())


@dataclass(frozen=True)
class _FrameJob:
    """Segment frame ``t`` of a movie and write its files; picklable (no networks inside).

    ``raw`` is the input path (re-opened by each worker process) or the array itself;
    ``bundle`` the bundle folder, loaded lazily once per process; ``settings`` have every
    threshold and the voxel size resolved, so a worker needs nothing else from the caller.
    """

    raw: Any
    source_key: str
    bundle: str
    models_key: str
    out_dir: str
    settings: SegmentSettings
    kinds: tuple[str, ...]
    voxel_size: tuple[float, float, float]

    def __call__(self, t: int) -> int:
        models = _WORKER_MODELS.get(self.models_key)
        if models is None:
            from volltrack.segmentation._models import load_models

            models = _WORKER_MODELS.setdefault(self.models_key, load_models(self.bundle))
        source = _WORKER_SOURCES.get(self.source_key)
        if source is None:
            source = _WORKER_SOURCES.setdefault(self.source_key, _open_source(self.raw))
        frame = _check_frame(source.frame(t), f"{source.name} frame {t}")
        with _network_lock(models):
            outputs = network_outputs(frame, models, self.settings)
        result = outputs_to_result(outputs, models, self.settings, voxel_size=self.voxel_size)
        _write_frame(Path(self.out_dir), t, result, self.kinds, self.voxel_size)
        return t


def segment_movie(
    raw: Any,
    out_dir: str | os.PathLike[str],
    models: Any = None,
    settings: SegmentSettings | dict[str, Any] | None = None,
    *,
    time_interval: float | None = None,
    overwrite: bool = False,
    progress: Callable[[int, int, bool], None] | None = None,
    scheduler: str | None = None,
    n_workers: int | None = None,
) -> dict[str, Path]:
    """Segment every frame of a ZYX or TZYX movie; write per-frame and TZYX outputs.

    Output folder layout (every file a calibrated ImageJ TIFF, written atomically)::

        OUT/segment.json            settings, bundle, input and their fingerprint
        OUT/<kind>/t00000.tif ...   one ZYX frame per file, written as each frame completes
        OUT/<kind>.tif              the TZYX movie, assembled when every frame is done

    with ``<kind>`` in ``labels`` (fused cells, uint16), ``stardist`` (StarDist instances,
    uint16), ``foreground`` (U-Net mask, uint8 0/255), ``probability`` (the flooded landscape,
    float32), ``markers`` (watershed seeds, uint16) and ``denoised`` (N2V output, float32; only
    with N2V).

    A re-run into the same folder with the same input, settings and bundle (the same
    fingerprint) skips the frames whose files all exist. A different fingerprint is an error
    unless ``overwrite``, which deletes the old outputs and computes every frame again.

    Parameters
    ----------
    raw : path-like or ndarray
        A ZYX or TZYX TIFF (memory-mapped when uncompressed), a zarr array folder, or an array.
        One channel only.
    out_dir : path-like
        The output folder (created if missing).
    models : SegmentationModels, path-like or None
        The bundle; None: the shipped one.
    settings : SegmentSettings or dict, optional
        As for :func:`segment`. The voxel size defaults to the TIFF's calibration, else the
        bundle's.
    time_interval : float, optional
        Seconds per frame for the TZYX files; default the TIFF's, else 1.
    overwrite : bool
        Redo everything, replacing earlier outputs.
    progress : callable(done, total, skipped), optional
        Called after each frame (``skipped``: it was already finished), in this process.
    scheduler : str, optional
        Where the frames run (:func:`volltrack._parallel.map_frames`): ``"synchronous"``,
        ``"threads"`` (the default when ``n_workers`` > 1), ``"processes"``, ``"local"`` (a
        dask ``LocalCluster``) or a dask scheduler address ``tcp://HOST:PORT``. Every worker
        process loads the bundle from its folder once (the networks are never pickled) and
        re-opens a file input (an array input is sent to it); with threads the networks run
        one frame at a time (Keras models are not thread-safe) and the fusions in parallel.
        The outputs are identical whatever the scheduler.
    n_workers : int, optional
        Threads, processes or dask workers.

    Returns
    -------
    dict
        ``kind -> path`` of the TZYX files, plus ``"settings"`` -> ``segment.json``.

    Raises
    ------
    volltrack._errors.InputError
        Bad input, settings, scheduler or model folder (before anything is written), or an
        output folder holding results of another run without ``overwrite``.
    volltrack._parallel.FrameFailures
        When frames failed (``FrameInputFailures``, an InputError, when all of them were bad
        input, e.g. non-finite pixels): it names them; every other frame was still segmented
        and written, so a re-run redoes only the failed ones. The TZYX files are not written.
    """
    from volltrack._parallel import check_scheduler, map_frames
    from volltrack._version import __version__
    from volltrack.io import read_image, write_imagej_tzyx, write_text_atomic

    settings = _resolve_settings(settings)
    check_scheduler(scheduler, n_workers)
    source = _open_source(raw)
    models = _resolve_models(models)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder")
    if time_interval is not None and not (np.isfinite(time_interval) and time_interval > 0):
        raise InputError(f"time_interval must be a number > 0 (s); got {time_interval!r}")
    vs = settings.voxel_size or source.voxel_size or tuple(models.voxel_size)
    dt = float(time_interval or source.time_interval or 1.0)
    kinds = _kinds(models, settings)
    thresholds = [float(v) for v in _thresholds(models, settings)]
    record = {
        "format": "volltrack-segment",
        "format_version": 1,
        "settings": settings.model_dump(mode="json"),
        "resolved": {
            **dict(zip(("prob_thresh", "nms_thresh", "unet_threshold"), thresholds, strict=True)),
            "voxel_size_um": [float(v) for v in vs],
            "time_interval_s": dt,
            "outputs": list(kinds),
        },
        "models": {"path": str(Path(models.path).resolve()), "sha256": _bundle_digest(models)},
        "input": {"shape": list(source.shape), "dtype": str(source.dtype), **source.identity},
    }
    fingerprint = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
    record["fingerprint"] = fingerprint
    record["volltrack_version"] = __version__

    settings_path = out_dir / SETTINGS_FILE
    previous = None
    if settings_path.is_file():
        try:
            previous = json.loads(settings_path.read_text(encoding="utf-8")).get("fingerprint")
        except (ValueError, AttributeError):
            previous = "unreadable"
    finals = {kind: out_dir / f"{kind}.tif" for kind in OUTPUT_KINDS}
    stale = previous is not None and previous != fingerprint
    if not overwrite:
        if stale:
            raise InputError(
                f"{settings_path}: the folder holds results of other settings, models or input "
                "(use --overwrite / overwrite=True to redo them)"
            )
        if previous is None:
            for path in [*finals.values(), *(out_dir / k for k in OUTPUT_KINDS)]:
                if path.exists():
                    raise InputError(
                        f"{path}: already exists (use --overwrite / overwrite=True to replace it)"
                    )
    if overwrite:
        for kind in OUTPUT_KINDS:
            if finals[kind].exists():
                finals[kind].unlink()
            folder = out_dir / kind
            if folder.is_dir():
                for f in folder.glob("t*.tif"):
                    f.unlink()
    for kind in kinds:
        (out_dir / kind).mkdir(parents=True, exist_ok=True)
    write_text_atomic(settings_path, json.dumps(record, indent=2) + "\n")

    n = source.shape[0]
    todo = [t for t in range(n) if not all(_frame_path(out_dir, k, t).is_file() for k in kinds)]
    if progress is not None:
        for i in range(n - len(todo)):
            progress(i + 1, n, True)
    if todo:
        resolved = dict(
            zip(("prob_thresh", "nms_thresh", "unet_threshold"), thresholds, strict=True)
        )
        job = _FrameJob(
            raw=raw if isinstance(raw, np.ndarray) else str(Path(raw).resolve()),
            source_key=json.dumps(source.identity, sort_keys=True),
            bundle=str(Path(models.path).resolve()),
            models_key=record["models"]["sha256"],
            out_dir=str(out_dir),
            settings=settings.model_copy(update={**resolved, "voxel_size": tuple(vs)}),
            kinds=tuple(kinds),
            voxel_size=tuple(float(v) for v in vs),  # type: ignore[arg-type]
        )
        # this process already has both: serial and thread runs use them
        _WORKER_MODELS[job.models_key] = models
        _WORKER_SOURCES[job.source_key] = source
        skipped = n - len(todo)
        map_frames(
            job,
            todo,
            scheduler=scheduler,
            n_workers=n_workers,
            progress=None
            if progress is None
            else (lambda done, _total: progress(skipped + done, n, False)),
            what=f"segment {source.name}",
        )

    written: dict[str, Path] = {"settings": settings_path}
    for kind in kinds:
        frames = [read_image(_frame_path(out_dir, kind, t)).data[0] for t in range(n)]
        written[kind] = write_imagej_tzyx(finals[kind], np.stack(frames), vs, dt)
    return written
