"""Segmentation scores against ground-truth labels: StarDist matching plus binary-mask measures.

Object-level scores come from :func:`stardist.matching.matching` (per image) and
:func:`stardist.matching.matching_dataset` (pooled over the dataset); nothing of the matching is
re-implemented here. Objects are matched one-to-one (Hungarian) and a pair counts as a true
positive when its IoU is **≥ τ**. ``ap`` is StarDist's ``accuracy``, TP / (TP + FP + FN), the
"average precision" of the VollSeg and StarDist papers. *Pooled* scores add up TP, FP, FN and the
matched IoUs of all images before taking the ratios (StarDist's ``by_image=False``, a micro
average); *image* scores are those of one image (one frame of one file).

Voxel-level shape scores compare the binary masks ``labels > 0`` of one image: Dice,
:func:`skimage.metrics.normalized_root_mse` (NRMSE, Euclidean normalisation: ‖gt − pred‖ / ‖gt‖)
and :func:`skimage.metrics.structural_similarity` (SSIM, data range 1). VollSeg's notebooks
computed NRMSE on the integer label images, where it depends on the arbitrary IDs; here it is on
the masks.

StarDist (and with it numba and csbdeep, not TensorFlow) is imported only when scores are computed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from volltrack._errors import InputError

__all__ = [
    "DEFAULT_TAUS",
    "MASK_METRICS",
    "MATCHING_METRICS",
    "SegmentationScores",
    "average_precision",
    "evaluate_segmentation_files",
    "mask_scores",
    "plot_segmentation_scores",
    "read_label_pairs",
    "segmentation_scores",
]

#: IoU thresholds τ at which object matching is scored by default: 0.1, 0.2, …, 0.9.
DEFAULT_TAUS: tuple[float, ...] = tuple(round(0.1 * i, 1) for i in range(1, 10))

#: Object-level metrics of the tidy table, in StarDist's words except ``ap`` (= ``accuracy``).
MATCHING_METRICS: tuple[str, ...] = (
    "ap",
    "precision",
    "recall",
    "f1",
    "tp",
    "fp",
    "fn",
    "n_true",
    "n_pred",
    "mean_matched_score",
    "mean_true_score",
    "panoptic_quality",
)

#: Voxel-level metrics on the binary masks, one value per image.
MASK_METRICS: tuple[str, ...] = ("dice", "nrmse", "ssim")

_COLUMNS = ["scope", "image", "metric", "tau", "value"]


@dataclass(frozen=True)
class SegmentationScores:
    """Scores of predicted labels against ground truth. Every field always exists.

    Attributes
    ----------
    table : pandas.DataFrame
        Tidy, one row per value, columns ``scope`` (``"pooled"`` over all images, or ``"image"``),
        ``image`` (the image's name; empty for pooled rows), ``metric`` (one of
        :data:`MATCHING_METRICS` or ``dice``, ``nrmse``, ``ssim``), ``tau`` (the IoU threshold;
        NaN for the mask metrics) and ``value``.
    taus : tuple of float
        The IoU thresholds scored.
    images : tuple of str
        The image names, in input order.
    """

    table: pd.DataFrame
    taus: tuple[float, ...]
    images: tuple[str, ...]

    def value(self, metric: str, tau: float | None = None, image: str | None = None) -> float:
        """One value of the table: pooled when ``image`` is None, else that image's.

        Raises
        ------
        KeyError
            If the table holds no such value.
        """
        t = self.table
        rows = t[(t["metric"] == metric) & (t["scope"] == ("pooled" if image is None else "image"))]
        if image is not None:
            rows = rows[rows["image"] == image]
        rows = rows[rows["tau"].isna()] if tau is None else rows[np.isclose(rows["tau"], tau)]
        if len(rows) != 1:
            raise KeyError(f"no single value for metric={metric!r}, tau={tau}, image={image!r}")
        return float(rows["value"].iloc[0])


def _check_labels(array: object, what: str) -> np.ndarray:
    array = np.asarray(array)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise InputError(
            f"{what}: expected an integer label image; got dtype {array.dtype} "
            f"with shape {array.shape}"
        )
    if array.ndim not in (2, 3):
        raise InputError(
            f"{what}: expected a (z, y, x) or (y, x) label image; got shape {array.shape}"
        )
    if array.size and np.issubdtype(array.dtype, np.signedinteger) and array.min() < 0:
        bad = tuple(int(i) for i in np.argwhere(array < 0)[0])
        raise InputError(f"{what}: labels must be >= 0; element {bad} is {array[bad]}")
    return array


def _check_pairs(
    gt: Sequence[np.ndarray], pred: Sequence[np.ndarray], names: Sequence[str] | None
) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    if isinstance(gt, np.ndarray):
        gt = [gt]
    if isinstance(pred, np.ndarray):
        pred = [pred]
    gt, pred = list(gt), list(pred)
    if len(gt) != len(pred):
        raise InputError(
            f"got {len(gt)} ground-truth and {len(pred)} predicted label images; "
            "expected the same number"
        )
    if not gt:
        raise InputError("no label images to score")
    names = [f"image {i}" for i in range(len(gt))] if names is None else [str(n) for n in names]
    if len(names) != len(gt):
        raise InputError(f"got {len(names)} names for {len(gt)} label images")
    out_gt, out_pred = [], []
    for name, g, p in zip(names, gt, pred, strict=True):
        g = _check_labels(g, f"{name} (ground truth)")
        p = _check_labels(p, f"{name} (prediction)")
        if g.shape != p.shape:
            raise InputError(
                f"{name}: ground truth has shape {g.shape}, prediction {p.shape}; "
                "expected the same shape"
            )
        out_gt.append(g)
        out_pred.append(p)
    return out_gt, out_pred, names


def _check_taus(taus: Sequence[float] | float) -> tuple[float, ...]:
    values = (float(taus),) if np.isscalar(taus) else tuple(float(t) for t in taus)
    if not values or not all(0.0 < t <= 1.0 for t in values):
        raise InputError(f"IoU thresholds tau must lie in (0, 1]; got {list(values)}")
    return values


def _matching_rows(stats: object, scope: str, image: str) -> list[tuple]:
    """Tidy rows of one StarDist ``Matching``/``DatasetMatching`` result."""
    record = stats._asdict()  # type: ignore[attr-defined]
    tau = float(record["thresh"])
    rows = []
    for metric in MATCHING_METRICS:
        value = record["accuracy" if metric == "ap" else metric]
        rows.append((scope, image, metric, tau, float(value)))
    return rows


def average_precision(
    gt: Sequence[np.ndarray],
    pred: Sequence[np.ndarray],
    tau: float = 0.5,
    *,
    by_image: bool = False,
) -> float:
    """StarDist's AP = TP / (TP + FP + FN) at IoU ≥ ``tau`` over a dataset.

    Parameters
    ----------
    gt, pred : sequence of (Z, Y, X) or (Y, X) ndarray of int
        Ground-truth and predicted label images, paired by position (or one array each).
    tau : float in (0, 1]
        IoU threshold.
    by_image : bool
        False (default): TP, FP and FN pooled over the images before the ratio (micro average);
        True: the mean of the images' AP (macro average).

    Returns
    -------
    float
    """
    from stardist.matching import matching_dataset

    gt, pred, _ = _check_pairs(gt, pred, None)
    (tau,) = _check_taus(tau)
    stats = matching_dataset(gt, pred, thresh=tau, by_image=by_image, show_progress=False)
    return float(stats.accuracy)


def _ssim_window(shape: tuple[int, ...]) -> int | None:
    """skimage's default 7, or the largest odd size that fits the smallest axis (None: none)."""
    smallest = min(shape)
    if smallest >= 7:
        return 7
    if smallest < 3:
        return None
    return smallest if smallest % 2 else smallest - 1


