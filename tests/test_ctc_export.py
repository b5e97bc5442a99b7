"""CTC and GEFF exports of a lineage, and ``volltrack evaluate tracking``.

Oracles: the synthetic generator's exact CTC ground truth (its graph exported to CTC must give back
``man_track.txt`` up to renaming), py-ctcmetrics' validity check and scores, geff's own reader,
and the TrackMate file's own edges (links and divisions must survive the export).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from volltrack.analysis import build_lineage, lineage_from_trackmate
from volltrack.evaluation import evaluate_tracking, link_scores
from volltrack.io import (
    ctc_tracks_from_lineage,
    ctcmetrics_valid,
    export_ctc,
    export_geff,
    read_ctc_masks,
    read_ctc_tracks,
    read_trackmate,
    relabel_by_track,
    validate_ctc,
    write_ctc_result,
    write_geff,
)
from volltrack.synthetic import generate_movie, preset_settings, write_movie

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def movie_dir(tmp_path_factory):
    """A small synthetic movie with divisions and gaps (missed detections), written to disk."""
    settings = preset_settings(
        "small", seed=2, missed_detection_prob=0.03, n_frames=8, shape=(10, 64, 64), n_cells=12
    )
    movie = generate_movie(settings)
    kinds = movie.tracks["parent_kind"].value_counts()
    assert kinds.get("gap", 0) >= 1 and kinds.get("division", 0) >= 2
    folder = tmp_path_factory.mktemp("movie")
    write_movie(movie, folder)
    return movie, folder


def gt_graph(movie) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ground truth as a spot graph: one spot per (frame, label), its CTC links as edges."""
    rows, key = [], {}
    vz, vy, vx = movie.voxel_size
    for t in range(movie.labels.shape[0]):
        frame = movie.labels[t]
        for lab in np.unique(frame[frame > 0]):
            z, y, x = np.argwhere(frame == lab).mean(axis=0)
            key[(int(lab), t)] = len(rows)
            rows.append((len(rows), t, int(lab), x * vx, y * vy, z * vz, 60.0 * t, 3.0))
    spots = pd.DataFrame(
        rows,
        columns=[
            *("id", "frame", "LABEL", "POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T"),
            "RADIUS",
        ],
    )
    edges = []
    tracks = movie.tracks
    ends = dict(zip(tracks["label"], tracks["end"], strict=True))
    for label, start, end, parent in tracks[["label", "start", "end", "parent"]].itertuples(
        index=False
    ):
        edges += [(key[(label, t)], key[(label, t + 1)]) for t in range(start, end)]
        if parent:
            edges.append((key[(parent, ends[parent])], key[(label, start)]))
    return spots, pd.DataFrame(edges, columns=["source", "target"])


def rename_to_gt(masks: np.ndarray, gt_labels: np.ndarray) -> dict[int, int]:
    """Exported label -> ground-truth label, checking the two movies are the same partition."""
    pairs = np.unique(np.stack([masks.ravel(), gt_labels.ravel()]), axis=1)
    assert np.array_equal(pairs[0] == 0, pairs[1] == 0)
    pairs = pairs[:, pairs[0] > 0]
    assert len(np.unique(pairs[0])) == pairs.shape[1] == len(np.unique(pairs[1]))
    return dict(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True))


def test_ground_truth_graph_exports_back_to_man_track(movie_dir, tmp_path):
    movie, gt_folder = movie_dir
    spots, edges = gt_graph(movie)
    lineage = build_lineage(spots, edges, lonely_spots=True)
    ctc = ctc_tracks_from_lineage(lineage)
    assert ctc.tracks["label"].tolist() == list(range(1, len(ctc.tracks) + 1))
    assert ctc.dropped_links.empty
    masks = relabel_by_track(movie.labels, lineage.spots, ctc.spot_track)
    assert validate_ctc(masks, ctc.tracks) == []
    write_ctc_result(tmp_path / "01_RES", ctc.tracks, masks)
    ok, warns = ctcmetrics_valid(tmp_path / "01_RES")
    assert ok, warns
    # Same tracks, parents and frames as man_track.txt, up to renaming.
    rename = rename_to_gt(read_ctc_masks(tmp_path / "01_RES"), movie.labels)
    back = read_ctc_tracks(tmp_path / "01_RES" / "res_track.txt")
    back["label"] = back["label"].map(rename)
    back["parent"] = back["parent"].map(lambda p: rename.get(p, 0))
    expected = movie.tracks[["label", "start", "end", "parent"]]
    pd.testing.assert_frame_equal(
        back.sort_values("label").reset_index(drop=True),
        expected.sort_values("label").reset_index(drop=True),
    )
    # Gap-closed parts became child tracks, as in the ground truth.
    assert (movie.tracks["parent_kind"] == "gap").sum() >= 1
    scores = evaluate_tracking(gt_folder / "01_GT", tmp_path / "01_RES")
    assert scores.valid and scores.det == 1.0 and scores.tra == 1.0 and scores.lnk == 1.0
    assert scores.division_f1 == 1.0 and scores.division_tp == scores.gt_divisions >= 2
    assert scores.links.link_f1 == 1.0 and scores.links.division_f1 == 1.0


