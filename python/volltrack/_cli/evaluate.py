"""``volltrack evaluate KIND ...``: score a result against ground truth.

Each kind of evaluation is a module under :mod:`volltrack._cli` with ``add_arguments(parser)`` and
``run(args) -> int``, registered in :data:`KINDS`.
"""

from __future__ import annotations

import argparse
import importlib

from volltrack._errors import InputError

__all__ = ["KINDS", "add_arguments", "run"]

#: kind -> (one-line help, module under volltrack._cli)
KINDS: dict[str, tuple[str, str]] = {
    "segmentation": (
        "AP at IoU thresholds, PQ, Dice/NRMSE/SSIM of label images against ground truth",
        "evaluate_segmentation",
    ),
    "tracking": (
        "CTC DET/TRA/LNK, division and link scores of a TrackMate XML or CTC result",
        "evaluate_tracking",
    ),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add one sub-command per kind of evaluation."""
    sub = parser.add_subparsers(dest="kind", metavar="KIND", title="kinds")
    for name, (help_text, module) in KINDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        importlib.import_module(f"volltrack._cli.{module}").add_arguments(p)


def run(args: argparse.Namespace) -> int:
    """Run the chosen kind of evaluation."""
    if args.kind is None:
        raise InputError(f"expected a kind of evaluation: {', '.join(KINDS)}")
    module = KINDS[args.kind][1]
    return int(importlib.import_module(f"volltrack._cli.{module}").run(args))
