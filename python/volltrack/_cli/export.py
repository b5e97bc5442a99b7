"""``volltrack export ctc|geff TRACKS_XML --out PATH``: TrackMate tracks to CTC or GEFF."""

from __future__ import annotations

import argparse

from volltrack._cli._options import add_voxel_size
from volltrack._errors import InputError

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``ctc`` and ``geff`` formats with their options."""
    sub = parser.add_subparsers(dest="format", metavar="FORMAT", title="formats")
    ctc = sub.add_parser(
        "ctc",
        help="Cell Tracking Challenge result: res_track.txt + maskTTT.tif",
        description="Write a CTC result folder: res_track.txt and one mask per frame, the "
        "label movie's segments painted with their CTC track labels.",
    )
    geff = sub.add_parser(
        "geff",
        help="GEFF graph (zarr) with tracklet and track ids",
        description="Write a GEFF zarr graph: one node per spot, one edge per link.",
    )
    for p in (ctc, geff):
        p.add_argument("tracks", metavar="TRACKS_XML", help="TrackMate XML file")
        p.add_argument(
            "--all-tracks",
            action="store_true",
            help="export every track, not only those in FilteredTracks",
        )
        p.add_argument("--overwrite", action="store_true", help="replace an earlier export")
        p.add_argument("--quiet", action="store_true", help="no summary line")
    ctc.add_argument("--out", required=True, metavar="DIR", help="result folder, e.g. 01_RES")
    ctc.add_argument(
        "--labels",
        required=True,
        metavar="LABELS",
        help="TZYX label movie the spots were measured from (their LABEL feature)",
    )
    add_voxel_size(
        ctc,
        "voxel size of LABELS in the XML's units, for spots without LABEL "
        "(default: the label image's calibration)",
    )
    geff.add_argument("--out", required=True, metavar="PATH", help="GEFF folder, e.g. tracks.geff")


def run(args: argparse.Namespace) -> int:
    """Export; return 0."""
    from volltrack.io import export_ctc, export_geff

    if args.format is None:
        raise InputError("expected a format: ctc or geff")
    if args.format == "ctc":
        result = export_ctc(
            args.tracks,
            args.labels,
            args.out,
            voxel_size=tuple(args.voxel_size) if args.voxel_size else None,
            all_tracks=args.all_tracks,
            overwrite=args.overwrite,
        )
        if not args.quiet:
            dropped = len(result.dropped_links)
            note = f"; {dropped} merge link(s) dropped (CTC allows one parent)" if dropped else ""
            if result.matched_by == "position":
                note += "; spots had no LABEL: segments taken under their centres"
            print(
                f"wrote {result.folder}: {len(result.tracks)} CTC tracks, {result.n_spots} spots, "
                f"{result.n_frames} masks{note}"
            )
    else:
        path = export_geff(
            args.tracks, args.out, all_tracks=args.all_tracks, overwrite=args.overwrite
        )
        if not args.quiet:
            print(f"wrote {path}")
    return 0
