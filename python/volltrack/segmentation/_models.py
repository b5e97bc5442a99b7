"""Model bundles: the folder of networks VollSeg needs, validated before anything is built.

A bundle is a folder with a manifest ``volltrack-models.json`` and one sub-folder per network::

    BUNDLE/
      volltrack-models.json   manifest (format, voxel size, normalisation, members, training)
      stardist/               StarDist3D model: config.json, thresholds.json, weights_best.h5
      unet/                   CSBDeep CARE foreground model: config.json, weights_best.h5
      n2v/                    optional N2V denoiser: config.json, weights_best.h5
      roi/                    optional tissue-ROI CARE model: config.json, weights_best.h5

Loading never executes code from the folder: the manifest and every ``config.json`` are JSON,
checked key by key against the configuration classes of StarDist, CSBDeep and n2v before any
network is built; the architecture is built from the checked configuration and then only the
weights are read from the HDF5 file. TensorFlow is imported inside :func:`load_models` only.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from volltrack._errors import InputError

__all__ = [
    "MANIFEST_NAME",
    "ModelError",
    "ModelsManifest",
    "SegmentationModels",
    "VollSegCalibration",
    "load_models",
    "normalize_frame",
    "read_manifest",
    "shipped_models_path",
    "write_manifest",
]

#: File name of the manifest inside a bundle.
MANIFEST_NAME = "volltrack-models.json"
#: Weights file every member folder must hold (the best-validation checkpoint).
WEIGHTS_NAME = "weights_best.h5"
_CHECKPOINT_NAMES = {
    "train_checkpoint": "weights_best.h5",
    "train_checkpoint_last": "weights_last.h5",
    "train_checkpoint_epoch": "weights_now.h5",
}


class ModelError(InputError):
    """A model folder is missing, incomplete, corrupt or not the kind of network expected."""


class Normalization(BaseModel):
    """Percentile normalisation applied to every network input."""

    model_config = ConfigDict(extra="forbid")

    pmin: float = Field(1.0, ge=0, lt=100, description="lower percentile mapped to 0")
    pmax: float = Field(99.8, gt=0, le=100, description="upper percentile mapped to 1")

    @field_validator("pmax")
    @classmethod
    def _above_pmin(cls, v: float, info: Any) -> float:
        pmin = info.data.get("pmin")
        if pmin is not None and v <= pmin:
            raise ValueError(f"pmax must be > pmin ({pmin}), got {v}")
        return v


_MEMBER_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$"


class Members(BaseModel):
    """Sub-folder of each network in the bundle (a plain folder name; None when absent)."""

    model_config = ConfigDict(extra="forbid")

    stardist: str = Field(pattern=_MEMBER_PATTERN, description="StarDist3D model folder")
    unet: str = Field(pattern=_MEMBER_PATTERN, description="CARE foreground model folder")
    n2v: str | None = Field(None, pattern=_MEMBER_PATTERN, description="N2V model folder")
    roi: str | None = Field(None, pattern=_MEMBER_PATTERN, description="ROI CARE model folder")


class TrainingRecord(BaseModel):
    """How the bundle was made: recipe, the full settings, validation metrics, provenance."""

    model_config = ConfigDict(extra="forbid")

    recipe: str = Field(description="'synthetic' or 'folders'")
    settings: dict[str, Any] = Field(description="the TrainSettings the bundle was trained with")
    validation: dict[str, Any] = Field(description="metrics on the validation data")
    created: str = Field(description="ISO 8601 time the bundle was written")
    volltrack_version: str = Field(description="volltrack version that trained it")


class VollSegCalibration(BaseModel):
    """The VollSeg-level thresholds chosen for a bundle (manifest section ``vollseg``).

    Written by :func:`~volltrack.segmentation.calibrate_models` (and by training): the candidate
    thresholds each went through StarDist's NMS, the U-Net threshold and the fusion on validation
    volumes, and the best pooled AP won (:func:`~volltrack.segmentation.search_thresholds`).
    These are the defaults of :class:`~volltrack.segmentation.SegmentSettings` for the bundle.
    """

    model_config = ConfigDict(extra="forbid")

    prob_thresh: float = Field(gt=0, lt=1, description="StarDist probability threshold")
    nms_thresh: float = Field(ge=0, lt=1, description="StarDist NMS overlap threshold")
    unet_threshold: float = Field(gt=0, lt=1, description="U-Net foreground threshold")
    tau: float = Field(gt=0, le=1, description="IoU threshold of the AP that was maximised")
    ap: float = Field(ge=0, le=1, description="pooled AP@tau of the chosen thresholds")
    ap_uncalibrated: float = Field(
        ge=0,
        le=1,
        description="pooled AP@tau at StarDist's own thresholds and the manifest's unet_threshold",
    )
    n_candidates: int = Field(ge=1, description="threshold triples scored")
    volumes: list[str] = Field(min_length=1, description="names of the validation volumes")
    n_true_objects: int = Field(ge=0, description="ground-truth cells in those volumes")
    settings: dict[str, Any] = Field(
        description="the other SegmentSettings of the search (fusion, landscape, N2V)"
    )
    top: list[dict[str, Any]] = Field(
        description="the best candidates (prob_thresh, nms_thresh, unet_threshold, ap), best first"
    )
    created: str = Field(description="ISO 8601 time of the calibration")


class ModelsManifest(BaseModel):
    """The manifest ``volltrack-models.json`` of a bundle (unknown keys are rejected)."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["volltrack-models"] = Field(description="always 'volltrack-models'")
    format_version: Literal[1] = Field(description="manifest format version")
    voxel_size_um: tuple[float, float, float] = Field(
        description="(z, y, x) voxel size in µm of the training data"
    )
    normalization: Normalization = Field(description="percentile normalisation of inputs")
    unet_threshold: float = Field(
        0.5, gt=0, lt=1, description="threshold on the U-Net foreground probability"
    )
    members: Members = Field(description="network sub-folders")
    training: TrainingRecord = Field(description="training provenance and validation metrics")
    vollseg: VollSegCalibration | None = Field(
        None, description="VollSeg-level thresholds searched on validation data; None: none"
    )

    @field_validator("voxel_size_um")
    @classmethod
    def _positive(cls, v: tuple[float, float, float]) -> tuple[float, float, float]:
        if not all(math.isfinite(x) and x > 0 for x in v):
            raise ValueError(f"voxel_size_um must be 3 finite values > 0, got {v}")
        return v


