"""``volltrack synth OUT_DIR``: write a synthetic movie with exact ground truth."""

from __future__ import annotations

import argparse
from pathlib import Path

from volltrack._cli._options import (
    add_time_interval,
    add_voxel_size,
    flag_values,
    int_at_least,
    number,
    progress_bar,
)
from volltrack._errors import InputError
from volltrack._settings_file import read_settings_table

__all__ = ["add_arguments", "run"]

POSITIVE = int_at_least(1)
NON_NEGATIVE = int_at_least(0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``volltrack synth``."""
    parser.add_argument("out_dir", metavar="OUT_DIR", help="output folder (must be empty)")
    parser.add_argument(
        "--preset", choices=["small", "demo"], default="small", help="settings to start from"
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="JSON or TOML file of SyntheticSettings fields (a [synthetic] table in TOML); "
        "options given on the command line win",
    )
    parser.add_argument("--frames", type=POSITIVE, metavar="N", help="number of frames")
    parser.add_argument("--cells", type=POSITIVE, metavar="N", help="cells in frame 0")
    parser.add_argument("--divisions", type=NON_NEGATIVE, metavar="N", help="division events")
    parser.add_argument("--seed", type=NON_NEGATIVE, metavar="S", help="random seed")
    parser.add_argument(
        "--shape", type=POSITIVE, nargs=3, metavar=("Z", "Y", "X"), help="image shape"
    )
    add_voxel_size(parser, "voxel size in µm")
    add_time_interval(parser, "seconds per frame")
    parser.add_argument("--enter-rate", type=number, metavar="R", help="cells entering/frame")
    parser.add_argument("--leave-rate", type=number, metavar="R", help="cells leaving/frame")
    parser.add_argument(
        "--missed", type=number, metavar="P", help="missed-detection probability per cell-frame"
    )
    parser.add_argument("--tissue", choices=["ellipsoid", "irregular", "full"], help="tissue shape")
    parser.add_argument("--dtype", choices=["uint16", "float32"], help="raw pixel type")
    parser.add_argument("--nuclei", action="store_true", help="also write a nuclear channel")
    parser.add_argument(
        "--no-noise", action="store_true", help="no Poisson or read noise (expected intensities)"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace the movie in a non-empty OUT_DIR"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")


_OPTION_FIELDS = {
    "frames": "n_frames",
    "cells": "n_cells",
    "divisions": "n_divisions",
    "seed": "seed",
    "shape": "shape",
    "voxel_size": "voxel_size",
    "time_interval": "time_interval",
    "enter_rate": "enter_rate",
    "leave_rate": "leave_rate",
    "missed": "missed_detection_prob",
    "tissue": "tissue_shape",
    "dtype": "dtype",
}


def settings_from_args(args: argparse.Namespace) -> object:
    """Build the :class:`~volltrack.synthetic.SyntheticSettings` an ``args`` namespace asks for."""
    from volltrack.synthetic import preset_settings

    overrides: dict[str, object] = {}
    if getattr(args, "config", None):
        overrides.update(read_settings_table(args.config, "synthetic"))
    overrides.update(flag_values(args, _OPTION_FIELDS))
    if getattr(args, "nuclei", False):
        overrides["nuclei"] = True
    if getattr(args, "no_noise", False):
        overrides["poisson_noise"] = False
        overrides["read_noise"] = 0.0
    return preset_settings(args.preset, **overrides)


def generate_with_progress(settings: object, quiet: bool) -> object:
    """Generate a movie, showing a rich progress bar unless ``quiet``."""
    from volltrack.synthetic import generate_movie

    with progress_bar("generating frames", quiet=quiet) as progress:
        return generate_movie(settings, progress=progress)


def run(args: argparse.Namespace) -> int:
    """Generate and write the movie; return 0."""
    from volltrack.synthetic import movie_summary, write_movie

    out = Path(args.out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not args.overwrite:
        raise InputError(f"{out}: folder is not empty (use --overwrite to replace its movie)")
    settings = settings_from_args(args)
    movie = generate_with_progress(settings, args.quiet)
    write_movie(movie, out, overwrite=args.overwrite)
    if not args.quiet:
        summary = movie_summary(movie)
        print(
            f"wrote {out}: {summary['n_frames']} frames of {settings.shape} voxels, "
            f"{summary['n_cells_total']} cells ({summary['n_ctc_tracks']} CTC tracks), "
            f"{summary['n_divisions']} divisions, {summary['n_missed_detections']} missed "
            "detections"
        )
    return 0
