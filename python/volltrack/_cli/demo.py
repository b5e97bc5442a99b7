"""``volltrack demo [OUT_DIR]``: generate the demo movie and run every stage that exists on it.

The demo writes the synthetic demo movie, checks its ground truth (CTC validity with volltrack's
own checks and py-ctcmetrics', the round trip of the written files, membrane signal on the cell
boundaries, tissue mask, divisions), measures the ground-truth labels into ``cells.csv``, tracks it
with BTrackmate (in process, :func:`volltrack.tracking.track`) and scores the links and divisions
against the ground truth, and says which stages are not implemented yet (segmentation, so
measure + track are scored alone). Exit status 0 only when every check passes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from volltrack._errors import InputError

__all__ = ["add_arguments", "run"]

DEFAULT_OUT = "volltrack-demo"

#: BTrackmate settings for the demo movie (cells ≈ 5 µm in radius, moving < 1 µm per frame).
DEMO_TRACKER = {
    "LINKING_MAX_DISTANCE": 6.0,
    "GAP_CLOSING_MAX_DISTANCE": 8.0,
    "MAX_FRAME_GAP": 2,
    "ALLOW_TRACK_SPLITTING": True,
    "SPLITTING_MAX_DISTANCE": 8.0,
}
#: Smallest link F1 accepted when tracking ground-truth labels.
MIN_LINK_F1 = 0.95


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``volltrack demo``."""
    parser.add_argument(
        "out_dir",
        metavar="OUT_DIR",
        nargs="?",
        default=DEFAULT_OUT,
        help=f"output folder (default: ./{DEFAULT_OUT}); must be empty",
    )
    parser.add_argument(
        "--preset",
        choices=["small", "demo"],
        default="demo",
        help="synthetic movie to use (default: demo, ≈100 cells, 15 frames)",
    )
    parser.add_argument("--seed", type=int, default=None, metavar="S", help="random seed")
    parser.add_argument("--overwrite", action="store_true", help="replace an earlier demo")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _membrane_contrast(raw: np.ndarray, labels: np.ndarray, voxel_size) -> float:
    """Mean raw intensity on cell boundaries over the mean deep inside cells (> 2 µm away)."""
    from scipy import ndimage
    from skimage.segmentation import find_boundaries

    on, inside = [], []
    for t in range(labels.shape[0]):
        b = find_boundaries(labels[t], mode="inner") & (labels[t] > 0)
        deep = labels[t] > 0
        if np.any(b):
            deep &= ndimage.distance_transform_edt(~b, sampling=voxel_size) > 2.0
        if np.any(b) and np.any(deep):
            on.append(raw[t][b].mean())
            inside.append(raw[t][deep].mean())
    if not on:
        return float("nan")
    return float(np.mean(on) / max(np.mean(inside), 1e-9))


def _checks(movie, out: Path) -> list[tuple[str, bool | None, str]]:
    from volltrack.io import ctcmetrics_valid, read_ctc_tracks, read_image, validate_ctc

    results: list[tuple[str, bool | None, str]] = []
    problems = validate_ctc(movie.labels, movie.tracks)
    results.append(
        ("CTC ground truth valid (volltrack)", not problems, problems[0] if problems else "")
    )
    try:
        ok, warns = ctcmetrics_valid(out / "01_GT" / "TRA")
        results.append(("CTC ground truth valid (py-ctcmetrics)", ok, "; ".join(warns[:2])))
    except InputError as exc:
        results.append(("CTC ground truth valid (py-ctcmetrics)", None, f"skipped: {exc}"))
    written = read_ctc_tracks(out / "01_GT" / "TRA" / "man_track.txt")
    same = written.equals(movie.tracks[["label", "start", "end", "parent"]].reset_index(drop=True))
    results.append(("man_track.txt round trip", same, ""))
    lab = read_image(out / "labels.tif")
    cal_ok = (
        lab.voxel_size is not None
        and np.allclose(lab.voxel_size, movie.voxel_size)
        and lab.time_interval is not None
        and np.isclose(lab.time_interval, movie.time_interval)
    )
    results.append(
        (
            "labels.tif round trip and calibration",
            bool(cal_ok and np.array_equal(lab.data, movie.labels)),
            f"voxel size {lab.voxel_size} {lab.unit}, {lab.time_interval} s/frame",
        )
    )
    inside = bool(np.all(movie.tissue_mask[movie.labels > 0]))
    results.append(("every labelled voxel inside the tissue mask", inside, ""))
    contrast = _membrane_contrast(movie.raw, movie.labels, movie.voxel_size)
    results.append(
        ("membrane signal on cell boundaries", contrast > 2.0, f"boundary/interior {contrast:.1f}×")
    )
    lin = movie.lineage
    mothers = lin.loc[lin["end_reason"] == "division", "cell_id"]
    n_children = lin["parent_cell_id"].value_counts()
    two = all(int(n_children.get(m, 0)) == 2 for m in mothers)
    results.append(("each division has two daughters", two, f"{len(mothers)} divisions"))
    return results


