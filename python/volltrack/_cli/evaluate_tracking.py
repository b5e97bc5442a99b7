"""``volltrack evaluate tracking GT_DIR RESULT``: CTC tracking scores against ground truth.

RESULT is a CTC result folder (``res_track.txt`` + ``maskTTT.tif``) or a TrackMate XML file;
an XML file needs ``--labels``, the label movie its spots were measured from: it is exported
with :func:`volltrack.io.export_ctc` into a temporary folder (each spot's segment painted with its
track label) and scored like a CTC result.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from volltrack._cli._options import add_voxel_size
from volltrack._errors import InputError

__all__ = ["add_arguments", "run"]

#: (column in scores.csv, label in the printed table)
ROWS = [
    ("valid", "valid (py-ctcmetrics)"),
    ("det", "DET"),
    ("tra", "TRA"),
    ("lnk", "LNK"),
    ("aogm", "AOGM"),
    ("ct", "CT (complete tracks)"),
    ("tf", "TF (track fractions)"),
    ("cca", "CCA (cell-cycle accuracy)"),
    ("gt_divisions", "divisions in ground truth"),
    ("division_tp", "divisions found (TP)"),
    ("division_fp", "false divisions (FP)"),
    ("division_fn", "missed divisions (FN)"),
    ("division_f1", "division F1 = BC(0)"),
    ("link_precision", "link precision"),
    ("link_recall", "link recall"),
    ("link_f1", "link F1"),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``volltrack evaluate tracking``."""
    parser.add_argument(
        "gt_dir", metavar="GT_DIR", help="CTC ground truth folder (NN_GT or its TRA)"
    )
    parser.add_argument(
        "result", metavar="RESULT", help="CTC result folder (res_track.txt) or TrackMate XML"
    )
    parser.add_argument(
        "--labels",
        metavar="LABELS",
        help="TZYX label movie the XML's spots were measured from (needed for an XML RESULT)",
    )
    add_voxel_size(
        parser,
        "voxel size of LABELS for spots without LABEL (default: its calibration)",
    )
    parser.add_argument("--out", metavar="CSV", help="also write the scores as one-row CSV")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    parser.add_argument("--quiet", action="store_true", help="no table")


def _format(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.4f}"
    return str(value)


def run(args: argparse.Namespace) -> int:
    """Score and print the table; return 0 (1 when the result is not a valid CTC result)."""
    import tempfile

    import pandas as pd

    from volltrack.evaluation import evaluate_tracking, find_ctc_ground_truth
    from volltrack.io import export_ctc, write_text_atomic

    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not args.overwrite:
        raise InputError(f"{out}: already exists (use --overwrite to replace it)")
    gt = find_ctc_ground_truth(args.gt_dir)
    result = Path(args.result)
    if result.is_dir():
        if args.labels:
            raise InputError(f"{result}: --labels is only for a TrackMate XML RESULT")
        scores = evaluate_tracking(gt, result)
    elif result.is_file():
        if not args.labels:
            raise InputError(
                f"{result}: a TrackMate XML needs --labels (the label movie its spots were "
                "measured from) to build the CTC masks"
            )
        with tempfile.TemporaryDirectory(prefix="volltrack-eval-") as tmp:
            vs = tuple(args.voxel_size) if args.voxel_size else None
            export_ctc(result, args.labels, Path(tmp) / "RES", voxel_size=vs)
            scores = evaluate_tracking(gt, Path(tmp) / "RES")
    else:
        raise InputError(f"{result}: no such file or folder")
    values = scores.as_dict()
    if not args.quiet:
        width = max(len(label) for _, label in ROWS)
        print(f"tracking scores of {result} against {gt}")
        for key, label in ROWS:
            if key in values:
                print(f"  {label:<{width}}  {_format(values[key])}")
    if out is not None:
        row = {"gt": str(gt), "result": str(result), **values}
        write_text_atomic(out, pd.DataFrame([row]).to_csv(index=False))
    return 0 if scores.valid else 1