def test_cutting_rules_on_a_hand_made_graph():
    # 1 → 2 ⇒ {3, 4} (division); 4 ⇢ 6 skips frame 3 (gap); 5 and 6 merge into 7; 8 alone.
    spots = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6, 7, 8],
            "frame": [0, 1, 2, 2, 3, 4, 5, 0],
            "POSITION_X": 0.0,
            "POSITION_Y": 0.0,
        }
    )
    edges = pd.DataFrame({"source": [1, 2, 2, 4, 3, 5, 6], "target": [2, 3, 4, 6, 5, 7, 7]})
    ctc = ctc_tracks_from_lineage(build_lineage(spots, edges, lonely_spots=True))
    by_spot = ctc.spot_track
    tracks = ctc.tracks.set_index("label")
    mother, d3, d4 = by_spot[1], by_spot[3], by_spot[4]
    assert by_spot[2] == mother and by_spot[5] == d3
    assert tracks.loc[mother, ["start", "end", "parent"]].tolist() == [0, 1, 0]
    assert tracks.loc[d3, ["start", "end", "parent"]].tolist() == [2, 3, mother]
    assert tracks.loc[d4, ["start", "end", "parent"]].tolist() == [2, 2, mother]
    after_gap = by_spot[6]
    assert after_gap != d4 and tracks.loc[after_gap].tolist() == [4, 4, d4]
    merged = by_spot[7]
    assert tracks.loc[merged].tolist() == [5, 5, d3]  # parent: the lower tracklet id
    assert ctc.dropped_links.values.tolist() == [[6, 7]]
    assert tracks.loc[by_spot[8]].tolist() == [0, 0, 0]
    assert sorted(tracks.index) == list(range(1, 7))


def test_geff_round_trip(movie_dir, tmp_path):
    import geff

    movie, _ = movie_dir
    spots, edges = gt_graph(movie)
    edges = edges.assign(LINK_COST=np.arange(len(edges), dtype=float))
    lineage = build_lineage(spots, edges, space_units="micron", time_units="sec")
    path = write_geff(tmp_path / "tracks.geff", lineage, edges)
    graph, meta = geff.read(str(path))
    assert sorted(graph.nodes) == sorted(lineage.spots["spot_id"].tolist())
    got = {(int(s), int(t)): d["LINK_COST"] for s, t, d in graph.edges(data=True)}
    pairs = zip(edges["source"], edges["target"], strict=True)
    want = dict(zip(pairs, edges["LINK_COST"], strict=True))
    assert got == want
    nodes = pd.DataFrame.from_dict(dict(graph.nodes(data=True)), orient="index").sort_index()
    ref = lineage.spots.set_index("spot_id").sort_index()
    for col in ("x", "y", "z", "t", "frame", "tracklet_id", "track_id", "LABEL"):
        np.testing.assert_allclose(nodes[col].to_numpy(float), ref[col].to_numpy(float))
    np.testing.assert_allclose(nodes["radius"], 3.0)
    assert meta.track_node_props == {"tracklet": "tracklet_id", "lineage": "track_id"}
    assert meta.sphere == "radius"
    assert [(a.name, a.unit) for a in meta.axes] == [
        ("t", "second"),
        ("z", "micrometer"),
        ("y", "micrometer"),
        ("x", "micrometer"),
    ]
    # Divisions survive: nodes with two successors are the ground truth's mothers' last spots.
    mothers = {n for n in graph.nodes if graph.out_degree(n) == 2}
    gt_div = movie.tracks.loc[movie.tracks["parent_kind"] == "division", "parent"].unique()
    assert len(mothers) == len(gt_div)
    with pytest.raises(Exception, match="exists"):
        write_geff(path, lineage, edges)


