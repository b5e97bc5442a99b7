"""Training of the VollSeg networks (StarDist-3D, CARE U-Net, N2V, ROI U-Net) into a bundle.

Every network is the library's own (``stardist.models.StarDist3D``, ``csbdeep.models.CARE``,
``n2v.models.N2V``); this module prepares the data (pairing, checks, normalisation, U-Net
targets, label-safe augmentation, validation split), picks configurations from the voxel size,
trains, optimises StarDist's thresholds with StarDist's own optimiser, measures validation AP,
calibrates the VollSeg-level thresholds (:func:`~volltrack.segmentation.calibrate_models`) and
writes the bundle atomically (a work folder renamed at the end).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import math
import os
import shutil
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from volltrack._errors import InputError
from volltrack.segmentation._augment import Augmenter, foreground_target, tissue_target
from volltrack.segmentation._models import ModelsManifest, normalize_frame, write_manifest

__all__ = [
    "SYNTHETIC_RECIPE",
    "TrainSettings",
    "TrainingData",
    "calibrate_synthetic_recipe",
    "evaluate_models",
    "load_training_data",
    "stardist_geometry",
    "synthetic_training_data",
    "train_models",
    "train_n2v",
    "train_roi",
    "train_stardist",
    "train_synthetic_recipe",
    "train_unet",
]

_IMAGE_SUFFIXES = (".tif", ".tiff")
_PROGRESS_NAME = "volltrack-training.json"


class TrainSettings(BaseModel):
    """Settings of ``volltrack train`` (unknown keys are rejected).

    Patch sizes are (Z, Y, X) voxels; each must be a multiple of 4 (two poolings of the depth-2
    U-Nets) and fit inside every training volume (the N2V patch strictly inside). The defaults
    are the settings the shipped bundle was trained with (``volltrack train --recipe synthetic``).
    """

    model_config = ConfigDict(extra="forbid")

    voxel_size: tuple[float, float, float] | None = Field(
        None, description="(z, y, x) voxel size in µm of the data; required for folder data"
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="seed of every random choice")
    validation_fraction: float = Field(
        0.15, gt=0, lt=1, description="fraction of volumes held out for validation (at least 1)"
    )
    patch_size: tuple[int, int, int] = Field(
        (8, 64, 64), description="training patch (Z, Y, X) in voxels; multiples of 4"
    )
    patches_per_volume: int = Field(
        8, ge=1, le=1000, description="patches drawn per training volume for the U-Nets and N2V"
    )
    batch_size: int = Field(4, ge=1, le=64, description="batch size of every network")
    learning_rate: float = Field(1e-3, gt=0, le=0.1, description="Adam learning rate")
    steps_per_epoch: int = Field(50, ge=1, le=100000, description="batches per epoch")
    stardist_epochs: int = Field(40, ge=1, le=10000, description="StarDist-3D epochs")
    unet_epochs: int = Field(12, ge=1, le=10000, description="U-Net (CARE) epochs")
    n2v_epochs: int = Field(6, ge=0, le=10000, description="N2V epochs; 0 trains no denoiser")
    roi_epochs: int = Field(0, ge=0, le=10000, description="ROI U-Net epochs; 0 trains none")
    n_rays: int = Field(32, ge=8, le=512, description="StarDist rays (golden spiral)")
    stardist_filters: int = Field(16, ge=4, le=256, description="StarDist U-Net base filters")
    unet_filters: int = Field(16, ge=4, le=256, description="CARE U-Net first-layer filters")
    n2v_filters: int = Field(16, ge=4, le=256, description="N2V U-Net first-layer filters")
    n2v_perc_pix: float = Field(
        2.0, gt=0, le=20, description="percentage of pixels N2V masks per patch"
    )
    augment: bool = Field(True, description="label-safe flips, YX rotations, intensity, noise")
    noise_sigma: float = Field(0.05, ge=0, le=1, description="max Gaussian noise σ (normalised)")
    pmin: float = Field(1.0, ge=0, lt=100, description="normalisation lower percentile")
    pmax: float = Field(99.8, gt=0, le=100, description="normalisation upper percentile")
    unet_threshold: float = Field(0.5, gt=0, lt=1, description="U-Net foreground threshold")
    nms_candidates: tuple[float, ...] = Field(
        (0.3, 0.4, 0.5),
        min_length=1,
        description="NMS thresholds StarDist's optimize_thresholds tries (each in (0, 1))",
    )

    @field_validator("voxel_size")
    @classmethod
    def _check_voxel(cls, v: tuple[float, float, float] | None) -> Any:
        if v is not None and not all(math.isfinite(x) and x > 0 for x in v):
            raise ValueError(f"voxel_size (z, y, x) must be 3 finite values > 0, got {v}")
        return v

    @field_validator("patch_size")
    @classmethod
    def _check_patch(cls, v: tuple[int, int, int]) -> tuple[int, int, int]:
        if any(p < 4 or p % 4 for p in v):
            raise ValueError(f"patch_size (Z, Y, X) must be multiples of 4, >= 4; got {v}")
        return v

    @field_validator("nms_candidates")
    @classmethod
    def _check_nms(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if not all(0 < x < 1 for x in v):
            raise ValueError(f"nms_candidates must be in (0, 1), got {v}")
        return v

    @field_validator("pmax")
    @classmethod
    def _check_pmax(cls, v: float, info: Any) -> float:
        if "pmin" in info.data and v <= info.data["pmin"]:
            raise ValueError(f"pmax must be > pmin ({info.data['pmin']}), got {v}")
        return v


def settings_error(exc: ValidationError, what: str = "training settings") -> InputError:
    """A one-line :class:`InputError` from a pydantic validation error."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
    return InputError(f"invalid {what}: " + "; ".join(parts))


