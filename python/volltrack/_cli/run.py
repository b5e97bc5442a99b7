"""``volltrack run volltrack.toml``: the whole pipeline from one settings file, resumable.

``volltrack run --init volltrack.toml`` writes a documented template to edit.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from volltrack._cli._options import int_at_least
from volltrack._errors import InputError

__all__ = ["add_arguments", "progress_printer", "run"]

STAGE_CHOICES = ("segment", "measure", "track", "analyze", "report")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``volltrack run``."""
    parser.add_argument("config", metavar="CONFIG", help="the pipeline file (volltrack.toml)")
    parser.add_argument(
        "--init",
        action="store_true",
        help="write a documented template to CONFIG instead of running (refuses to overwrite)",
    )
    parser.add_argument(
        "--raw", metavar="RAW", default="raw.tif", help="with --init: the raw movie to name"
    )
    parser.add_argument(
        "--scheduler",
        metavar="WHERE",
        default=None,
        help="per-frame work: synchronous, threads, processes, local (a dask LocalCluster) or "
        "tcp://HOST:PORT (overrides [execution] scheduler)",
    )
    parser.add_argument(
        "--workers",
        type=int_at_least(1),
        default=None,
        metavar="N",
        help="threads/processes/dask workers (overrides [execution] workers)",
    )
    parser.add_argument(
        "--force",
        action="append",
        choices=STAGE_CHOICES,
        default=[],
        metavar="STAGE",
        help=f"run STAGE again even if unchanged (repeatable; one of {', '.join(STAGE_CHOICES)})",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace files in the output folder that volltrack run did not write",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress display")


class progress_printer:
    """A rich progress display for :func:`volltrack.run_pipeline` (a context manager)."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bars: dict[str, int] = {}

    def __enter__(self):
        if self.quiet:
            return lambda stage, done, total, message: None
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description:<8}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TextColumn("{task.fields[message]}"),
            TimeElapsedColumn(),
        )
        self.progress.__enter__()

        def update(stage: str, done: int, total: int, message: str) -> None:
            if stage not in self.bars:
                self.bars[stage] = self.progress.add_task(stage, total=None, message="")
            task = self.bars[stage]
            if total:
                self.progress.update(task, total=total, completed=done, message=message)
            else:
                self.progress.update(task, message=message)

        return update

    def __exit__(self, *exc):
        if not self.quiet:
            self.progress.__exit__(*exc)
        return False


def run(args: argparse.Namespace) -> int:
    """Run the pipeline (or write the template); 0 on success."""
    from volltrack.config import config_template

    path = Path(args.config)
    if args.init:
        if path.exists():
            raise InputError(f"{path}: already exists; --init does not overwrite a file")
        if not path.parent.is_dir():
            raise InputError(f"{path}: folder {path.parent} does not exist")
        from volltrack.io import write_text_atomic

        write_text_atomic(path, config_template(raw=args.raw))
        print(f"wrote {path}: edit it, then run: volltrack run {path}")
        return 0
    from volltrack._pipeline import run_pipeline

    with progress_printer(args.quiet) as progress:
        result = run_pipeline(
            path,
            force=args.force,
            scheduler=args.scheduler,
            workers=args.workers,
            overwrite=args.overwrite,
            progress=progress,
        )
    if not args.quiet:
        for s in result.stages:
            took = f" ({s.seconds:.1f} s)" if s.status == "ran" else ""
            print(f"  {s.stage:<8} {s.status}{took}")
        print(f"report: {result.report}")
    return 0
