"""``volltrack demo [OUT_DIR]``: the whole pipeline on a synthetic movie, scored against its truth.

The demo generates the synthetic demo movie (``OUT/movie/``) and checks its ground truth (CTC
validity with volltrack's own checks and py-ctcmetrics', the round trip of the written files,
membrane signal on the cell boundaries, tissue mask, divisions). It then writes
``OUT/volltrack.toml`` and runs it exactly as ``volltrack run`` does (segment with the shipped
models → measure → track → analyze → report, into ``OUT/results/``), scores the result against
the ground truth (segmentation AP@0.5; CTC DET/TRA/LNK and division F1 through py-ctcmetrics;
link precision/recall), writes the scores into ``OUT/results/evaluation.json`` and the report,
and prints them. As a reference it also tracks the ground-truth labels alone
(``OUT/gt-tracking/``: the tracker's own accuracy, a check). Exit status 0 only when every check
passes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from volltrack._cli._options import int_at_least
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
    parser.add_argument(
        "--frames",
        type=int_at_least(2),
        default=None,
        metavar="N",
        help="only N frames (a quicker demo)",
    )
    parser.add_argument("--seed", type=int, default=None, metavar="S", help="random seed")
    parser.add_argument(
        "--gt-labels",
        action="store_true",
        help="skip segmentation: run the pipeline from the ground-truth labels (no TensorFlow; "
        "scores measure + track + analyze alone)",
    )
    parser.add_argument(
        "--scheduler", metavar="WHERE", default=None, help="per-frame work, as in volltrack run"
    )
    parser.add_argument(
        "--workers", type=int_at_least(1), default=None, metavar="N", help="as in volltrack run"
    )
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


def _track_ground_truth(movie_dir: Path, out: Path, tracks) -> tuple[tuple, str]:
    """Measure the ground-truth labels into cells.csv and track them (the tracker alone).

    Returns the tracking check and the line to print.
    """
    from volltrack.evaluation import link_scores
    from volltrack.io import read_trackmate_graph
    from volltrack.measure import measure_files
    from volltrack.tracking import track

    out.mkdir(parents=True, exist_ok=True)
    cells_csv, xml = out / "cells.csv", out / "tracks.xml"
    start = time.perf_counter()
    measure_files(
        movie_dir / "labels.tif",
        movie_dir / "raw.tif",
        movie_dir / "tissue_mask.tif",
        out=cells_csv,
        overwrite=True,
    )
    track(cells_csv, out=xml, overwrite=True, **DEMO_TRACKER)
    elapsed = time.perf_counter() - start
    graph = read_trackmate_graph(xml)
    s = link_scores(graph.spots, graph.edges, tracks)
    line = (
        f"  tracker alone, on the ground-truth labels ({elapsed:.1f} s) → {xml}: "
        f"links {s.correct_links}/{s.predicted_links} correct of {s.gt_links} "
        f"(F1 {s.link_f1:.3f}); divisions {s.correct_divisions}/{s.predicted_divisions} "
        f"correct of {s.gt_divisions} (F1 {s.division_f1:.2f})"
    )
    check = (
        f"tracking the ground-truth labels: links F1 ≥ {MIN_LINK_F1}",
        bool(s.link_f1 >= MIN_LINK_F1),
        f"F1 {s.link_f1:.3f}",
    )
    return check, line


def _check_analysis(result) -> tuple[tuple[str, bool | None, str], str]:
    """The analysis written by the pipeline: its divisions are the tracker's split points."""
    import pandas as pd

    from volltrack.io import read_trackmate

    tracklets = pd.read_csv(result.analysis_dir / "tracklets.csv")
    spots = pd.read_csv(result.analysis_dir / "spots.csv")
    data = read_trackmate(result.tracks_xml)
    frame = data.spots.set_index("id")["frame"]
    src, tgt = data.edges["source"].to_numpy(), data.edges["target"].to_numpy()
    earlier = np.where(frame[src].to_numpy() < frame[tgt].to_numpy(), src, tgt)
    ids, counts = np.unique(earlier, return_counts=True)
    splits = set(ids[counts > 1].tolist())
    mothers = set(tracklets.loc[tracklets["end"] == "division", "last_spot_id"].tolist())
    inside = float(spots["inside"].mean()) if "inside" in spots and len(spots) else float("nan")
    n_tracks = tracklets["track_id"].nunique()
    line = (
        f"  analysis: {len(tracklets)} tracklets in {n_tracks} tracks, {len(mothers)} divisions; "
        f"{inside:.0%} of spots inside the tissue → {result.analysis_dir}"
    )
    check = (
        "analysis: the lineage's divisions are the tracker's split points",
        mothers == splits,
        f"{len(mothers)} of {len(splits)}",
    )
    return check, line