@dataclass(frozen=True)
class SegmentationModels:
    """The loaded networks of a bundle and the settings stored with them.

    Attributes
    ----------
    path : pathlib.Path
        The bundle folder.
    stardist : stardist.models.StarDist3D
        Instance model (star-convex polyhedra).
    unet : csbdeep.models.CARE
        Foreground model; its output (1 channel, linear) is a probability after clipping to
        [0, 1]. Call ``unet.predict(normalize_frame(x, models), "ZYX", normalizer=None)``.
    n2v : n2v.models.N2V or None
        Denoiser, when the bundle has one.
    roi : csbdeep.models.CARE or None
        Tissue-ROI model, when the bundle has one.
    voxel_size : tuple of float
        (z, y, x) voxel size in µm of the training data.
    pmin, pmax : float
        Percentiles of :func:`normalize_frame`.
    prob_thresh, nms_thresh, unet_threshold : float
        The default thresholds of the VollSeg prediction: the manifest's ``vollseg`` section
        when the bundle is calibrated, else StarDist's own (``stardist/thresholds.json``) and
        the manifest's ``unet_threshold``.
    stardist_prob_thresh, stardist_nms_thresh : float
        StarDist's own thresholds (``stardist/thresholds.json``, from its optimiser), for
        StarDist alone.
    manifest : ModelsManifest
        The validated manifest.
    """

    path: Path
    stardist: Any
    unet: Any
    n2v: Any | None
    roi: Any | None
    voxel_size: tuple[float, float, float]
    pmin: float
    pmax: float
    prob_thresh: float
    nms_thresh: float
    unet_threshold: float
    stardist_prob_thresh: float
    stardist_nms_thresh: float
    manifest: ModelsManifest

    @property
    def calibrated(self) -> bool:
        """Whether the defaults come from a VollSeg-level calibration (manifest ``vollseg``)."""
        return self.manifest.vollseg is not None


def shipped_models_path() -> Path:
    """Return the folder of the bundle shipped with volltrack (``synthetic-membrane``)."""
    return Path(__file__).resolve().parent / "models" / "synthetic-membrane"