def test_relabel_errors_are_one_line(movie_dir):
    movie, _ = movie_dir
    spots, edges = gt_graph(movie)
    lineage = build_lineage(spots, edges)
    ctc = ctc_tracks_from_lineage(lineage)
    wrong = movie.labels.copy()
    lab = int(lineage.spots["LABEL"].iloc[0])
    wrong[int(lineage.spots["frame"].iloc[0])][
        wrong[int(lineage.spots["frame"].iloc[0])] == lab
    ] = 0
    with pytest.raises(ValueError, match=r"label \d+ is not in frame \d+") as info:
        relabel_by_track(wrong, lineage.spots, ctc.spot_track)
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="no 'LABEL' column"):
        relabel_by_track(movie.labels, lineage.spots.drop(columns="LABEL"), ctc.spot_track)


# ---- BTrackmate on the ground-truth labels (as the demo does) ---------------------------------


@pytest.fixture(scope="module")
def tracked(movie_dir, tmp_path_factory):
    from volltrack._cli.demo import DEMO_TRACKER
    from volltrack.measure import measure_files
    from volltrack.tracking import run_btrackmate

    movie, folder = movie_dir
    out = tmp_path_factory.mktemp("tracked")
    measure_files(folder / "labels.tif", folder / "raw.tif", out=out / "cells.csv")
    args = ["--cells", str(out / "cells.csv"), "--out", str(out / "tracks.xml"), "--quiet"]
    for key, value in DEMO_TRACKER.items():
        args += [f"--{key}", str(value).lower() if isinstance(value, bool) else str(value)]
    run_btrackmate(args)
    return movie, folder, out / "tracks.xml"


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "volltrack.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


@pytest.mark.jvm
def test_btrackmate_tracks_export_to_ctc_with_their_links(tracked, tmp_path):
    movie, folder, xml = tracked
    result = export_ctc(xml, folder / "labels.tif", tmp_path / "01_RES")
    ok, warns = ctcmetrics_valid(tmp_path / "01_RES")
    assert ok, warns
    # Rebuild the links from the files alone and compare with the XML's edges.
    data = read_trackmate(xml)
    masks = read_ctc_masks(tmp_path / "01_RES")
    tracks = read_ctc_tracks(tmp_path / "01_RES" / "res_track.txt")
    spot_of = {}
    for sid, t, lab in data.spots[["id", "frame", "LABEL"]].itertuples(index=False):
        values = np.unique(masks[int(t)][movie.labels[int(t)] == int(lab)])
        assert len(values) == 1 and values[0] > 0
        spot_of[(int(values[0]), int(t))] = int(sid)
    ends = dict(zip(tracks["label"], tracks["end"], strict=True))
    rebuilt = set()
    for label, start, end, parent in tracks.itertuples(index=False):
        rebuilt |= {(spot_of[(label, t)], spot_of[(label, t + 1)]) for t in range(start, end)}
        if parent:
            rebuilt.add((spot_of[(parent, ends[parent])], spot_of[(label, start)]))
    frame = dict(zip(data.spots["id"], data.spots["frame"], strict=True))
    original = {
        (s, t) if frame[s] < frame[t] else (t, s)
        for s, t in data.edges[["source", "target"]].itertuples(index=False)
    }
    dropped = set(map(tuple, result.dropped_links.values.tolist()))
    assert rebuilt == original - dropped
    # Divisions: the same mothers.
    out_deg = pd.Series([s for s, _ in original]).value_counts()
    mothers = set(out_deg[out_deg >= 2].index)
    children = tracks[tracks["parent"] > 0].groupby("parent").size()
    assert {spot_of[(p, ends[p])] for p in children[children >= 2].index} == mothers
    # Scores: high TRA, and the link scores on matched cells equal those on the XML's LABELs.
    scores = evaluate_tracking(folder / "01_GT", tmp_path / "01_RES")
    assert scores.valid and scores.tra > 0.95 and scores.det > 0.99
    direct = link_scores(data.spots, data.edges, movie.tracks)
    assert scores.links == direct


