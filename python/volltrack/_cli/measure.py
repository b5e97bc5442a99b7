"""``volltrack measure LABELS --out cells.csv``: the cell table of a label movie."""

from __future__ import annotations

import argparse
from pathlib import Path

from volltrack._cli._options import add_time_interval, add_voxel_size, int_at_least, progress_bar
from volltrack._errors import InputError

__all__ = ["add_arguments", "run"]

POSITIVE = int_at_least(1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``volltrack measure``."""
    parser.add_argument("labels", metavar="LABELS", help="integer label image, TZYX or ZYX TIFF")
    parser.add_argument("--raw", metavar="RAW", help="raw image (TZYX or TCZYX) for intensities")
    parser.add_argument(
        "--mask", metavar="MASK", help="tissue mask (ZYX or TZYX, non-zero = tissue)"
    )
    add_voxel_size(
        parser,
        "voxel size in µm (default: the label image's calibration)",
    )
    add_time_interval(
        parser,
        "seconds per frame (default: the label image's calibration, else 1)",
    )
    parser.add_argument("--out", required=True, metavar="CSV", help="the cells.csv to write")
    parser.add_argument(
        "--workers", type=POSITIVE, metavar="N", help="measure N frames in parallel"
    )
    parser.add_argument(
        "--scheduler",
        metavar="WHERE",
        help="where frames run: threads (default with --workers), processes, local (a dask "
        "LocalCluster) or a dask scheduler address tcp://HOST:PORT",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    parser.add_argument("--quiet", action="store_true", help="no summary line")


def run(args: argparse.Namespace) -> int:
    """Measure the labels and write the table; return 0."""
    from volltrack.measure import measure_files

    out = Path(args.out)
    if out.exists() and not args.overwrite:
        raise InputError(f"{out}: already exists (use --overwrite to replace it)")
    options = {
        "voxel_size": args.voxel_size,
        "time_interval": args.time_interval,
        "out": out,
        "overwrite": args.overwrite,
        "n_workers": args.workers,
        "scheduler": args.scheduler,
    }
    with progress_bar("measuring frames", quiet=args.quiet) as progress:
        table = measure_files(args.labels, args.raw, args.mask, progress=progress, **options)
    if not args.quiet:
        frames = table["frame"].nunique()
        print(f"wrote {out}: {len(table)} cells in {frames} non-empty frames")
    return 0