def mask_scores(gt: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """Dice, NRMSE and SSIM of the binary masks ``gt > 0`` and ``pred > 0``.

    Dice is 2|A ∩ B| / (|A| + |B|) (1 when both masks are empty); NRMSE is
    ‖A − B‖ / ‖A‖ (NaN when ``gt`` is empty); SSIM uses a 7-voxel window, smaller when an axis is
    shorter (NaN when an axis is shorter than 3).
    """
    from skimage.metrics import normalized_root_mse, structural_similarity

    a = np.asarray(gt) > 0
    b = np.asarray(pred) > 0
    total = int(a.sum()) + int(b.sum())
    dice = 1.0 if total == 0 else 2.0 * int(np.count_nonzero(a & b)) / total
    fa, fb = a.astype(np.float64), b.astype(np.float64)
    nrmse = float("nan") if not a.any() else float(normalized_root_mse(fa, fb))
    window = _ssim_window(a.shape)
    ssim = (
        float("nan")
        if window is None
        else float(structural_similarity(fa, fb, data_range=1.0, win_size=window))
    )
    return {"dice": dice, "nrmse": nrmse, "ssim": ssim}


def segmentation_scores(
    gt: Sequence[np.ndarray] | np.ndarray,
    pred: Sequence[np.ndarray] | np.ndarray,
    *,
    taus: Sequence[float] = DEFAULT_TAUS,
    names: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SegmentationScores:
    """Object matching at each τ (pooled and per image) and binary-mask scores (per image).

    Parameters
    ----------
    gt, pred : sequence of (Z, Y, X) or (Y, X) ndarray of int, or one array each
        Ground-truth and predicted label images (0 = background), paired by position; each pair
        must have the same shape. IDs need not be sequential.
    taus : sequence of float in (0, 1]
        IoU thresholds; a pair matches when IoU ≥ τ. Default 0.1, 0.2, …, 0.9.
    names : sequence of str, optional
        A name per image for the ``image`` column (default ``"image 0"``, …).
    progress : callable(done, total), optional
        Called after each image.

    Returns
    -------
    SegmentationScores

    Raises
    ------
    volltrack._errors.InputError
        If the lists differ in length, an image is not an integer 2D/3D label image, a pair
        differs in shape, or a τ lies outside (0, 1].
    """
    from stardist.matching import matching, matching_dataset

    gt, pred, names = _check_pairs(gt, pred, names)
    taus = _check_taus(taus)
    rows: list[tuple] = []
    pooled = matching_dataset(gt, pred, thresh=list(taus), by_image=False, show_progress=False)
    for stats in pooled:
        rows.extend(_matching_rows(stats, "pooled", ""))
    for i, (name, g, p) in enumerate(zip(names, gt, pred, strict=True)):
        for stats in matching(g, p, thresh=list(taus)):
            rows.extend(_matching_rows(stats, "image", name))
        for metric, value in mask_scores(g, p).items():
            rows.append(("image", name, metric, float("nan"), value))
        if progress is not None:
            progress(i + 1, len(gt))
    table = pd.DataFrame(rows, columns=_COLUMNS)
    return SegmentationScores(table=table, taus=taus, images=tuple(names))


# --------------------------------------------------------------------------------------------
# files


def _tiff_list(path: Path, what: str) -> list[Path]:
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".tif", ".tiff")
        )
        if not files:
            raise InputError(f"{path}: the {what} folder holds no .tif/.tiff file")
        return files
    if not path.exists():
        raise InputError(f"{path}: no such file or folder ({what})")
    return [path]