@dataclass(frozen=True)
class TrainingData:
    """Paired training volumes.

    Attributes
    ----------
    raw : list of ndarray
        ZYX images.
    labels : list of ndarray of int32
        ZYX instance labels of the same shapes (0 = background).
    names : list of str
        A name per pair (the raw file name, or a generated one).
    """

    raw: list[np.ndarray]
    labels: list[np.ndarray]
    names: list[str]


def _list_images(folder: Path, what: str) -> list[Path]:
    if not folder.is_dir():
        raise InputError(f"{folder}: {what} folder does not exist")
    files = sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in _IMAGE_SUFFIXES
    )
    if not files:
        raise InputError(f"{folder}: no .tif/.tiff files in the {what} folder")
    return files


def _read_zyx(path: Path) -> np.ndarray:
    from volltrack.io import read_image

    try:
        image = read_image(path)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{path}: cannot read TIFF ({' '.join(str(exc).split())[:200]})") from None
    data, axes = image.data, image.axes
    # ImageJ files keep singleton T (and Z); drop a length-1 T/C/S axis
    while data.ndim > 3 and axes[0] in "TCSQ" and data.shape[0] == 1:
        data, axes = data[0], axes[1:]
    if data.ndim != 3 or any(a in axes for a in "CSTR"):
        raise InputError(
            f"{path}: expected a ZYX volume (3 dimensions), got axes {axes!r} shape {data.shape}"
        )
    return data


def load_training_data(
    raw_dir: str | os.PathLike[str], labels_dir: str | os.PathLike[str]
) -> TrainingData:
    """Read ``raw/`` + ``labels/`` folders of ZYX TIFFs, paired by sorted file name.

    Parameters
    ----------
    raw_dir, labels_dir : path-like
        Folders of ``.tif``/``.tiff`` files. The i-th file of each (in sorted name order) form
        a pair; both folders must hold the same number of files.

    Returns
    -------
    TrainingData

    Raises
    ------
    InputError
        Missing or empty folder, different file counts, a file that is not ZYX, raw that is not
        numeric, labels that are not non-negative integers, or a pair whose shapes differ.
    """
    raw_files = _list_images(Path(raw_dir), "raw")
    label_files = _list_images(Path(labels_dir), "labels")
    if len(raw_files) != len(label_files):
        raise InputError(
            f"{raw_dir}: {len(raw_files)} raw files but {labels_dir} has {len(label_files)} label "
            "files; expected one label file per raw file (paired by sorted name)"
        )
    raws, labels, names = [], [], []
    for rf, lf in zip(raw_files, label_files, strict=True):
        x = _read_zyx(rf)
        y = _read_zyx(lf)
        if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
            raise InputError(f"{rf}: raw pixels must be numeric, got dtype {x.dtype}")
        if not np.issubdtype(y.dtype, np.integer):
            raise InputError(f"{lf}: labels must be integers (instance IDs), got dtype {y.dtype}")
        if x.shape != y.shape:
            raise InputError(
                f"{lf}: shape {y.shape} differs from its raw file {rf.name} {x.shape} (ZYX)"
            )
        if y.size and y.min() < 0:
            raise InputError(f"{lf}: labels must be >= 0, found {int(y.min())}")
        raws.append(np.asarray(x))
        labels.append(np.asarray(y).astype(np.int32))
        names.append(rf.name)
    return TrainingData(raw=raws, labels=labels, names=names)