@pytest.mark.jvm
def test_spots_without_label_take_the_segment_under_their_centre(tracked, tmp_path):
    import re

    _, folder, xml = tracked
    with_label = export_ctc(xml, folder / "labels.tif", tmp_path / "A")
    stripped = tmp_path / "nolabel.xml"
    text = xml.read_text(encoding="utf-8")
    stripped.write_text(re.sub(r' LABEL="[^"]*"', "", text), encoding="utf-8")
    assert "LABEL=" not in stripped.read_text(encoding="utf-8").split("<AllSpots")[1]
    by_position = export_ctc(stripped, folder / "labels.tif", tmp_path / "B")
    assert with_label.matched_by == "LABEL" and by_position.matched_by == "position"
    pd.testing.assert_frame_equal(with_label.tracks, by_position.tracks)
    np.testing.assert_array_equal(read_ctc_masks(tmp_path / "A"), read_ctc_masks(tmp_path / "B"))
    # A voxel size that puts the centres elsewhere is refused in one line, not silently wrong.
    with pytest.raises(ValueError, match=r"outside the label movie|on background") as info:
        export_ctc(stripped, folder / "labels.tif", tmp_path / "C", voxel_size=(0.1, 0.1, 0.1))
    assert "\n" not in str(info.value)


@pytest.mark.jvm
def test_cli_export_and_evaluate(tracked, tmp_path):
    _, folder, xml = tracked
    res = _cli("export", "ctc", xml, "--labels", folder / "labels.tif", "--out", tmp_path / "R")
    assert res.returncode == 0, res.stderr
    again = _cli("export", "ctc", xml, "--labels", folder / "labels.tif", "--out", tmp_path / "R")
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert "--overwrite" in again.stderr
    csv = tmp_path / "scores.csv"
    ev = _cli("evaluate", "tracking", folder / "01_GT", tmp_path / "R", "--out", csv)
    assert ev.returncode == 0, ev.stderr
    assert "TRA" in ev.stdout and "link F1" in ev.stdout
    row = pd.read_csv(csv).iloc[0]
    assert row["valid"] and row["tra"] > 0.95
    ev_xml = _cli(
        "evaluate", "tracking", folder / "01_GT" / "TRA", xml, "--labels", folder / "labels.tif"
    )
    assert ev_xml.returncode == 0, ev_xml.stderr
    assert f"{row['tra']:.4f}" in ev_xml.stdout
    no_labels = _cli("evaluate", "tracking", folder / "01_GT", xml)
    assert no_labels.returncode == 2 and "needs --labels" in no_labels.stderr
    assert no_labels.stderr.count("\n") == 1
    geff_out = _cli("export", "geff", xml, "--out", tmp_path / "t.geff")
    assert geff_out.returncode == 0, geff_out.stderr
    import geff

    graph, _ = geff.read(str(tmp_path / "t.geff"))
    lineage = lineage_from_trackmate(read_trackmate(xml), lonely_spots=True)
    assert graph.number_of_nodes() == len(lineage.spots)
    assert graph.number_of_edges() == len(read_trackmate(xml).edges)


def test_export_geff_of_a_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(ValueError) as info:
        export_geff(tmp_path / "missing.xml", tmp_path / "x.geff")
    assert "\n" not in str(info.value)


def test_evaluate_cli_errors_are_one_line(movie_dir, tmp_path):
    movie, folder = movie_dir
    spots, edges = gt_graph(movie)
    lineage = build_lineage(spots, edges, lonely_spots=True)
    ctc = ctc_tracks_from_lineage(lineage)
    masks = relabel_by_track(movie.labels, lineage.spots, ctc.spot_track)
    # A valid result of the first 5 frames only: the tracks that end before frame 5.
    first = ctc.tracks[ctc.tracks["end"] < 5]
    short = tmp_path / "short"
    write_ctc_result(short, first, np.where(np.isin(masks[:5], first["label"]), masks[:5], 0))
    cases = [
        (("evaluate", "tracking", tmp_path, short), "no TRA/man_track.txt"),
        (("evaluate", "tracking", folder / "01_GT", tmp_path), "no res_track.txt"),
        (("evaluate", "tracking", folder / "01_GT", short), "5 mask files, the ground truth has 8"),
        (("evaluate", "tracking", folder / "01_GT", tmp_path / "nothing"), "no such file"),
    ]
    for args, message in cases:
        result = _cli(*args)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
