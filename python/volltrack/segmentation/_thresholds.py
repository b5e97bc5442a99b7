"""VollSeg-level threshold search: every candidate really goes through NMS, threshold and fusion.

VollSeg's ``OptimizeThreshold`` never passed its candidate thresholds into the prediction (spec
``vollseg.md`` §5), so its objective was constant. Here the networks run once per validation
image (:func:`~volltrack.segmentation.network_outputs`); then, for each candidate
``(prob_thresh, nms_thresh)``, StarDist's NMS runs again
(:func:`~volltrack.segmentation._predict.stardist_instances`), and for each ``unet_threshold`` the
U-Net mask is re-thresholded and the fusion re-run
(:func:`~volltrack.segmentation._predict.fuse_outputs`): exactly the code path of
:func:`~volltrack.segmentation.segment`. The score is StarDist's AP = TP/(TP+FP+FN) at IoU ≥ τ,
pooled over the images (:func:`volltrack.evaluation.average_precision`).
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from volltrack._errors import InputError
from volltrack.segmentation._predict import (
    SegmentSettings,
    _check_frame,
    _resolve_models,
    _resolve_settings,
    fuse_outputs,
    network_outputs,
    stardist_instances,
)

__all__ = ["DEFAULT_GRID", "ThresholdSearch", "calibrate_models", "search_thresholds"]

#: Candidate values tried by default, each together with the bundle's own value.
DEFAULT_GRID: dict[str, tuple[float, ...]] = {
    "prob_thresh": (0.3, 0.5, 0.7),
    "nms_thresh": (0.3, 0.5),
    "unet_threshold": (0.3, 0.5, 0.7),
}

_RANGES = {
    "prob_thresh": (0.0, 1.0, False),  # (low, high, low included)
    "nms_thresh": (0.0, 1.0, True),
    "unet_threshold": (0.0, 1.0, False),
}


@dataclass(frozen=True)
class ThresholdSearch:
    """The outcome of :func:`search_thresholds`. Every field always exists.

    Attributes
    ----------
    prob_thresh, nms_thresh, unet_threshold : float
        The best candidate (the first in table order among equal scores).
    score : float
        Its pooled AP at ``tau``.
    tau : float
        The IoU threshold of the score.
    table : pandas.DataFrame
        One row per candidate: ``prob_thresh``, ``nms_thresh``, ``unet_threshold``, ``ap``
        (pooled AP at ``tau``), ``n_cells`` (fused labels over all images), ``n_stardist``
        (StarDist objects over all images), ``bundle_default`` (the candidate is the bundle's own
        thresholds).
    """

    prob_thresh: float
    nms_thresh: float
    unet_threshold: float
    score: float
    tau: float
    table: pd.DataFrame

    def settings(self, base: SegmentSettings | None = None) -> SegmentSettings:
        """``base`` (default settings if None) with the chosen thresholds."""
        base = base or SegmentSettings()
        return base.model_copy(
            update={
                "prob_thresh": self.prob_thresh,
                "nms_thresh": self.nms_thresh,
                "unet_threshold": self.unet_threshold,
            }
        )


def _candidates(name: str, values: Sequence[float] | None, bundle_value: float) -> list[float]:
    values = DEFAULT_GRID[name] if values is None else values
    low, high, low_ok = _RANGES[name]
    out = sorted({round(float(v), 6) for v in (*values, bundle_value)})
    for v in out:
        if not ((low <= v if low_ok else low < v) and v < high):
            bracket = "[" if low_ok else "("
            raise InputError(f"{name} candidate {v} is out of range; expected {bracket}0, 1)")
    return out


def search_thresholds(
    raw_images: Sequence[np.ndarray],
    gt_labels: Sequence[np.ndarray],
    models: Any = None,
    settings: SegmentSettings | dict[str, Any] | None = None,
    *,
    prob_threshs: Sequence[float] | None = None,
    nms_threshs: Sequence[float] | None = None,
    unet_thresholds: Sequence[float] | None = None,
    tau: float = 0.5,
    progress: Callable[[int, int], None] | None = None,
) -> ThresholdSearch:
    """Choose (prob_thresh, nms_thresh, unet_threshold) maximising the pooled AP of the fusion.

    Parameters
    ----------
    raw_images : sequence of (Z, Y, X) ndarray
        Validation frames (not the ones the models were trained on).
    gt_labels : sequence of (Z, Y, X) ndarray of int
        Their ground-truth labels, paired by position.
    models : SegmentationModels, path-like or None
        The bundle; None: the shipped one.
    settings : SegmentSettings or dict, optional
        Everything but the thresholds (tiles, N2V, landscape, fusion post-processing, voxel size).
    prob_threshs, nms_threshs, unet_thresholds : sequence of float, optional
        Candidate values (default :data:`DEFAULT_GRID`); the bundle's own value is always added,
        so the search can only match or beat the bundle's thresholds.
    tau : float in (0, 1]
        IoU threshold of the AP.
    progress : callable(done, total), optional
        Called after each network pass and each candidate.

    Returns
    -------
    ThresholdSearch

    Raises
    ------
    volltrack._errors.InputError
        If the lists differ in length or are empty, an image is not 3D or a pair differs in
        shape, or a candidate is out of range.
    """
    from volltrack.evaluation import average_precision

    raw_images, gt_labels = list(raw_images), list(gt_labels)
    if not raw_images or len(raw_images) != len(gt_labels):
        raise InputError(
            f"expected as many validation images as label images (at least one); got "
            f"{len(raw_images)} and {len(gt_labels)}"
        )
    for i, (raw, gt) in enumerate(zip(raw_images, gt_labels, strict=True)):
        raw = _check_frame(raw, f"validation image {i}")
        if np.shape(gt) != raw.shape:
            raise InputError(
                f"validation image {i}: raw has shape {raw.shape}, labels {np.shape(gt)}; "
                "expected the same shape"
            )
    if not 0 < tau <= 1:
        raise InputError(f"tau must lie in (0, 1]; got {tau}")
    models = _resolve_models(models)
    settings = _resolve_settings(settings)
    grid = {
        "prob_thresh": _candidates("prob_thresh", prob_threshs, models.prob_thresh),
        "nms_thresh": _candidates("nms_thresh", nms_threshs, models.nms_thresh),
        "unet_threshold": _candidates("unet_threshold", unet_thresholds, models.unet_threshold),
    }
    n_star = len(grid["prob_thresh"]) * len(grid["nms_thresh"])
    total = len(raw_images) + n_star * len(grid["unet_threshold"])
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    outputs = []
    for raw in raw_images:
        outputs.append(network_outputs(raw, models, settings))
        tick()
    default = (models.prob_thresh, models.nms_thresh, models.unet_threshold)
    rows = []
    for prob, nms in itertools.product(grid["prob_thresh"], grid["nms_thresh"]):
        instances = [stardist_instances(o, models, prob, nms) for o in outputs]
        for unet in grid["unet_threshold"]:
            candidate = settings.model_copy(
                update={"prob_thresh": prob, "nms_thresh": nms, "unet_threshold": unet}
            )
            labels = [
                fuse_outputs(o, inst, models, candidate, with_markers=False).labels
                for o, inst in zip(outputs, instances, strict=True)
            ]
            rows.append(
                {
                    "prob_thresh": prob,
                    "nms_thresh": nms,
                    "unet_threshold": unet,
                    "ap": average_precision(gt_labels, labels, tau),
                    "n_cells": int(sum(int(lab.max()) for lab in labels)),
                    "n_stardist": int(sum(len(np.unique(i)) - 1 for i in instances)),
                    "bundle_default": bool(
                        np.allclose((prob, nms, unet), default, rtol=0, atol=5e-7)
                    ),
                }
            )
            tick()
    table = pd.DataFrame(rows)
    best = table.iloc[int(np.argmax(table["ap"].to_numpy()))]
    return ThresholdSearch(
        prob_thresh=float(best["prob_thresh"]),
        nms_thresh=float(best["nms_thresh"]),
        unet_threshold=float(best["unet_threshold"]),
        score=float(best["ap"]),
        tau=float(tau),
        table=table,
    )


def calibrate_models(
    path: str | os.PathLike[str],
    raw_images: Sequence[np.ndarray],
    gt_labels: Sequence[np.ndarray],
    *,
    names: Sequence[str] | None = None,
    settings: SegmentSettings | dict[str, Any] | None = None,
    prob_threshs: Sequence[float] | None = None,
    nms_threshs: Sequence[float] | None = None,
    unet_thresholds: Sequence[float] | None = None,
    tau: float = 0.5,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Search the VollSeg-level thresholds of a bundle and store them in its manifest.

    Runs :func:`search_thresholds` on validation volumes starting from the bundle's uncalibrated
    thresholds (StarDist's own ``thresholds.json`` and the manifest's ``unet_threshold``, which
    are always among the candidates) and writes the winner, with a summary of the score table,
    as the manifest's ``vollseg`` section (atomically; any earlier section is replaced). From
    then on :func:`~volltrack.segmentation.load_models` returns these thresholds as the bundle's
    defaults, and :func:`~volltrack.segmentation.segment` uses them unless settings say
    otherwise. StarDist's own thresholds stay in ``stardist/thresholds.json``.

    Parameters
    ----------
    path : path-like
        The bundle folder.
    raw_images, gt_labels : sequence of (Z, Y, X) ndarray
        Validation volumes and their instance labels, never trained on.
    names : sequence of str, optional
        A name per volume, recorded in the manifest (default ``volume-0``, ...).
    settings : SegmentSettings or dict, optional
        The other settings of the search (fusion, landscape, N2V, tiles); thresholds in it are
        ignored. Recorded in the manifest.
    prob_threshs, nms_threshs, unet_thresholds, tau, progress
        As for :func:`search_thresholds`.

    Returns
    -------
    VollSegCalibration
        The section written.

    Raises
    ------
    volltrack._errors.InputError
        Bad volumes or candidates (see :func:`search_thresholds`); ``ModelError`` for a missing
        or corrupt bundle.
    """
    from volltrack.segmentation._models import (
        VollSegCalibration,
        load_models,
        read_manifest,
        write_manifest,
    )
    from volltrack.segmentation._predict import _shipped_models

    manifest = read_manifest(path)
    models = load_models(path)
    base = dataclasses.replace(
        models,
        prob_thresh=models.stardist_prob_thresh,
        nms_thresh=models.stardist_nms_thresh,
        unet_threshold=manifest.unet_threshold,
    )
    settings = _resolve_settings(settings).model_copy(
        update={"prob_thresh": None, "nms_thresh": None, "unet_threshold": None}
    )
    raw_images, gt_labels = list(raw_images), list(gt_labels)
    names = [f"volume-{i}" for i in range(len(raw_images))] if names is None else list(names)
    if len(names) != len(raw_images):
        raise InputError(f"expected {len(raw_images)} volume names, got {len(names)}")
    search = search_thresholds(
        raw_images,
        gt_labels,
        base,
        settings,
        prob_threshs=prob_threshs,
        nms_threshs=nms_threshs,
        unet_thresholds=unet_thresholds,
        tau=tau,
        progress=progress,
    )
    table = search.table
    columns = ["prob_thresh", "nms_thresh", "unet_threshold", "ap", "n_cells"]
    # stable sort: among equal scores the first in table order, as search_thresholds picks
    top = table.sort_values("ap", ascending=False, kind="stable").head(5)[columns]
    recorded = settings.model_dump(mode="json")
    for key in ("prob_thresh", "nms_thresh", "unet_threshold", "n_tiles"):
        recorded.pop(key)
    section = VollSegCalibration(
        prob_thresh=search.prob_thresh,
        nms_thresh=search.nms_thresh,
        unet_threshold=search.unet_threshold,
        tau=search.tau,
        ap=round(search.score, 4),
        ap_uncalibrated=round(float(table.loc[table["bundle_default"], "ap"].iloc[0]), 4),
        n_candidates=len(table),
        volumes=names,
        n_true_objects=int(sum(len(np.unique(g)) - int(0 in g) for g in gt_labels)),
        settings=recorded,
        top=[
            {k: (int(v) if k == "n_cells" else round(float(v), 4)) for k, v in row.items()}
            for row in top.to_dict("records")
        ],
        created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    )
    write_manifest(path, manifest.model_copy(update={"vollseg": section}))
    _shipped_models.cache_clear()  # a cached shipped bundle would keep the old defaults
    return section