def synthetic_training_data(
    seeds: Sequence[int], *, n_frames: int = 4, **overrides: Any
) -> tuple[TrainingData, tuple[float, float, float]]:
    """Frames of synthetic membrane movies (``volltrack.synthetic``) as training data.

    Parameters
    ----------
    seeds : sequence of int
        One movie per seed.
    n_frames : int
        Frames per movie; every frame is one training volume.
    **overrides
        Further :class:`~volltrack.synthetic.SyntheticSettings` fields.

    Returns
    -------
    (TrainingData, voxel_size)
    """
    from volltrack.synthetic import generate_movie, preset_settings

    raws, labels, names = [], [], []
    voxel_size = None
    for seed in seeds:
        s = preset_settings("small", seed=int(seed), n_frames=n_frames, **overrides)
        movie = generate_movie(s)
        voxel_size = tuple(float(v) for v in s.voxel_size)
        for t in range(movie.raw.shape[0]):
            raws.append(np.asarray(movie.raw[t]))
            labels.append(np.asarray(movie.labels[t]).astype(np.int32))
            names.append(f"synthetic-seed{seed}-t{t:03d}")
    return TrainingData(raw=raws, labels=labels, names=names), voxel_size  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# configurations


def stardist_geometry(
    voxel_size: tuple[float, float, float],
) -> tuple[tuple[float, float, float], tuple[int, int, int], tuple[int, int, int]]:
    """StarDist anisotropy, grid and U-Net pooling for a voxel size.

    Objects round in µm look stretched by ``voxel / min(voxel)`` in voxels, which is StarDist's
    ``anisotropy`` (its ``calculate_extents`` ratio). The grid subsamples by 2 along the fine
    axes and never along a coarse one (StarDist's example rule, anisotropy > 1.5 → 1); the U-Net
    pools the same way so thin Z stacks are not pooled away.
    """
    vmin = min(voxel_size)
    anisotropy = tuple(float(v) / vmin for v in voxel_size)
    grid = tuple(1 if a > 1.5 else 2 for a in anisotropy)
    pool = tuple(1 if a > 1.5 else 2 for a in anisotropy)
    return anisotropy, grid, pool  # type: ignore[return-value]


def _stardist_config(settings: TrainSettings, voxel_size: tuple[float, float, float]) -> Any:
    from stardist import Rays_GoldenSpiral
    from stardist.models import Config3D

    anisotropy, grid, pool = stardist_geometry(voxel_size)
    return Config3D(
        rays=Rays_GoldenSpiral(settings.n_rays, anisotropy=anisotropy),
        anisotropy=anisotropy,
        grid=grid,
        n_channel_in=1,
        backbone="unet",
        unet_n_depth=2,
        unet_n_filter_base=settings.stardist_filters,
        unet_pool=pool,
        net_conv_after_unet=min(64, 2 * settings.stardist_filters),
        train_patch_size=settings.patch_size,
        train_batch_size=settings.batch_size,
        train_learning_rate=settings.learning_rate,
        train_epochs=settings.stardist_epochs,
        train_steps_per_epoch=settings.steps_per_epoch,
        train_tensorboard=False,
        train_reduce_lr={"factor": 0.5, "patience": 10, "min_delta": 0},
        use_gpu=False,
    )


def _care_config(settings: TrainSettings, epochs: int) -> Any:
    from csbdeep.models import Config

    return Config(
        axes="ZYX",
        n_channel_in=1,
        n_channel_out=1,
        probabilistic=False,
        unet_residual=False,
        unet_n_depth=2,
        unet_n_first=settings.unet_filters,
        unet_kern_size=3,
        unet_last_activation="linear",
        train_loss="mse",
        train_epochs=epochs,
        train_steps_per_epoch=settings.steps_per_epoch,
        train_batch_size=settings.batch_size,
        train_learning_rate=settings.learning_rate,
        train_tensorboard=False,
        train_reduce_lr={"factor": 0.5, "patience": 5, "min_delta": 0},
    )


# ---------------------------------------------------------------------------------------------
# training of one network


def _quiet(quiet: bool) -> contextlib.AbstractContextManager[Any]:
    """Hide the libraries' prints and tqdm/Keras progress output when ``quiet``."""
    stack = contextlib.ExitStack()
    if quiet:
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore")
    return stack


_RESUME_ORDER = ("weights_now.h5", "weights_last.h5", "weights_best.h5")