def _one_line(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
    return "; ".join(parts)


def _read_json(path: Path) -> Any:
    if not path.is_file():
        raise ModelError(f"{path}: missing file")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{path}: not valid JSON ({str(exc).splitlines()[0]})") from None


def read_manifest(path: str | os.PathLike[str]) -> ModelsManifest:
    """Read and validate the manifest of the bundle folder ``path``.

    Raises
    ------
    ModelError
        If the folder or its manifest is missing or the manifest is not valid.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ModelError(f"{folder}: model folder does not exist")
    file = folder / MANIFEST_NAME
    data = _read_json(file)
    if not isinstance(data, dict):
        raise ModelError(f"{file}: expected a JSON object, got {type(data).__name__}")
    try:
        return ModelsManifest(**data)
    except ValidationError as exc:
        raise ModelError(f"{file}: {_one_line(exc)}") from None


def write_manifest(path: str | os.PathLike[str], manifest: ModelsManifest) -> Path:
    """Write ``manifest`` as the manifest of the bundle folder ``path`` (atomically)."""
    from volltrack.io import write_text_atomic

    out = write_text_atomic(
        Path(path) / MANIFEST_NAME, json.dumps(manifest.model_dump(mode="json"), indent=2) + "\n"
    )
    out.chmod(0o644)
    return out


# ---------------------------------------------------------------------------------------------
# config.json checks, one per network kind (the reference key sets come from the libraries)


def _reference_keys(kind: str, config: dict[str, Any]) -> set[str]:
    if kind == "stardist":
        from stardist import Rays_GoldenSpiral
        from stardist.models import Config3D

        backbone = config.get("backbone", "unet")
        if backbone not in ("unet", "resnet"):
            raise ValueError(f"backbone must be 'unet' or 'resnet', got {backbone!r}")
        ref = Config3D(rays=Rays_GoldenSpiral(8), backbone=backbone)
    elif kind == "n2v":
        from n2v.models import N2VConfig

        ref = N2VConfig(np.zeros((1, 8, 8, 8, 1), np.float32))
    else:
        from csbdeep.models import Config

        ref = Config(axes="ZYX")
    return set(vars(ref))


def _check_config(kind: str, folder: Path) -> dict[str, Any]:
    """Validate ``folder/config.json`` of a member of ``kind``; return the dict."""
    file = folder / "config.json"
    config = _read_json(file)
    if not isinstance(config, dict):
        raise ModelError(f"{file}: expected a JSON object, got {type(config).__name__}")
    try:
        allowed = _reference_keys(kind, config)
    except ValueError as exc:
        raise ModelError(f"{file}: {exc}") from None
    unknown = sorted(set(config) - allowed)
    if unknown:
        raise ModelError(f"{file}: unknown key(s) {unknown} for a {kind} configuration")
    if config.get("n_dim") != 3:
        raise ModelError(
            f"{file}: key 'n_dim' must be 3 (a 3D network), got {config.get('n_dim')!r}"
        )
    axes = config.get("axes")
    if axes != "ZYXC":
        raise ModelError(f"{file}: key 'axes' must be 'ZYXC', got {axes!r}")
    if config.get("n_channel_in") != 1:
        raise ModelError(
            f"{file}: key 'n_channel_in' must be 1, got {config.get('n_channel_in')!r}"
        )
    if kind != "stardist" and config.get("n_channel_out") != 1:
        raise ModelError(
            f"{file}: key 'n_channel_out' must be 1, got {config.get('n_channel_out')!r}"
        )
    if kind in ("unet", "roi") and config.get("probabilistic", False):
        raise ModelError(f"{file}: key 'probabilistic' must be false for a foreground model")
    if kind == "stardist":
        rays = config.get("rays_json")
        if not (
            isinstance(rays, dict)
            and rays.get("name")
            in ("Rays_GoldenSpiral", "Rays_Octo", "Rays_Tetra", "Rays_Cartesian")
            and isinstance(rays.get("kwargs"), dict)
        ):
            raise ModelError(f"{file}: key 'rays_json' is not a known StarDist ray set")
        if config.get("n_classes") is not None:
            raise ModelError(f"{file}: key 'n_classes' must be null (no object classes)")
    for key, expected in _CHECKPOINT_NAMES.items():
        if key in config and config[key] not in (expected, None):
            raise ModelError(f"{file}: key {key!r} must be {expected!r}, got {config[key]!r}")
    return config


def _check_thresholds(folder: Path) -> tuple[float, float]:
    file = folder / "thresholds.json"
    data = _read_json(file)
    if not isinstance(data, dict) or set(data) != {"prob", "nms"}:
        raise ModelError(f"{file}: expected an object with keys 'prob' and 'nms'")
    prob, nms = data["prob"], data["nms"]
    for key, value in (("prob", prob), ("nms", nms)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise ModelError(f"{file}: key {key!r} must be a number in (0, 1), got {value!r}")
    return float(prob), float(nms)


def _check_weights(folder: Path) -> Path:
    file = folder / WEIGHTS_NAME
    if not file.is_file():
        raise ModelError(f"{file}: missing weights file")
    with open(file, "rb") as fh:
        if fh.read(8) != b"\x89HDF\r\n\x1a\n":
            raise ModelError(f"{file}: not an HDF5 weights file")
    return file


def _build(kind: str, folder: Path) -> Any:
    """Build the network of ``kind`` from its checked config and load its weights."""
    import contextlib
    import io

    if kind == "stardist":
        from stardist.models import StarDist3D as cls
    elif kind == "n2v":
        from n2v.models import N2V as cls
    else:
        from csbdeep.models import CARE as cls
    weights = folder / WEIGHTS_NAME
    try:
        # The libraries print which files they load; keep library chatter off stdout.
        with contextlib.redirect_stdout(io.StringIO()):
            model = cls(None, name=folder.name, basedir=str(folder.parent))
            model.load_weights(WEIGHTS_NAME)
    except Exception as exc:
        msg = " ".join(str(exc).split()) or type(exc).__name__
        raise ModelError(f"{weights}: cannot load the {kind} network ({msg[:300]})") from None
    return model


def load_models(path: str | os.PathLike[str] | None = None) -> SegmentationModels:
    """Load a model bundle, validating everything before any network is built.

    Parameters
    ----------
    path : path-like or None
        The bundle folder; None loads the bundle shipped with volltrack
        (:func:`shipped_models_path`).

    Returns
    -------
    SegmentationModels
        The networks and their settings.

    Raises
    ------
    ModelError
        If the folder, its manifest, a member folder, a ``config.json``, ``thresholds.json`` or
        a weights file is missing or not valid, or the weights do not fit the architecture.
    """
    folder = Path(path) if path is not None else shipped_models_path()
    manifest = read_manifest(folder)
    members: dict[str, Path] = {}
    for kind in ("stardist", "unet", "n2v", "roi"):
        name = getattr(manifest.members, kind)
        if name is None:
            continue
        member = folder / name
        if not member.is_dir():
            raise ModelError(f"{member}: missing {kind} model folder named in {MANIFEST_NAME}")
        _check_config("unet" if kind == "roi" else kind, member)
        _check_weights(member)
        members[kind] = member
    prob, nms = _check_thresholds(members["stardist"])
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    built = {kind: _build(kind, member) for kind, member in members.items()}
    cal = manifest.vollseg
    return SegmentationModels(
        path=folder,
        stardist=built["stardist"],
        unet=built["unet"],
        n2v=built.get("n2v"),
        roi=built.get("roi"),
        voxel_size=tuple(float(v) for v in manifest.voxel_size_um),  # type: ignore[arg-type]
        pmin=manifest.normalization.pmin,
        pmax=manifest.normalization.pmax,
        prob_thresh=prob if cal is None else cal.prob_thresh,
        nms_thresh=nms if cal is None else cal.nms_thresh,
        unet_threshold=manifest.unet_threshold if cal is None else cal.unet_threshold,
        stardist_prob_thresh=prob,
        stardist_nms_thresh=nms,
        manifest=manifest,
    )


def normalize_frame(
    x: np.ndarray, models: SegmentationModels | tuple[float, float] | None = None
) -> np.ndarray:
    """Percentile-normalise a ZYX frame the way every network of a bundle expects it.

    ``csbdeep.utils.normalize(x, pmin, pmax, axis=(0, 1, 2))``: the ``pmin`` percentile of the
    whole volume maps to 0 and the ``pmax`` percentile to 1 (float32, not clipped).

    Parameters
    ----------
    x : ndarray, shape (Z, Y, X)
        A real-valued frame.
    models : SegmentationModels or (pmin, pmax) or None
        Where the percentiles come from; None uses the defaults 1 and 99.8.

    Returns
    -------
    ndarray of float32, shape (Z, Y, X)
    """
    from csbdeep.utils import normalize

    x = np.asarray(x)
    if x.ndim != 3:
        raise InputError(f"normalize_frame: expected a ZYX array (3 dimensions), got {x.shape}")
    if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
        raise InputError(f"normalize_frame: expected a numeric array, got dtype {x.dtype}")
    if models is None:
        pmin, pmax = 1.0, 99.8
    elif isinstance(models, tuple):
        pmin, pmax = (float(v) for v in models)
    else:
        pmin, pmax = models.pmin, models.pmax
    return normalize(x, pmin, pmax, axis=(0, 1, 2), dtype=np.float32)