def demo_config(movie_dir: Path, results: Path, *, gt_labels: bool) -> str:
    """The demo's ``volltrack.toml`` (paths relative to the folder holding both)."""
    base = movie_dir.parent
    lines = [
        "# volltrack demo: the synthetic movie, the shipped models, BTrackmate",
        "[input]",
        f'raw = "{movie_dir.relative_to(base).as_posix()}/raw.tif"',
        f'mask = "{movie_dir.relative_to(base).as_posix()}/tissue_mask.tif"',
    ]
    if gt_labels:
        lines.append(f'labels = "{movie_dir.relative_to(base).as_posix()}/labels.tif"')
    lines += [
        "",
        "[output]",
        f'dir = "{results.relative_to(base).as_posix()}"',
        "",
        "[segment]",
        "# the shipped bundle's thresholds and SegmentSettings' defaults",
        "",
        "[track]",
        "min_tracklet_length = 0",
        "",
        "[track.tracker]",
    ]
    for key, value in DEMO_TRACKER.items():
        lines.append(f"{key} = {str(value).lower() if isinstance(value, bool) else value}")
    lines += ["", "[analyze]", 'figure_formats = ["png"]', ""]
    return "\n".join(lines)


def score_pipeline(result, movie, movie_dir: Path) -> dict[str, dict[str, float | int]]:
    """Scores of a pipeline result against the synthetic ground truth.

    Segmentation (when the pipeline segmented): AP, precision, recall at IoU 0.5 pooled over
    frames (StarDist matching). Tracking: the tracks exported as a CTC result
    (``results/ctc/01_RES``) and scored with py-ctcmetrics (DET, TRA, LNK, BC(0) division F1)
    plus link precision/recall on the matched cells.
    """
    from volltrack.evaluation import evaluate_tracking, segmentation_scores
    from volltrack.io import export_ctc, read_image

    scores: dict[str, dict[str, float | int]] = {}
    if result.segmentation_dir is not None:
        pred = read_image(result.labels).data
        seg = segmentation_scores(list(movie.labels), list(pred), taus=(0.5,))
        scores["segmentation (IoU ≥ 0.5)"] = {
            "AP@0.5": seg.value("ap", 0.5),
            "precision": seg.value("precision", 0.5),
            "recall": seg.value("recall", 0.5),
            "F1": seg.value("f1", 0.5),
            "cells (ground truth)": int(seg.value("n_true", 0.5)),
            "cells (found)": int(seg.value("n_pred", 0.5)),
        }
    res = result.out_dir / "ctc" / "01_RES"
    export_ctc(result.tracks_xml, result.labels, res, overwrite=True)
    t = evaluate_tracking(movie_dir / "01_GT", res)
    tracking: dict[str, float | int] = {
        "DET": t.det,
        "TRA": t.tra,
        "LNK": t.lnk,
        "division F1 (BC0)": t.division_f1,
        "divisions (ground truth)": t.gt_divisions,
        "divisions found correctly": t.division_tp,
        "divisions false": t.division_fp,
    }
    if t.links is not None:
        tracking["link precision"] = t.links.link_precision
        tracking["link recall"] = t.links.link_recall
    scores["tracking (py-ctcmetrics)"] = tracking
    return scores


