"""``volltrack segment RAW --out DIR``: VollSeg on a ZYX/TZYX movie, frame by frame, resumable."""

from __future__ import annotations

import argparse

from volltrack._cli._options import (
    add_time_interval,
    add_voxel_size,
    flag_values,
    int_at_least,
    number,
    progress_bar,
)

__all__ = ["add_arguments", "run"]

POSITIVE = int_at_least(1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``volltrack segment``."""
    parser.add_argument("raw", metavar="RAW", help="raw movie: ZYX or TZYX TIFF, or a zarr array")
    parser.add_argument(
        "--models", metavar="DIR", help="model bundle folder (default: the shipped bundle)"
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    add_voxel_size(
        parser,
        "voxel size in µm (default: RAW's calibration, else the bundle's)",
    )
    add_time_interval(
        parser,
        "seconds per frame for the TZYX outputs (default: RAW's calibration, else 1)",
    )
    parser.add_argument(
        "--n-tiles",
        type=POSITIVE,
        nargs=3,
        metavar=("Z", "Y", "X"),
        help="tiles per axis for the networks (default 1 1 1)",
    )
    parser.add_argument(
        "--prob-thresh", type=number, metavar="P", help="StarDist probability threshold in (0, 1)"
    )
    parser.add_argument(
        "--nms-thresh", type=number, metavar="T", help="StarDist NMS threshold in [0, 1)"
    )
    parser.add_argument(
        "--unet-threshold", type=number, metavar="P", help="U-Net foreground threshold in (0, 1)"
    )
    parser.add_argument(
        "--min-volume", type=number, metavar="UM3", help="smallest cell kept, µm³ (default 0)"
    )
    parser.add_argument(
        "--max-volume", type=number, metavar="UM3", help="largest cell kept, µm³ (default: any)"
    )
    parser.add_argument(
        "--n2v",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="denoise with the bundle's N2V model first (default: off)",
    )
    parser.add_argument(
        "--grow-foreground",
        type=number,
        metavar="UM",
        help="dilate the U-Net mask by this radius (µm) before the fusion (default 1)",
    )
    parser.add_argument(
        "--rescue-overlap",
        type=number,
        metavar="F",
        help="add StarDist objects less than this fraction inside the U-Net mask whole "
        "(default 1: the union of both; 0.5: VollSeg)",
    )
    parser.add_argument(
        "--workers", type=POSITIVE, metavar="N", help="segment N frames in parallel"
    )
    parser.add_argument(
        "--scheduler",
        metavar="WHERE",
        help="where frames run: threads (default with --workers), processes, local (a dask "
        "LocalCluster) or a dask scheduler address tcp://HOST:PORT; each worker process loads "
        "the models once",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="settings file (TOML, top level or [segment]; or JSON); flags override it",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="redo every frame, replacing earlier outputs"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no summary")


_FLAG_FIELDS = {
    "voxel_size": "voxel_size",
    "n_tiles": "n_tiles",
    "prob_thresh": "prob_thresh",
    "nms_thresh": "nms_thresh",
    "unet_threshold": "unet_threshold",
    "min_volume": "min_volume",
    "max_volume": "max_volume",
    "grow_foreground": "grow_foreground",
    "rescue_overlap": "rescue_overlap",
}


def settings_from_args(args: argparse.Namespace) -> object:
    """The :class:`~volltrack.segmentation.SegmentSettings` the flags (and --config) ask for."""
    from volltrack.segmentation import make_settings, read_segment_settings

    values: dict[str, object] = {}
    if args.config:
        values.update(read_segment_settings(args.config).model_dump(exclude_unset=True))
    values.update(flag_values(args, _FLAG_FIELDS))
    if args.n2v is not None:
        values["use_n2v"] = args.n2v
    return make_settings(values, "settings (--config and flags)")


def run(args: argparse.Namespace) -> int:
    """Segment the movie; return 0."""
    from volltrack._errors import InputError
    from volltrack.segmentation import segment_movie

    settings = settings_from_args(args)
    if args.time_interval is not None and not args.time_interval > 0:
        raise InputError(f"--time-interval must be > 0 s; got {args.time_interval}")
    models = args.models  # loaded by segment_movie after RAW is checked; None: shipped
    options = {
        "time_interval": args.time_interval,
        "overwrite": args.overwrite,
        "n_workers": args.workers,
        "scheduler": args.scheduler,
    }
    skipped = frames = 0

    with progress_bar("segmenting frames", quiet=args.quiet) as bar:

        def update(done: int, total: int, was_done: bool) -> None:
            nonlocal skipped, frames
            skipped += was_done
            frames = total
            bar(done, total)

        written = segment_movie(args.raw, args.out, models, settings, progress=update, **options)
    if args.quiet:
        return 0
    note = f" ({skipped} already done)" if skipped else ""
    print(f"wrote {args.out}: {int(frames or 0)} frames{note}; labels in {written['labels']}")
    return 0