def _frames(path: Path) -> list[np.ndarray]:
    """The (Z, Y, X) frames of a ZYX or TZYX label TIFF."""
    from volltrack.io import read_image

    data = read_image(path).data
    if data.dtype == bool or not np.issubdtype(data.dtype, np.integer):
        raise InputError(
            f"{path}: expected an integer label image; got pixel type {data.dtype} "
            f"with shape {data.shape}"
        )
    if data.ndim == 3:
        return [np.asarray(data)]
    if data.ndim == 4:
        return [np.asarray(frame) for frame in data]
    raise InputError(
        f"{path}: expected a ZYX or TZYX label image (3 or 4 axes); got shape {data.shape}"
    )


def read_label_pairs(
    gt: str | os.PathLike[str], pred: str | os.PathLike[str]
) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    """Read ground-truth and predicted label TIFFs as paired (Z, Y, X) frames.

    Parameters
    ----------
    gt, pred : path-like
        Two TIFF files, or two folders whose ``.tif``/``.tiff`` files are paired by sorted name
        (the n-th of one with the n-th of the other). Each file is ZYX or TZYX; each pair must
        have the same shape.

    Returns
    -------
    gt_frames, pred_frames : list of ndarray
    names : list of str
        ``"<gt file name>"`` for a ZYX file, ``"<gt file name>:t<frame>"`` for each frame of a
        TZYX file.

    Raises
    ------
    volltrack._errors.InputError
        If a path does not exist, the folders hold different numbers of files (the first unpaired
        file is named), a file is not a readable integer ZYX/TZYX TIFF, or a pair differs in shape.
    """
    gt, pred = Path(gt), Path(pred)
    if gt.is_dir() != pred.is_dir() and gt.exists() and pred.exists():
        raise InputError(f"{gt} and {pred}: expected two files or two folders, got one of each")
    gt_files, pred_files = _tiff_list(gt, "ground-truth"), _tiff_list(pred, "prediction")
    if len(gt_files) != len(pred_files):
        n = min(len(gt_files), len(pred_files))
        extra = (gt_files if len(gt_files) > n else pred_files)[n]
        raise InputError(
            f"{extra}: unpaired file ({len(gt_files)} ground-truth and {len(pred_files)} "
            "predicted files; pairs are matched by sorted name)"
        )
    gt_frames, pred_frames, names = [], [], []
    for g_path, p_path in zip(gt_files, pred_files, strict=True):
        g, p = _frames(g_path), _frames(p_path)
        if len(g) != len(p) or g[0].shape != p[0].shape:
            g_shape = (len(g), *g[0].shape)
            p_shape = (len(p), *p[0].shape)
            raise InputError(
                f"{p_path}: shape (t, z, y, x) {p_shape} differs from the ground truth "
                f"{g_path.name} {g_shape}"
            )
        for t, (gf, pf) in enumerate(zip(g, p, strict=True)):
            gt_frames.append(gf)
            pred_frames.append(pf)
            names.append(g_path.name if len(g) == 1 else f"{g_path.name}:t{t}")
    return gt_frames, pred_frames, names