def _track(out: Path, tracks) -> tuple[tuple[str, bool | None, str], str]:
    """Measure the ground-truth labels into cells.csv and track it with BTrackmate.

    Returns the tracking check and the lines to print.
    """
    from volltrack.evaluation import link_scores
    from volltrack.measure import measure_files
    from volltrack.tracking import track

    cells_csv, xml = out / "cells.csv", out / "tracks.xml"
    start = time.perf_counter()
    cells = measure_files(
        out / "labels.tif",
        out / "raw.tif",
        out / "tissue_mask.tif",
        out=cells_csv,
        overwrite=True,
    )
    measured = time.perf_counter() - start
    start = time.perf_counter()
    result = track(cells_csv, out=xml, overwrite=True, **DEMO_TRACKER)
    elapsed = time.perf_counter() - start
    s = link_scores(result.spots, result.edges, tracks)
    line = (
        f"  volltrack measure on the ground-truth labels ({measured:.1f} s) → {cells_csv} "
        f"({len(cells)} cells)\n"
        f"  BTrackmate in process on {cells_csv.name} ({elapsed:.1f} s, JVM start included) "
        f"→ {xml}\n"
        f"  links: {s.correct_links}/{s.predicted_links} correct, {s.gt_links} in the ground truth "
        f"(precision {s.link_precision:.3f}, recall {s.link_recall:.3f}); "
        f"divisions: {s.correct_divisions}/{s.predicted_divisions} correct of {s.gt_divisions} "
        f"(F1 {s.division_f1:.2f})"
    )
    check = (
        f"tracking links F1 ≥ {MIN_LINK_F1}",
        bool(s.link_f1 >= MIN_LINK_F1),
        f"F1 {s.link_f1:.3f}",
    )
    return check, line


def run(args: argparse.Namespace) -> int:
    """Generate, write and check the demo movie; return 0 when every check passes, else 1."""
    from rich.console import Console

    from volltrack._cli.synth import generate_with_progress
    from volltrack.cli import STAGES
    from volltrack.synthetic import movie_summary, preset_settings, write_movie

    console = Console(highlight=False)
    out = Path(args.out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not args.overwrite:
        raise InputError(f"{out}: folder is not empty (use --overwrite to replace the demo)")
    overrides = {} if args.seed is None else {"seed": args.seed}
    settings = preset_settings(args.preset, **overrides)

    start = time.perf_counter()
    movie = generate_with_progress(settings, args.quiet)
    generated = time.perf_counter() - start
    write_movie(movie, out, overwrite=args.overwrite)
    written = time.perf_counter() - start - generated
    summary = movie_summary(movie)

    console.print(f"[bold]volltrack demo[/bold] → {out}")
    console.print(
        f"synthetic movie ({args.preset}, seed {settings.seed}): {settings.n_frames} frames of "
        f"{settings.shape} voxels at {settings.voxel_size} µm, {settings.time_interval:g} s/frame "
        f"(generated in {generated:.1f} s, written in {written:.1f} s)"
    )
    console.print(f"  cells per frame:   {summary['cells_per_frame']}")
    console.print(f"  labels per frame:  {summary['labels_per_frame']}")
    console.print(
        f"  {summary['n_cells_total']} cells, {summary['n_ctc_tracks']} CTC tracks, "
        f"{summary['n_divisions']} divisions, {summary['n_entered']} entered, "
        f"{summary['n_left']} left, {summary['n_missed_detections']} missed detections"
    )
    mark = {True: "[green]ok  [/green]", False: "[red]FAIL[/red]", None: "[yellow]skip[/yellow]"}
    failed = 0

    def report(name: str, ok: bool | None, detail: str) -> None:
        nonlocal failed
        console.print(f"  {mark[ok]} {name}" + (f" ({detail})" if detail else ""))
        failed += ok is False

    console.print("ground-truth checks:")
    for check in _checks(movie, out):
        report(*check)
    console.print("tracking (the tracker alone: segmentation is not run yet):")
    check, line = _track(out, movie.tracks)
    console.print(line)
    report(*check)
    missing = [(n, issue) for n, (_h, mod, issue) in STAGES.items() if mod is None and issue]
    pipeline = ["segment", "measure", "analyze"]
    todo = [f"{n} (issue #{i})" for n, i in missing if n in pipeline]
    if todo:
        console.print(
            "not implemented yet, so not run on the movie: " + ", ".join(todo) + ". "
            f"The movie and its ground truth are in {out} for when they are."
        )
    if failed:
        console.print(f"[red]{failed} check(s) failed[/red]")
        return 1
    console.print("all checks passed")
    return 0