def run(args: argparse.Namespace) -> int:
    """Generate, check, run the pipeline, score; return 0 when every check passes, else 1."""
    import json

    from rich.console import Console

    from volltrack._cli.run import progress_printer
    from volltrack._cli.synth import generate_with_progress
    from volltrack._pipeline import SCORES_FILE, run_pipeline
    from volltrack.io import write_text_atomic
    from volltrack.synthetic import movie_summary, preset_settings, write_movie

    console = Console(highlight=False)
    out = Path(args.out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not args.overwrite:
        raise InputError(f"{out}: folder is not empty (use --overwrite to replace the demo)")
    overrides: dict[str, object] = {} if args.seed is None else {"seed": args.seed}
    if args.frames is not None:
        overrides["n_frames"] = args.frames
    settings = preset_settings(args.preset, **overrides)
    if not args.gt_labels:
        from volltrack.segmentation import shipped_models_path

        if not (shipped_models_path() / "volltrack-models.json").is_file():
            raise InputError(
                f"{shipped_models_path()}: the shipped segmentation models are missing "
                "(use --gt-labels to run the demo from the ground-truth labels)"
            )

    start = time.perf_counter()
    movie = generate_with_progress(settings, args.quiet)
    generated = time.perf_counter() - start
    movie_dir = out / "movie"
    out.mkdir(parents=True, exist_ok=True)
    write_movie(movie, movie_dir, overwrite=args.overwrite)
    written = time.perf_counter() - start - generated
    summary = movie_summary(movie)

    console.print(f"[bold]volltrack demo[/bold] → {out}")
    console.print(
        f"synthetic movie ({args.preset}, seed {settings.seed}): {settings.n_frames} frames of "
        f"{settings.shape} voxels at {settings.voxel_size} µm, {settings.time_interval:g} s/frame "
        f"(generated in {generated:.1f} s, written in {written:.1f} s) → {movie_dir}"
    )
    console.print(f"  cells per frame:   {summary['cells_per_frame']}")
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
    for check in _checks(movie, movie_dir):
        report(*check)

    toml = out / "volltrack.toml"
    results = out / "results"
    if toml.exists() and args.overwrite:
        toml.unlink()
    write_text_atomic(toml, demo_config(movie_dir, results, gt_labels=args.gt_labels))
    # scores of an earlier demo (--overwrite) are not this run's
    (results / SCORES_FILE).unlink(missing_ok=True)
    what = "ground-truth labels" if args.gt_labels else "the shipped models"
    console.print(f"pipeline ({what}): volltrack run {toml}")
    start = time.perf_counter()
    with progress_printer(args.quiet) as progress:
        result = run_pipeline(
            toml,
            scheduler=args.scheduler,
            workers=args.workers,
            overwrite=args.overwrite,
            progress=progress,
        )
    for s in result.stages:
        took = f" ({s.seconds:.1f} s)" if s.status == "ran" else ""
        console.print(f"  {s.stage:<8} {s.status}{took}")
    console.print(f"  pipeline: {time.perf_counter() - start:.1f} s")
    check, line = _check_analysis(result)
    console.print(line)
    report(*check)

    console.print("scores against the ground truth:")
    scores = score_pipeline(result, movie, movie_dir)
    for section, values in scores.items():
        console.print(f"  {section}")
        for key, value in values.items():
            text = f"{value:.3f}" if isinstance(value, float) else str(value)
            console.print(f"    {key:<26} {text}")
    write_text_atomic(results / SCORES_FILE, json.dumps(scores, indent=2) + "\n")
    # the same pipeline again: every stage is unchanged but the report, which shows the scores
    again = run_pipeline(toml, overwrite=args.overwrite)
    report(
        "re-run: unchanged stages skipped, the report redone with the scores",
        again.ran == ("report",),
        f"ran {', '.join(again.ran) or 'nothing'}",
    )
    tracking = scores["tracking (py-ctcmetrics)"]
    report("CTC result valid and scored (py-ctcmetrics)", tracking["TRA"] == tracking["TRA"], "")

    check, line = _track_ground_truth(movie_dir, out / "gt-tracking", movie.tracks)
    console.print(line)
    report(*check)
    console.print(f"report: {result.report}")
    if failed:
        console.print(f"[red]{failed} check(s) failed[/red]")
        return 1
    console.print("all checks passed")
    return 0
