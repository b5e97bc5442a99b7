"""Accuracy of VollSeg's fusion vs StarDist alone vs U-Net connected components, one run.

All three use the same model bundle (default: the shipped one) and the same network outputs of
each test frame, so only the way the outputs become labels differs:

* ``vollseg``: :func:`volltrack.segmentation.segment` with its default settings and the bundle's
  default thresholds (its calibrated ``vollseg`` manifest section when it has one: searched by
  ``volltrack train --calibrate`` on the recipe's held-out movies, seeds 9001, 9002) (StarDist
  instances + U-Net mask dilated by 1 µm + every StarDist object, seed pooling, watershed on the
  probability). The defaults ``grow_foreground=1``, ``rescue_overlap=1`` were chosen on the
  validation movies (seeds 9001, 9002), not on the test movies: the shipped U-Net is trained on
  targets with eroded cell boundaries, so its mask alone truncates every cell;
* ``vollseg-unet-mask``: the same with VollSeg's mask (``grow_foreground=0``,
  ``rescue_overlap=0.5``: the U-Net mask plus the StarDist objects mostly outside it);
* ``vollseg-searched`` (unless ``--no-search``): ``vollseg`` with thresholds chosen by
  :func:`volltrack.segmentation.search_thresholds` on the validation movies (``--search-seeds``);
* ``stardist``: StarDist's instances at its own optimised thresholds (``stardist/thresholds.json``);
* ``stardist-searched`` (unless ``--no-search``): StarDist's instances at the (prob, nms) of the
  same grid that maximise StarDist's own AP on the validation movies, so that both sides of the
  comparison get the same tuning;
* ``unet-cc``: face-connected components of the U-Net mask at the bundle's default threshold.

Test movies are synthetic membrane movies drawn with seeds (``--seeds``) that the shipped recipe
neither trains on nor holds out; the script refuses seeds of the recipe. Scores are StarDist's
matching pooled over all test frames (:func:`volltrack.evaluation.segmentation_scores`).

Run (about ten minutes on 2 cores)::

    nice -n 10 .venv/bin/python benchmarks/segmentation_accuracy.py --json accuracy.json
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time

import numpy as np
from scipy import ndimage as ndi

METHODS = (
    "vollseg",
    "vollseg-unet-mask",
    "vollseg-searched",
    "stardist",
    "stardist-searched",
    "unet-cc",
)
UNET_MASK = {"grow_foreground": 0.0, "rescue_overlap": 0.5}


def recipe_seeds() -> set[int]:
    """Seeds the shipped recipe trains on or holds out (empty if the recipe is not importable)."""
    try:
        from volltrack.segmentation import SYNTHETIC_RECIPE
    except ImportError:
        return set()
    return {int(seed) for part in ("train", "held_out") for seed, *_ in SYNTHETIC_RECIPE[part]}


def movies(seeds, frames, large_every):
    """Synthetic movies: every ``large_every``-th one a large, dense one (24×128×128, 100 cells),
    the others the small preset (12×96×96, 30 cells), like the recipe's mix."""
    from volltrack.synthetic import generate_movie, preset_settings

    out = []
    for i, seed in enumerate(seeds):
        large = large_every > 0 and i % large_every == large_every - 1
        extra = {"shape": (24, 128, 128), "n_cells": 100} if large else {}
        if frames == 1:
            extra["n_divisions"] = 0
        out.append(generate_movie(preset_settings("small", seed=seed, n_frames=frames, **extra)))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", help="model bundle (default: the shipped one)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[20001, 20002, 20003, 20004])
    parser.add_argument("--frames", type=int, default=2, help="frames per test movie")
    parser.add_argument("--large-every", type=int, default=2, help="every n-th movie is large")
    parser.add_argument("--search-seeds", type=int, nargs="+", default=[9001, 9002])
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--n-tiles", type=int, nargs=3, default=[1, 1, 1])
    parser.add_argument("--json", help="write the scores here")
    args = parser.parse_args(argv)

    from volltrack.evaluation import DEFAULT_TAUS, average_precision, segmentation_scores
    from volltrack.segmentation import (
        SegmentSettings,
        load_models,
        network_outputs,
        outputs_to_result,
        search_thresholds,
        stardist_instances,
    )

    used = recipe_seeds()
    if used & set(args.seeds):
        parser.error(f"test seeds {sorted(used & set(args.seeds))} belong to the recipe")
    models = load_models(args.models)
    settings = SegmentSettings(n_tiles=tuple(args.n_tiles))
    start = time.perf_counter()

    searched = None
    methods = [m for m in METHODS if not (args.no_search and m.endswith("-searched"))]
    unet_mask = settings.model_copy(update=UNET_MASK)
    if not args.no_search:
        validation = movies(args.search_seeds, 1, args.large_every)
        searched = search_thresholds(
            [m.raw[0] for m in validation], [m.labels[0] for m in validation], models, settings
        )
        # StarDist alone, tuned on the same frames over the same (prob, nms) grid
        val_outputs = [network_outputs(m.raw[0], models, settings) for m in validation]
        pairs = searched.table[["prob_thresh", "nms_thresh"]].drop_duplicates()
        star_scores = []
        for prob, nms in pairs.itertuples(index=False):
            inst = [stardist_instances(o, models, prob, nms) for o in val_outputs]
            ap = average_precision([m.labels[0] for m in validation], inst, searched.tau)
            star_scores.append((ap, prob, nms))
        star_best = max(star_scores, key=lambda x: x[0])  # first of equal scores
        print(
            f"StarDist alone searched: prob {star_best[1]:g}, nms {star_best[2]:g} "
            f"(AP@{searched.tau:g} {star_best[0]:.3f})",
            flush=True,
        )
        print(
            f"searched on seeds {args.search_seeds}: prob {searched.prob_thresh:g}, nms "
            f"{searched.nms_thresh:g}, unet {searched.unet_threshold:g} (AP@{searched.tau:g} "
            f"{searched.score:.3f}; bundle's thresholds "
            f"{searched.table.loc[searched.table['bundle_default'], 'ap'].iloc[0]:.3f})",
            flush=True,
        )

    gt: list[np.ndarray] = []
    pred: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    names = []
    for movie in movies(args.seeds, args.frames, args.large_every):
        for t in range(movie.raw.shape[0]):
            outputs = network_outputs(movie.raw[t], models, settings)
            result = outputs_to_result(outputs, models, settings, with_markers=False)
            gt.append(movie.labels[t])
            names.append(f"seed{movie.settings.seed}-t{t}")
            pred["vollseg"].append(result.labels)
            pred["vollseg-unet-mask"].append(
                outputs_to_result(outputs, models, unet_mask, with_markers=False).labels
            )
            pred["stardist"].append(
                stardist_instances(
                    outputs, models, models.stardist_prob_thresh, models.stardist_nms_thresh
                )
            )
            pred["unet-cc"].append(
                ndi.label(result.foreground, structure=ndi.generate_binary_structure(3, 1))[0]
            )
            if searched is not None:
                tuned = outputs_to_result(
                    outputs, models, searched.settings(settings), with_markers=False
                )
                pred["vollseg-searched"].append(tuned.labels)
                pred["stardist-searched"].append(
                    stardist_instances(outputs, models, star_best[1], star_best[2])
                )
            print(f"{names[-1]}: {len(np.unique(gt[-1])) - 1} cells", flush=True)

    scores = {m: segmentation_scores(gt, pred[m], names=names) for m in methods}
    elapsed = time.perf_counter() - start
    header = "| method | " + " | ".join(f"AP@{t:g}" for t in DEFAULT_TAUS) + " | PQ@0.5 | Dice |"
    print(header)
    print("|" + "---|" * (len(DEFAULT_TAUS) + 3))
    table = {}
    for m in methods:
        s = scores[m]
        aps = [s.value("ap", t) for t in DEFAULT_TAUS]
        dice = s.table.loc[s.table["metric"] == "dice", "value"].mean()
        pq = s.value("panoptic_quality", 0.5)
        table[m] = {"ap": dict(zip(map(str, DEFAULT_TAUS), aps, strict=True)), "pq@0.5": pq}
        table[m]["dice_mean_over_frames"] = float(dice)
        for key in ("tp", "fp", "fn"):
            table[m][f"{key}@0.5"] = int(s.value(key, 0.5))
        cells = " | ".join(f"{a:.3f}" for a in aps)
        print(f"| {m} | {cells} | {pq:.3f} | {dice:.3f} |")
    for m in methods:
        t = table[m]
        print(f"{m}: TP {t['tp@0.5']}, FP {t['fp@0.5']}, FN {t['fn@0.5']} at τ = 0.5")
    print(f"{len(gt)} test frames, {sum(len(np.unique(g)) - 1 for g in gt)} cells, {elapsed:.0f} s")
    if args.json:
        record = {
            "args": vars(args),
            "models": str(models.path),
            "thresholds": {
                "bundle": [models.prob_thresh, models.nms_thresh, models.unet_threshold],
                "bundle_calibrated": models.calibrated,
                "stardist_own": [models.stardist_prob_thresh, models.stardist_nms_thresh],
                "searched": None
                if searched is None
                else [searched.prob_thresh, searched.nms_thresh, searched.unet_threshold],
                "stardist_searched": None if searched is None else list(star_best[1:]),
            },
            "scores": table,
            "frames": names,
            "seconds": elapsed,
            "python": sys.version.split()[0],
            "machine": platform.platform(),
        }
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(record, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