def _model(cls: Any, config: Any, folder: Path, resume: bool) -> Any:
    """A new model in ``folder``, or (``resume``) the model already there with its newest weights.

    Returns (model, resumed_from) where ``resumed_from`` is the weights file name or None.
    """
    if resume and (folder / "config.json").is_file():
        for name in _RESUME_ORDER:
            if (folder / name).is_file():
                model = cls(None, name=folder.name, basedir=str(folder.parent))
                model.load_weights(name)
                return model, name
    if folder.exists():
        shutil.rmtree(folder)
    return cls(config, name=folder.name, basedir=str(folder.parent)), None


def _augmenter(settings: TrainSettings, voxel_size: Sequence[float], salt: int) -> Any:
    if not settings.augment:
        return None
    return Augmenter(
        seed=settings.seed * 1000 + salt,
        rotate90=math.isclose(voxel_size[1], voxel_size[2], rel_tol=1e-6),
        noise_sigma=settings.noise_sigma,
    )


def _seed_everything(seed: int) -> None:
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")  # AutoGraph chatter about the libraries' lambdas
    tf.autograph.set_verbosity(0)
    tf.keras.utils.set_random_seed(int(seed))


def _check_patch_fits(shapes: Sequence[tuple[int, ...]], patch: Sequence[int], what: str) -> None:
    for shape in shapes:
        if any(p > s for p, s in zip(patch, shape, strict=True)):
            raise InputError(
                f"{what}: patch_size {tuple(patch)} does not fit a volume of shape {shape} (ZYX); "
                "choose a smaller patch_size"
            )


