"""``volltrack analyze tracks.xml --out DIR``: lineages, motion, boundary distance, intensity."""

from __future__ import annotations

import argparse
from pathlib import Path

from volltrack._cli._options import add_time_interval, add_voxel_size
from volltrack._errors import InputError

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``volltrack analyze``."""
    parser.add_argument("tracks", metavar="TRACKS_XML", help="TrackMate XML file (v3 to v8)")
    parser.add_argument(
        "--mask",
        metavar="MASK",
        help="tissue mask TIFF, TZYX or TYX (non-zero = tissue): adds the signed distance to "
        "the tissue boundary (none without it)",
    )
    parser.add_argument(
        "--raw",
        metavar="RAW",
        help="raw movie TIFF (TZYX or with channels): adds RAW_MEAN_INTENSITY_CH<n> per spot",
    )
    parser.add_argument(
        "--channel-feature",
        metavar="NAME",
        nargs="+",
        default=[],
        help="spot features to analyse over time with a spectrum (default: every "
        "MEAN_INTENSITY* feature present, and the raw intensities)",
    )
    add_voxel_size(
        parser,
        "voxel size of --mask and --raw in the XML's space units (default: each image "
        "file's calibration, else the XML's ImageData)",
    )
    add_time_interval(
        parser,
        "seconds per frame, replacing the XML's frame times (default: the XML's POSITION_T)",
    )
    parser.add_argument(
        "--all-tracks",
        action="store_true",
        help="analyse every track, not only those the file lists in FilteredTracks",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write")
    parser.add_argument(
        "--format", choices=("csv", "parquet"), default="csv", help="table format (default csv)"
    )
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    parser.add_argument("--quiet", action="store_true", help="no progress and no summary")


def run(args: argparse.Namespace) -> int:
    """Analyse the tracks and write the tables and figures; return 0."""
    from pydantic import ValidationError

    from volltrack.analysis import AnalysisSettings, analyze_tracks, write_analysis
    from volltrack.analysis._analyze import check_table_format

    out = Path(args.out)
    if out.exists() and not args.overwrite:
        raise InputError(f"{out}: already exists (use --overwrite to replace it)")
    try:
        settings = AnalysisSettings(
            all_tracks=args.all_tracks,
            mask=args.mask,
            raw=args.raw,
            channel_features=args.channel_feature,
            voxel_size=args.voxel_size,
            time_interval=args.time_interval,
            table_format=args.format,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(f"settings: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    check_table_format(settings.table_format)
    if args.quiet:
        result = analyze_tracks(args.tracks, settings)
        write_analysis(result, out, settings, overwrite=args.overwrite, source=args.tracks)
        return 0
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    with console.status("analysing") as status:
        result = analyze_tracks(
            args.tracks, settings, progress=lambda step: status.update(f"analysing: {step}")
        )
        status.update("writing tables and figures")
        files = write_analysis(result, out, settings, overwrite=args.overwrite, source=args.tracks)
    lin = result.lineage
    print(
        f"wrote {out}: {len(files)} files; {len(lin.spots)} spots, {len(lin.tracklets)} "
        f"tracklets, {len(lin.tracks)} tracks ({int(lin.tracks['dividing'].sum())} dividing, "
        f"{int(lin.tracks['n_divisions'].sum())} divisions, "
        f"{int(lin.tracks['n_merges'].sum())} merges)"
    )
    for note in result.notes:
        print(f"  note: {note}")
    return 0
