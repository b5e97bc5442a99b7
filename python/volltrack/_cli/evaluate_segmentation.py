"""``volltrack evaluate segmentation GT PRED --out DIR``: segmentation scores as CSV and PNG."""

from __future__ import annotations

import argparse

from volltrack._cli._options import number, progress_bar

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``volltrack evaluate segmentation``."""
    parser.add_argument(
        "gt", metavar="GT", help="ground-truth labels: a ZYX/TZYX TIFF, or a folder of them"
    )
    parser.add_argument(
        "pred",
        metavar="PRED",
        help="predicted labels: a TIFF, or a folder (files paired with GT's by sorted name)",
    )
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="folder for segmentation_scores.csv/.png"
    )
    parser.add_argument(
        "--taus",
        type=number,
        nargs="+",
        metavar="TAU",
        help="IoU thresholds in (0, 1] (default 0.1 0.2 ... 0.9)",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace existing output files")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no summary")


def run(args: argparse.Namespace) -> int:
    """Score and write; return 0."""
    from volltrack.evaluation import DEFAULT_TAUS, evaluate_segmentation_files

    options = {
        "taus": DEFAULT_TAUS if args.taus is None else tuple(args.taus),
        "overwrite": args.overwrite,
    }
    with progress_bar("scoring images", quiet=args.quiet) as progress:
        scores = evaluate_segmentation_files(
            args.gt, args.pred, args.out, progress=progress, **options
        )
    if args.quiet:
        return 0
    tau = 0.5 if any(abs(t - 0.5) < 1e-9 for t in scores.taus) else scores.taus[0]
    print(
        f"wrote {args.out}: {len(scores.images)} images, pooled AP@{tau:g} = "
        f"{scores.value('ap', tau):.3f}, PQ@{tau:g} = {scores.value('panoptic_quality', tau):.3f}"
    )
    return 0
