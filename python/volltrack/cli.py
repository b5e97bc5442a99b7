"""The ``volltrack`` command: one sub-command per stage.

Each stage lives in its own module under :mod:`volltrack._cli` and provides
``add_arguments(parser)`` and ``run(args) -> int``. Heavy imports happen inside ``run``, after
the arguments are parsed, so ``volltrack --help`` is instant. A
:class:`~volltrack.VolltrackError` is printed as one line on stderr with exit status 2; nothing
else is caught, so a real bug still shows its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from volltrack._errors import VolltrackError
from volltrack._version import __version__

__all__ = ["STAGES", "build_parser", "main", "one_line"]

#: stage name -> (one-line help, module under volltrack._cli)
STAGES: dict[str, tuple[str, str]] = {
    "segment": (
        "segment a TZYX movie into cell labels (N2V, StarDist-3D, U-Net, fusion)",
        "segment",
    ),
    "measure": ("measure labels into the cell table cells.csv", "measure"),
    "track": ("track cells.csv with BTrackmate into a TrackMate XML", "track"),
    "analyze": (
        "analyse a TrackMate XML: lineages, speed, MSD, boundary distance, intensity",
        "analyze",
    ),
    "run": ("run the whole pipeline from a volltrack.toml file", "run"),
    "demo": (
        "run the whole pipeline on a generated movie with the shipped models and score it",
        "demo",
    ),
    "train": (
        "train the segmentation models (raw/ + labels/ folders or a recipe) into a bundle",
        "train",
    ),
    "evaluate": ("score segmentation or tracking against ground truth", "evaluate"),
    "export": ("export a TrackMate XML as a CTC result or a GEFF graph", "export"),
    "synth": ("write a synthetic membrane-labelled 3D+t movie with exact ground truth", "synth"),
}

EXIT_BAD_INPUT = 2
#: words (runs without white space) longer than this are shortened in error messages
_LONGEST_WORD = 200


def one_line(message: str) -> str:
    """An error message as one terminal line: line breaks become spaces, and a very long word
    (a huge value quoted from a file) keeps its first 80 characters and says how long it was."""
    import re

    text = " ".join(message.split())

    def shorten(m: re.Match) -> str:
        word = m.group(0)
        return f"{word[:80]}…[{len(word)} characters]"

    return re.sub(rf"\S{{{_LONGEST_WORD + 1},}}", shorten, text)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``PROG: error: MESSAGE``), exit status 2."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="volltrack",
        description="Segment, track and analyse membrane-labelled cells in 3D time-lapse movies.",
    )
    parser.add_argument("--version", action="version", version=f"volltrack {__version__}")
    sub = parser.add_subparsers(dest="stage", metavar="STAGE", title="stages")
    for name, (help_text, module) in STAGES.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        importlib.import_module(f"volltrack._cli.{module}").add_arguments(p)
    return parser


def _quiet_libraries() -> None:
    """Keep library chatter that is not for our users off the terminal.

    TensorFlow's C++ start-up lines (oneDNN, CPU features) and the ``pkg_resources`` deprecation
    notice csbdeep triggers on import say nothing about the user's data; real warnings and errors
    still show. An explicit ``TF_CPP_MIN_LOG_LEVEL`` in the environment wins.
    """
    import os
    import warnings

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.stage is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    _help, module = STAGES[args.stage]
    _quiet_libraries()
    try:
        return int(importlib.import_module(f"volltrack._cli.{module}").run(args))
    except VolltrackError as exc:
        print(f"volltrack {args.stage}: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"volltrack {args.stage}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