def plot_segmentation_scores(scores: SegmentationScores, path: str | os.PathLike[str]) -> Path:
    """A PNG: pooled matching scores against τ (per-image AP in grey) and the mask scores."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from volltrack.io import atomic_path

    t = scores.table
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), width_ratios=(2, 1))
    per_image = t[(t["scope"] == "image") & (t["metric"] == "ap")]
    for i, (_name, rows) in enumerate(per_image.groupby("image", sort=False)):
        left.plot(
            rows["tau"],
            rows["value"],
            color="0.8",
            lw=0.8,
            label="AP per image" if i == 0 else None,
        )
    pooled = t[t["scope"] == "pooled"]
    for metric in ("ap", "precision", "recall", "f1", "mean_true_score", "panoptic_quality"):
        rows = pooled[pooled["metric"] == metric]
        left.plot(rows["tau"], rows["value"], marker="o", ms=3, label=f"{metric} (pooled)")
    left.set_xlabel("IoU threshold τ")
    left.set_ylabel("score")
    left.set_ylim(0, 1.02)
    left.legend(fontsize=7)
    masks = t[t["metric"].isin(MASK_METRICS)]
    data = [masks.loc[masks["metric"] == m, "value"].dropna().to_numpy() for m in MASK_METRICS]
    right.boxplot(data)
    right.set_xticks(range(1, len(MASK_METRICS) + 1), list(MASK_METRICS))
    for i, values in enumerate(data, start=1):
        right.plot(np.full(values.size, i), values, "k.", ms=3)
    right.set_title("binary masks, per image", fontsize=9)
    fig.suptitle(f"segmentation scores, {len(scores.images)} images")
    fig.tight_layout()
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=100, format="png")
    plt.close(fig)
    return path


#: File names written by :func:`evaluate_segmentation_files` into its output folder.
SCORES_CSV = "segmentation_scores.csv"
SCORES_PNG = "segmentation_scores.png"


def evaluate_segmentation_files(
    gt: str | os.PathLike[str],
    pred: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    taus: Sequence[float] = DEFAULT_TAUS,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SegmentationScores:
    """Score label TIFFs against ground truth; write ``segmentation_scores.csv`` and ``.png``.

    Parameters
    ----------
    gt, pred : path-like
        See :func:`read_label_pairs`.
    out_dir : path-like
        Folder for the two files (created if missing). The CSV is :attr:`SegmentationScores.table`.
    taus : sequence of float
        IoU thresholds.
    overwrite : bool
        Replace existing output files; without it an existing one is an error.
    progress : callable(done, total), optional
        Called after each scored image.

    Returns
    -------
    SegmentationScores

    Raises
    ------
    volltrack._errors.InputError
        On bad input (see :func:`read_label_pairs`, :func:`segmentation_scores`) or an existing
        output without ``overwrite``; nothing is written then.
    """
    from volltrack.io import write_text_atomic

    out_dir = Path(out_dir)
    targets = [out_dir / SCORES_CSV, out_dir / SCORES_PNG]
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder")
    if not overwrite:
        for target in targets:
            if target.exists():
                raise InputError(f"{target}: already exists (use --overwrite to replace it)")
    taus = _check_taus(taus)
    gt_frames, pred_frames, names = read_label_pairs(gt, pred)
    scores = segmentation_scores(gt_frames, pred_frames, taus=taus, names=names, progress=progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomic(targets[0], scores.table.to_csv(index=False, float_format="%.6g"))
    plot_segmentation_scores(scores, targets[1])
    return scores
