"""Tracklets and division graphs (volltrack.analysis.build_lineage), napari's Tracks layer data."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from volltrack import VolltrackError
from volltrack.analysis import (
    build_lineage,
    lineage_from_trackmate,
    msd,
    spot_motion,
    to_napari_tracks,
)
from volltrack.io import read_trackmate


def random_forest(seed: int, n_frames: int = 12):
    """Spots and edges of random lineages with divisions, merges, gaps and lonely spots.

    Returns the tables and the true number of divisions and merges.
    """
    rng = np.random.default_rng(seed)
    spots, edges = [], []
    next_id = [int(rng.integers(0, 1000))]

    def new_spot(frame):
        sid = next_id[0]
        next_id[0] += int(rng.integers(1, 4))
        spots.append({"id": sid, "frame": frame, "POSITION_X": rng.normal(), "POSITION_Y": 0.0})
        return sid

    alive = [(new_spot(0), 0) for _ in range(int(rng.integers(1, 4)))]
    divisions = merges = 0
    for frame in range(1, n_frames):
        nxt = []
        due = [(s, f) for s, f in alive if f < frame]  # a cell may skip a frame (gap)
        waiting = [(s, f) for s, f in alive if f >= frame]
        for s, f in due:
            if rng.random() < 0.15 and frame - f == 1 and frame < n_frames - 1:
                waiting.append((s, f))  # gap: reappears one frame later
                continue
            r = rng.random()
            if r < 0.1:
                continue  # the track ends
            if r < 0.3:
                divisions += 1
                for _ in range(2):
                    c = new_spot(frame)
                    edges.append((s, c))
                    nxt.append((c, frame))
            else:
                c = new_spot(frame)
                edges.append((s, c))
                nxt.append((c, frame))
        if len(nxt) >= 2 and rng.random() < 0.2:  # merge two cells into one
            (a, _), (b, _) = nxt[0], nxt[1]
            if frame < n_frames - 1:
                m = new_spot(frame + 1)
                edges.append((a, m))
                edges.append((b, m))
                merges += 1
                nxt = [*nxt[2:], (m, frame + 1)]
        if rng.random() < 0.2:
            new_spot(frame)  # a lonely spot
        alive = nxt + waiting
    spot_df = pd.DataFrame(spots)
    # edges in random direction: the lineage must orient them by frame
    pairs = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    flip = rng.random(len(pairs)) < 0.3
    pairs[flip] = pairs[flip][:, ::-1]
    edge_df = pd.DataFrame(pairs, columns=["source", "target"])
    return spot_df, edge_df, divisions, merges


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_random_forests(seed):
    spots, edges, divisions, merges = random_forest(seed)
    lin = build_lineage(spots, edges)
    frame_of = dict(zip(spots["id"], spots["frame"], strict=True))
    directed = {
        (s, t) if frame_of[s] < frame_of[t] else (t, s)
        for s, t in zip(edges["source"], edges["target"], strict=True)
    }
    in_edges = set(edges["source"]) | set(edges["target"])
    # every spot of a track is in exactly one tracklet; lonely spots are left out
    assert sorted(lin.spots["spot_id"]) == sorted(in_edges)
    assert lin.spots["spot_id"].is_unique
    # tracklets: frames strictly increasing, consecutive spots linked by an input edge
    used = set()
    for _, group in lin.spots.groupby("tracklet_id"):
        ids = group["spot_id"].tolist()
        assert group["frame"].is_monotonic_increasing and group["frame"].is_unique
        for a, b in itertools.pairwise(ids):
            assert (a, b) in directed
            used.add((a, b))
        gaps = np.diff(group["frame"].to_numpy())
        assert (group["frames_since_previous"].to_numpy()[1:] == gaps).all()
    # the links are exactly the other edges, from a parent's last spot to a child's first
    tl = lin.tracklets.set_index("tracklet_id")
    links = set()
    for row in lin.links.itertuples():
        assert row.parent_spot_id == tl.loc[row.parent_id, "last_spot_id"]
        assert row.child_spot_id == tl.loc[row.child_id, "first_spot_id"]
        links.add((row.parent_spot_id, row.child_spot_id))
    assert used | links == directed and not used & links
    # graph consistent with parent/children columns; generations count divisions
    for child, parents in lin.graph.items():
        assert tuple(parents) == tl.loc[child, "parent_ids"]
        for p in parents:
            assert child in tl.loc[p, "children_ids"]
        expected = max(tl.loc[p, "generation"] + (len(tl.loc[p, "children_ids"]) > 1)
                       for p in parents)  # fmt: skip
        assert tl.loc[child, "generation"] == expected
    roots = tl[tl["parent_ids"].map(len) == 0]
    assert (roots["generation"] == 0).all() and (roots["start"] == "root").all()
    assert lin.tracks["n_divisions"].sum() == divisions
    assert lin.tracks["n_merges"].sum() == merges
    assert (lin.tracklets["tracklet_id"] == np.arange(1, len(lin.tracklets) + 1)).all()
    # tracks are the connected components: a tracklet and its parents share a track
    for child, parents in lin.graph.items():
        assert {tl.loc[p, "track_id"] for p in parents} == {tl.loc[child, "track_id"]}
    # napari data: no duplicated (id, frame) rows, ids match the graph
    data, graph, features = to_napari_tracks(lin)
    assert not pd.DataFrame(data[:, :2]).duplicated().any()
    assert len(features) == len(data)
    assert set(graph) | {p for ps in graph.values() for p in ps} <= set(data[:, 0].astype(int))
    # motion: a predecessor for every spot but roots and merge children; MSD counts every pair
    motion = spot_motion(lin)
    no_pred = set(tl.loc[tl["start"] != "division", "first_spot_id"])
    assert set(motion.loc[motion["dt"].isna(), "spot_id"]) == no_pred
    assert (motion["dt"].dropna() > 0).all()
    n = lin.tracklets["n_spots"]
    assert msd(lin)["n_pairs"].sum() == int((n * (n - 1) // 2).sum())
    # stable: the same input in another row order gives the same tracklets
    shuffled = build_lineage(spots.sample(frac=1, random_state=1), edges.iloc[::-1])
    pd.testing.assert_frame_equal(shuffled.tracklets, lin.tracklets)
    # lonely spots kept on request, one track each
    with_lonely = build_lineage(spots, edges, lonely_spots=True)
    assert sorted(with_lonely.spots["spot_id"]) == sorted(spots["id"])


def _spots(rows):
    return pd.DataFrame(rows, columns=["id", "frame", "POSITION_X", "POSITION_Y"])


def test_known_division_frames():
    # mother 1→2→3 divides at frame 2 into 4→6 and 5→(gap)→7
    spots = _spots(
        [(1, 0, 0, 0), (2, 1, 1, 0), (3, 2, 2, 0), (4, 3, 3, 1), (5, 3, 3, -1),
         (6, 4, 4, 1), (7, 5, 5, -1)]
    )  # fmt: skip
    edges = pd.DataFrame({"source": [1, 2, 3, 3, 4, 7], "target": [2, 3, 4, 5, 6, 5]})
    lin = build_lineage(spots, edges, time_interval=10.0, space_units="micron", time_units="s")
    tl = lin.tracklets
    assert tl["start_frame"].tolist() == [0, 3, 3]
    assert tl["end_frame"].tolist() == [2, 4, 5]
    assert tl["generation"].tolist() == [0, 1, 1]
    assert tl["parent_ids"].tolist() == [(), (1,), (1,)]
    assert tl["children_ids"].tolist() == [(2, 3), (), ()]
    assert tl["end"].tolist() == ["division", "leaf", "leaf"]
    assert tl["n_gaps"].tolist() == [0, 0, 1]
    assert lin.spots.loc[lin.spots["spot_id"] == 7, "frames_since_previous"].item() == 2
    assert lin.spots.loc[lin.spots["spot_id"] == 7, "t"].item() == 50.0
    assert lin.graph == {2: [1], 3: [1]}
    assert lin.tracks["dividing"].tolist() == [True]
    assert lin.dividing_track_ids.tolist() == [0] and lin.non_dividing_track_ids.size == 0
    data, _, features = to_napari_tracks(lin)
    assert data.shape == (7, 5)
    assert data[:, 0].tolist() == [1, 1, 1, 2, 2, 3, 3]
    assert data[:, 1].tolist() == [0, 1, 2, 3, 4, 3, 5]
    assert features["spot_id"].tolist() == [1, 2, 3, 4, 6, 5, 7]
    assert features["generation"].tolist() == [0, 0, 0, 1, 1, 1, 1]


def test_merge_keeps_both_parents():
    spots = _spots([(1, 0, 0, 0), (2, 0, 5, 0), (3, 1, 2, 0), (4, 2, 2, 0)])
    edges = pd.DataFrame({"source": [1, 2, 3], "target": [3, 3, 4], "track_id": [9, 9, 9]})
    lin = build_lineage(spots, edges)
    assert lin.graph == {3: [1, 2]}
    assert lin.tracklets["start"].tolist() == ["root", "root", "merge"]
    assert lin.tracklets["generation"].tolist() == [0, 0, 0]
    assert lin.links["kind"].tolist() == ["merge", "merge"]
    assert lin.tracks[["track_id", "n_merges", "n_divisions"]].values.tolist() == [[9, 1, 0]]


@pytest.mark.parametrize(
    ("edges", "message"),
    [
        ({"source": [1], "target": [5]}, r"edges: target 5 is not a spot id"),
        ({"source": [1, 2], "target": [2, 1]}, r"the link 1–2 appears twice"),
        ({"source": [1], "target": [3]}, r"links two spots of frame 0"),
        ({"source": [1.5], "target": [2]}, r"column 'source' must hold integers"),
        (
            {"source": [1, 2], "target": [2, 4], "track_id": [0, 1]},
            r"spot 2 is in tracks [01] and [01]",
        ),
    ],
)
def test_bad_tables(edges, message):
    spots = _spots([(1, 0, 0, 0), (2, 1, 0, 0), (3, 0, 1, 0), (4, 2, 0, 0)])
    with pytest.raises(VolltrackError, match=message):
        build_lineage(spots, pd.DataFrame(edges))


def test_missing_column():
    with pytest.raises(VolltrackError, match="column 'POSITION_Y' is missing"):
        build_lineage(pd.DataFrame({"id": [1], "frame": [0], "POSITION_X": [0.0]}),
                      pd.DataFrame({"source": [], "target": []}))  # fmt: skip


FIXTURES = [
    "reader/FakeTracks_TrackMate-3.4.2.xml",
    "reader/FakeTracks_crop_TrackMate-3.7.0.xml",
    "reader/LabelImage_TrackMate-7.0.0.xml",
    "lap-conformance/trackmate_tracks_without_gap_closing.xml",
    "lap-conformance/trackmate_tracks_with_gap_closing.xml",
    "lap-conformance/trackmate_tracks_with_splitting.xml",
    "lap-conformance/trackmate_tracks_with_merging.xml",
    "lap-conformance/trackmate_tracks_with_splitting_merging.xml",
]


@pytest.mark.parametrize("name", FIXTURES)
def test_trackmate_branching_features_agree(trackmate_fixtures, name):
    """TrackMate's own NUMBER_SPLITS/MERGES/COMPLEX/GAPS/SPOTS per track are the oracle."""
    lin = lineage_from_trackmate(read_trackmate(trackmate_fixtures / name))
    t = lin.tracks
    if not len(t):
        assert len(lin.tracklets) == 0
        return
    # TrackMate counts a spot that both merges and splits as "complex", not as a split or merge
    assert (t["n_divisions"] == t["NUMBER_SPLITS"] + t["NUMBER_COMPLEX"]).all()
    assert (t["n_merges"] == t["NUMBER_MERGES"] + t["NUMBER_COMPLEX"]).all()
    assert (t["n_gaps"] == t["NUMBER_GAPS"]).all()
    assert (t["n_spots"] == t["NUMBER_SPOTS"]).all()
    assert (t["end_frame"] - t["start_frame"] == t["TRACK_DURATION"]).all()  # 1 s per frame


@pytest.mark.napari
def test_napari_tracks_layer_accepts_the_export(trackmate_fixtures):
    napari_layers = pytest.importorskip("napari.layers")
    path = trackmate_fixtures / "reader/FakeTracks_TrackMate-3.4.2.xml"
    lin = lineage_from_trackmate(read_trackmate(path))
    data, graph, features = to_napari_tracks(lin)
    assert any(len(p) == 2 for p in graph.values())  # a merge
    layer = napari_layers.Tracks(data, graph=graph, features=features, name="tracks")
    assert layer.graph == graph
    assert len(layer.features) == len(data)
    # napari keeps our row order, so the features stay aligned with the rows
    assert np.array_equal(layer.data, data)
    assert (layer.features["spot_id"].to_numpy() == features["spot_id"].to_numpy()).all()
    layer.color_by = "generation"
    assert layer.color_by == "generation"
    # and in a viewer model (no Qt): time is the first of 4 dims, the graph is drawn
    from napari.components import ViewerModel

    viewer = ViewerModel()
    added = viewer.add_tracks(data, graph=graph, features=features)
    assert viewer.dims.ndim == 4 and added.display_graph
    assert viewer.dims.range[0].stop == data[:, 1].max()