def _sample_patches(
    arrays: Sequence[Sequence[np.ndarray]], patch: Sequence[int], n: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """``n`` random patches per volume, cut at the same place from each array of a volume."""
    out: list[list[np.ndarray]] = [[] for _ in arrays[0]]
    for group in arrays:
        shape = group[0].shape
        for _ in range(n):
            corner = [int(rng.integers(0, s - p + 1)) for s, p in zip(shape, patch, strict=True)]
            sl = tuple(slice(c, c + p) for c, p in zip(corner, patch, strict=True))
            for i, a in enumerate(group):
                out[i].append(a[sl])
    return [np.stack(o) for o in out]


def train_stardist(
    x_train: Sequence[np.ndarray],
    y_train: Sequence[np.ndarray],
    x_val: Sequence[np.ndarray],
    y_val: Sequence[np.ndarray],
    folder: str | os.PathLike[str],
    settings: TrainSettings,
    voxel_size: tuple[float, float, float],
    *,
    resume: bool = False,
    quiet: bool = True,
) -> Any:
    """Train a StarDist3D model into ``folder`` and optimise its thresholds on validation data.

    Parameters
    ----------
    x_train, y_train, x_val, y_val : sequences of ndarray
        Normalised ZYX images and their instance labels.
    folder : path-like
        The model folder (``config.json``, ``weights_best.h5``, ``thresholds.json`` appear here).
    settings : TrainSettings
    voxel_size : tuple of float
        (z, y, x) voxel size in µm: gives anisotropy, rays and grid.
    resume : bool
        Continue from the newest checkpoint in ``folder`` when there is one.
    quiet : bool
        Hide the Keras progress output.

    Returns
    -------
    stardist.models.StarDist3D
        The trained model, its best weights loaded.
    """
    from stardist.models import StarDist3D

    folder = Path(folder)
    _check_patch_fits([x.shape for x in [*x_train, *x_val]], settings.patch_size, "stardist")
    _seed_everything(settings.seed + 1)
    with _quiet(quiet):
        model, _ = _model(StarDist3D, _stardist_config(settings, voxel_size), folder, resume)
        model.train(
            list(x_train),
            list(y_train),
            validation_data=(list(x_val), list(y_val)),
            augmenter=_augmenter(settings, voxel_size, 1),
            epochs=settings.stardist_epochs,
            steps_per_epoch=settings.steps_per_epoch,
            seed=settings.seed,
        )
        model.load_weights("weights_best.h5")
        model.optimize_thresholds(
            list(x_val),
            list(y_val),
            nms_threshs=list(settings.nms_candidates),
            iou_threshs=[0.5],
            optimize_kwargs={"tol": 1e-2},
            save_to_json=True,
        )
    return model


def _train_care(
    targets: Callable[[np.ndarray], np.ndarray],
    x_train: Sequence[np.ndarray],
    y_train: Sequence[np.ndarray],
    x_val: Sequence[np.ndarray],
    y_val: Sequence[np.ndarray],
    folder: Path,
    settings: TrainSettings,
    voxel_size: tuple[float, float, float],
    epochs: int,
    salt: int,
    resume: bool,
    quiet: bool,
) -> Any:
    from csbdeep.models import CARE

    patch = settings.patch_size
    _check_patch_fits([x.shape for x in [*x_train, *x_val]], patch, folder.name)
    rng = np.random.default_rng(settings.seed * 1000 + salt)
    xs, ys = _sample_patches(
        [(x, targets(y)) for x, y in zip(x_train, y_train, strict=True)],
        patch,
        settings.patches_per_volume,
        rng,
    )
    xv, yv = _sample_patches(
        [(x, targets(y)) for x, y in zip(x_val, y_val, strict=True)],
        patch,
        max(2, settings.patches_per_volume // 2),
        rng,
    )
    _seed_everything(settings.seed + salt)
    with _quiet(quiet):
        model, _ = _model(CARE, _care_config(settings, epochs), folder, resume)
        model.train(
            xs[..., None],
            ys[..., None],
            validation_data=(xv[..., None], yv[..., None]),
            epochs=epochs,
            steps_per_epoch=settings.steps_per_epoch,
            augmenter=_augmenter(settings, voxel_size, salt),
        )
        model.load_weights("weights_best.h5")
    return model


def train_unet(
    x_train: Sequence[np.ndarray],
    y_train: Sequence[np.ndarray],
    x_val: Sequence[np.ndarray],
    y_val: Sequence[np.ndarray],
    folder: str | os.PathLike[str],
    settings: TrainSettings,
    voxel_size: tuple[float, float, float],
    *,
    resume: bool = False,
    quiet: bool = True,
) -> Any:
    """Train the CARE foreground U-Net on eroded-boundary targets (:func:`foreground_target`).

    Same parameters as :func:`train_stardist` (``y_*`` are instance labels). Returns the
    ``csbdeep.models.CARE`` model with its best weights loaded.
    """
    return _train_care(
        lambda y: foreground_target(y, voxel_size),
        x_train, y_train, x_val, y_val, Path(folder), settings, voxel_size,
        settings.unet_epochs, 2, resume, quiet,
    )  # fmt: skip


def train_roi(
    x_train: Sequence[np.ndarray],
    y_train: Sequence[np.ndarray],
    x_val: Sequence[np.ndarray],
    y_val: Sequence[np.ndarray],
    folder: str | os.PathLike[str],
    settings: TrainSettings,
    voxel_size: tuple[float, float, float],
    *,
    resume: bool = False,
    quiet: bool = True,
) -> Any:
    """Train a CARE tissue-ROI U-Net on the hole-filled union of cells (:func:`tissue_target`).

    Same parameters as :func:`train_stardist`; ``settings.roi_epochs`` epochs.
    """
    return _train_care(
        tissue_target, x_train, y_train, x_val, y_val, Path(folder), settings, voxel_size,
        max(1, settings.roi_epochs), 4, resume, quiet,
    )  # fmt: skip


def train_n2v(
    x_train: Sequence[np.ndarray],
    x_val: Sequence[np.ndarray],
    folder: str | os.PathLike[str],
    settings: TrainSettings,
    voxel_size: tuple[float, float, float],
    *,
    resume: bool = False,
    quiet: bool = True,
) -> Any:
    """Train an N2V 3D denoiser on normalised volumes (self-supervised; no labels needed).

    The patch must be strictly smaller than every volume along each axis (N2V's requirement).
    Returns the ``n2v.models.N2V`` model with its best weights loaded.
    """
    from n2v.models import N2V, N2VConfig

    folder = Path(folder)
    patch = settings.patch_size
    for x in [*x_train, *x_val]:
        if any(p >= s for p, s in zip(patch, x.shape, strict=True)):
            raise InputError(
                f"n2v: patch_size {tuple(patch)} must be strictly smaller than every volume "
                f"(got one of shape {x.shape}, ZYX)"
            )
    rng = np.random.default_rng(settings.seed * 1000 + 3)
    (xs,) = _sample_patches([(x,) for x in x_train], patch, settings.patches_per_volume, rng)
    (xv,) = _sample_patches(
        [(x,) for x in x_val], patch, max(2, settings.patches_per_volume // 2), rng
    )
    aug = _augmenter(settings, voxel_size, 3)
    if aug is not None:
        aug.scale_range, aug.offset_range, aug.noise_sigma = (1.0, 1.0), (0.0, 0.0), 0.0
        xs = np.concatenate([xs, np.stack([aug(p)[0] for p in xs])])
    xs, xv = xs[..., None].astype(np.float32), xv[..., None].astype(np.float32)
    config = N2VConfig(
        xs,
        unet_kern_size=3,
        unet_n_depth=2,
        unet_n_first=settings.n2v_filters,
        train_steps_per_epoch=settings.steps_per_epoch,
        train_epochs=max(1, settings.n2v_epochs),
        train_loss="mse",
        batch_norm=True,
        train_batch_size=settings.batch_size,
        train_learning_rate=settings.learning_rate,
        n2v_perc_pix=settings.n2v_perc_pix,
        n2v_patch_shape=tuple(patch),
        n2v_manipulator="uniform_withCP",
        n2v_neighborhood_radius=2,
        train_tensorboard=False,
    )
    _seed_everything(settings.seed + 3)
    with _quiet(quiet):
        model, _ = _model(N2V, config, folder, resume)
        model.train(
            xs, xv, epochs=max(1, settings.n2v_epochs), steps_per_epoch=settings.steps_per_epoch
        )
        model.load_weights("weights_best.h5")
    return model


# ---------------------------------------------------------------------------------------------
# evaluation


def evaluate_models(
    stardist: Any,
    unet: Any,
    raw: Sequence[np.ndarray],
    labels: Sequence[np.ndarray],
    *,
    pmin: float,
    pmax: float,
    unet_threshold: float,
) -> dict[str, Any]:
    """AP@0.5 (pooled over images, ``stardist.matching.matching_dataset``) of StarDist alone and
    of U-Net connected components (26-connectivity) on ``raw``/``labels``.

    Returns a dict with ``n_images``, ``n_true_objects``, ``stardist_ap50``, ``unet_cc_ap50``
    (and precision/recall/F1 of each at τ = 0.5).
    """
    from skimage.measure import label as cc_label
    from stardist.matching import matching_dataset

    sd_pred, cc_pred = [], []
    for x in raw:
        xn = normalize_frame(x, (pmin, pmax))
        with _quiet(True):
            sd, _ = stardist.predict_instances(xn, show_tile_progress=False, verbose=False)
            fg = unet.predict(xn, "ZYX", normalizer=None)
        sd_pred.append(sd.astype(np.int32))
        cc_pred.append(cc_label(np.clip(fg, 0, 1) > unet_threshold, connectivity=3))
    gt = [np.asarray(y) for y in labels]
    out: dict[str, Any] = {
        "n_images": len(gt),
        "n_true_objects": int(sum(len(np.unique(y)) - (0 in y) for y in gt)),
        "matching": "stardist.matching.matching_dataset(by_image=False), IoU tau=0.5",
    }
    for key, pred in (("stardist", sd_pred), ("unet_cc", cc_pred)):
        m = matching_dataset(gt, pred, thresh=0.5, by_image=False, show_progress=False)
        out[f"{key}_ap50"] = round(float(m.accuracy), 4)
        out[f"{key}_precision50"] = round(float(m.precision), 4)
        out[f"{key}_recall50"] = round(float(m.recall), 4)
        out[f"{key}_f1_50"] = round(float(m.f1), 4)
    return out


# ---------------------------------------------------------------------------------------------
# the whole bundle


def _split(n: int, fraction: float, seed: int) -> tuple[list[int], list[int]]:
    if n < 2:
        raise InputError(f"training needs at least 2 volumes (1 for validation), got {n}")
    n_val = min(n - 1, max(1, round(n * fraction)))
    order = np.random.default_rng(seed).permutation(n)
    return sorted(order[n_val:].tolist()), sorted(order[:n_val].tolist())


def _clean_member(folder: Path) -> None:
    """Keep only what loading needs (config, thresholds, best weights)."""
    for p in folder.iterdir():
        if p.name not in ("config.json", "thresholds.json", "weights_best.h5"):
            if p.is_dir():
                shutil.rmtree(p)
            else:
                p.unlink()


def train_models(
    data: TrainingData,
    out: str | os.PathLike[str],
    settings: TrainSettings | None = None,
    *,
    recipe: str = "folders",
    held_out: TrainingData | None = None,
    calibrate: bool = True,
    overwrite: bool = False,
    resume: bool = False,
    quiet: bool = True,
    on_member: Callable[[str], None] | None = None,
) -> Path:
    """Train every network and write a complete bundle at ``out``.

    The work happens in ``.<out name>.partial`` beside ``out``; only a finished bundle is renamed
    onto ``out``, so ``out`` is never half-written. An interrupted run leaves the work folder:
    ``resume=True`` keeps the networks already finished and continues the interrupted one from
    its newest checkpoint (``weights_now.h5``/``weights_last.h5``/``weights_best.h5``).

    Parameters
    ----------
    data : TrainingData
        Raw volumes and instance labels (see :func:`load_training_data`).
    out : path-like
        The bundle folder to create.
    settings : TrainSettings, optional
        ``voxel_size`` is required.
    recipe : str
        Recorded in the manifest (``"folders"`` or ``"synthetic"``).
    held_out : TrainingData, optional
        Data never used in training, also scored into the manifest (``validation.held_out``).
    calibrate : bool
        After the networks are trained and scored, search the VollSeg-level thresholds
        (:func:`~volltrack.segmentation.calibrate_models`) on ``held_out`` when given, else on
        the validation volumes, and store them as the manifest's ``vollseg`` section (the
        defaults of :func:`~volltrack.segmentation.segment`).
    overwrite : bool
        Replace an existing ``out``.
    resume : bool
        Continue an interrupted run from its work folder.
    quiet : bool
        Hide progress output.
    on_member : callable, optional
        Called with the member name after each network is finished (progress reporting).

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    InputError
        Bad settings or data, or ``out`` exists and ``overwrite`` is False.
    """
    from volltrack._version import __version__

    settings = settings if settings is not None else TrainSettings()
    if settings.voxel_size is None:
        raise InputError("training needs the voxel size (z, y, x) in µm of the data")
    voxel_size = settings.voxel_size
    out = Path(out)
    if out.exists() and not overwrite:
        raise InputError(f"{out}: already exists (use --overwrite to replace it)")
    if not out.parent.is_dir():
        raise InputError(f"{out.parent}: folder does not exist")
    train_idx, val_idx = _split(len(data.raw), settings.validation_fraction, settings.seed)
    patch = settings.patch_size
    _check_patch_fits([x.shape for x in data.raw], patch, "training data")

    work = out.parent / f".{out.name}.partial"
    progress_file = work / _PROGRESS_NAME
    done: list[str] = []
    if resume and progress_file.is_file():
        record = json.loads(progress_file.read_text(encoding="utf-8"))
        if record.get("settings") != settings.model_dump(mode="json"):
            raise InputError(
                f"{work}: the interrupted run used other settings; resume with the same settings "
                "or start again without --resume"
            )
        done = list(record.get("done", []))
    elif work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)

    def mark(member: str) -> None:
        done.append(member)
        progress_file.write_text(
            json.dumps({"settings": settings.model_dump(mode="json"), "done": done}),
            encoding="utf-8",
        )
        if on_member is not None:
            on_member(member)

    if not progress_file.is_file():
        progress_file.write_text(
            json.dumps({"settings": settings.model_dump(mode="json"), "done": done}),
            encoding="utf-8",
        )
    norm = [normalize_frame(x, (settings.pmin, settings.pmax)) for x in data.raw]
    xt, yt = [norm[i] for i in train_idx], [data.labels[i] for i in train_idx]
    xv, yv = [norm[i] for i in val_idx], [data.labels[i] for i in val_idx]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    plan: list[tuple[str, Callable[[bool], Any]]] = [
        ("unet", lambda r: train_unet(xt, yt, xv, yv, work / "unet", settings, voxel_size,
                                      resume=r, quiet=quiet)),
        ("stardist", lambda r: train_stardist(xt, yt, xv, yv, work / "stardist", settings,
                                              voxel_size, resume=r, quiet=quiet)),
    ]  # fmt: skip
    if settings.n2v_epochs > 0:
        plan.append(
            ("n2v", lambda r: train_n2v(xt, xv, work / "n2v", settings, voxel_size,
                                        resume=r, quiet=quiet))
        )  # fmt: skip
    if settings.roi_epochs > 0:
        plan.append(
            ("roi", lambda r: train_roi(xt, yt, xv, yv, work / "roi", settings, voxel_size,
                                        resume=r, quiet=quiet))
        )  # fmt: skip
    models: dict[str, Any] = {}
    for member, fn in plan:
        if member in done:
            continue
        models[member] = fn(resume)
        mark(member)

    from volltrack.segmentation._models import load_models

    # score from the files written (what a user will load), not from the in-memory models
    for member, _ in plan:
        _clean_member(work / member)
    manifest = ModelsManifest(
        format="volltrack-models",
        format_version=1,
        voxel_size_um=voxel_size,
        normalization={"pmin": settings.pmin, "pmax": settings.pmax},
        unet_threshold=settings.unet_threshold,
        members={
            "stardist": "stardist",
            "unet": "unet",
            "n2v": "n2v" if settings.n2v_epochs > 0 else None,
            "roi": "roi" if settings.roi_epochs > 0 else None,
        },
        training={
            "recipe": recipe,
            "settings": settings.model_dump(mode="json"),
            "validation": {},
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "volltrack_version": __version__,
        },
    )
    write_manifest(work, manifest)
    loaded = load_models(work)
    kw = {"pmin": settings.pmin, "pmax": settings.pmax, "unet_threshold": settings.unet_threshold}
    validation: dict[str, Any] = {
        "validation_volumes": [data.names[i] for i in val_idx],
        "training_volumes": len(train_idx),
        "validation": evaluate_models(
            loaded.stardist, loaded.unet, [data.raw[i] for i in val_idx], yv, **kw
        ),
        "stardist_thresholds": {
            "prob": loaded.stardist_prob_thresh,
            "nms": loaded.stardist_nms_thresh,
        },
    }
    if held_out is not None:
        validation["held_out"] = {
            "volumes": list(held_out.names),
            **evaluate_models(loaded.stardist, loaded.unet, held_out.raw, held_out.labels, **kw),
        }
    manifest = manifest.model_copy(
        update={"training": manifest.training.model_copy(update={"validation": validation})}
    )
    write_manifest(work, manifest)
    if calibrate:
        from volltrack.segmentation._thresholds import calibrate_models

        cal = held_out or TrainingData(
            raw=[data.raw[i] for i in val_idx], labels=yv, names=[data.names[i] for i in val_idx]
        )
        calibrate_models(work, cal.raw, cal.labels, names=cal.names)
    progress_file.unlink()
    if out.exists():
        shutil.rmtree(out)
    os.replace(work, out)
    return out


# ---------------------------------------------------------------------------------------------
# the synthetic recipe (what the shipped bundle is trained with)

#: Movies of the ``synthetic`` recipe: (seed, frames, SyntheticSettings overrides). Training
#: seeds 101-106; the held-out movie (seed 9001) is never trained on and is scored into the
#: manifest.
SYNTHETIC_RECIPE: dict[str, Any] = {
    "train": [
        (101, 3, {}),
        (102, 3, {}),
        (103, 3, {"tissue_shape": "ellipsoid"}),
        (104, 3, {"cell_roughness": 1.5}),
        (105, 2, {"shape": (24, 128, 128), "n_cells": 100}),
        (106, 2, {"shape": (24, 128, 128), "n_cells": 100, "tissue_shape": "full"}),
    ],
    "held_out": [(9001, 2, {}), (9002, 2, {"shape": (24, 128, 128), "n_cells": 100})],
    "settings": {"voxel_size": (2.0, 0.5, 0.5)},
}


def _recipe_data(movies: Sequence[tuple[int, int, dict[str, Any]]]) -> TrainingData:
    parts = [synthetic_training_data([seed], n_frames=n, **ov)[0] for seed, n, ov in movies]
    return TrainingData(
        raw=[x for p in parts for x in p.raw],
        labels=[y for p in parts for y in p.labels],
        names=[n for p in parts for n in p.names],
    )


def train_synthetic_recipe(
    out: str | os.PathLike[str],
    settings: TrainSettings | None = None,
    **kwargs: Any,
) -> Path:
    """Train a bundle on the synthetic movies of :data:`SYNTHETIC_RECIPE` (fixed seeds).

    ``settings`` defaults to :class:`TrainSettings` with the generator's voxel size; its
    ``voxel_size`` must be that of the generator. Other keyword arguments go to
    :func:`train_models`. The held-out movies are scored into the manifest.
    """
    vs = tuple(SYNTHETIC_RECIPE["settings"]["voxel_size"])
    if settings is None:
        settings = TrainSettings(voxel_size=vs)
    elif settings.voxel_size is None:
        settings = settings.model_copy(update={"voxel_size": vs})
    if tuple(settings.voxel_size) != vs:  # type: ignore[arg-type]
        raise InputError(
            f"the synthetic recipe's voxel size is {vs} µm (z, y, x); got {settings.voxel_size}"
        )
    data = _recipe_data(SYNTHETIC_RECIPE["train"])
    held_out = _recipe_data(SYNTHETIC_RECIPE["held_out"])
    return train_models(data, out, settings, recipe="synthetic", held_out=held_out, **kwargs)


def calibrate_synthetic_recipe(path: str | os.PathLike[str], **kwargs: Any) -> Any:
    """Calibrate a bundle's VollSeg thresholds on the recipe's held-out movies (seeds 9001, 9002).

    What :func:`train_synthetic_recipe` does after training, for an existing bundle (e.g. the
    shipped one). The benchmark's test seeds are never used. Keyword arguments go to
    :func:`~volltrack.segmentation.calibrate_models`; returns the section written.
    """
    from volltrack.segmentation._thresholds import calibrate_models

    data = _recipe_data(SYNTHETIC_RECIPE["held_out"])
    return calibrate_models(path, data.raw, data.labels, names=data.names, **kwargs)
