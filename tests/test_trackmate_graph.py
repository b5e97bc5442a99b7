"""Spots and edges of TrackMate XML files, read by volltrack.io.read_trackmate_graph."""

from __future__ import annotations

import pandas as pd
import pytest

from volltrack import VolltrackError
from volltrack.io import read_trackmate_graph

# (file, spots, edges, tracks) as documented in shared/fixtures/trackmate/README.md
COUNTS = [
    ("reader/FakeTracks_TrackMate-3.4.2.xml", 243, 230, 4),
    ("reader/FakeTracks_crop_TrackMate-3.7.0.xml", 68, 10, 2),
    ("reader/LabelImage_TrackMate-7.0.0.xml", 469, 0, 0),
    ("lap-conformance/trackmate_tracks_without_gap_closing.xml", 134, 127, 6),
    ("lap-conformance/trackmate_tracks_with_gap_closing.xml", 134, 128, 5),
    ("lap-conformance/trackmate_tracks_with_splitting.xml", 134, 130, 3),
    ("lap-conformance/trackmate_tracks_with_merging.xml", 134, 129, 4),
    ("lap-conformance/trackmate_tracks_with_splitting_merging.xml", 183, 180, 4),
]


@pytest.mark.parametrize(("name", "n_spots", "n_edges", "n_tracks"), COUNTS)
def test_fixture_counts(trackmate_fixtures, name, n_spots, n_edges, n_tracks):
    graph = read_trackmate_graph(trackmate_fixtures / name)
    assert len(graph.spots) == n_spots
    assert len(graph.edges) == n_edges
    assert graph.edges["track_id"].nunique() == n_tracks
    assert graph.spots["id"].is_unique
    assert graph.spots["id"].dtype == "int64" and graph.edges["source"].dtype == "int64"
    assert {"POSITION_X", "POSITION_Y", "FRAME", "VISIBILITY"} <= set(graph.spots.columns)


def test_edges_equal_the_fixture_csv(trackmate_fixtures):
    stem = trackmate_fixtures / "lap-conformance" / "trackmate_tracks_with_splitting_merging"
    graph = read_trackmate_graph(stem.with_suffix(".xml"))
    expected = pd.read_csv(f"{stem}_edges.csv")
    got = set(zip(graph.edges["source"], graph.edges["target"], strict=True))
    want = set(zip(expected["spot_source_id"], expected["spot_target_id"], strict=True))
    assert got == want
    merged = graph.edges.merge(
        expected, left_on=["source", "target"], right_on=["spot_source_id", "spot_target_id"]
    )
    assert (merged["LINK_COST"] - merged["link_cost"]).abs().max() <= 1e-9 * merged[
        "link_cost"
    ].max()


MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<TrackMate version="7.14.0"><Model spatialunits="micron" timeunits="sec">
<AllSpots nspots="2"><SpotsInFrame frame="0">
<Spot ID="0" name="a" FRAME="0" POSITION_X="1.0" POSITION_Y="2" POSITION_Z="0" VISIBILITY="1"/>
</SpotsInFrame><SpotsInFrame frame="1">
<Spot ID="7" name="b" FRAME="1" POSITION_X="1.5" POSITION_Y="2" POSITION_Z="0" VISIBILITY="1"/>
</SpotsInFrame></AllSpots>
<AllTracks><Track name="Track_0" TRACK_ID="0">
<Edge SPOT_SOURCE_ID="0" SPOT_TARGET_ID="{target}" LINK_COST="{cost}"/>
</Track></AllTracks><FilteredTracks><TrackID TRACK_ID="0"/></FilteredTracks></Model></TrackMate>
"""


def test_minimal_file(tmp_path):
    path = tmp_path / "t.xml"
    path.write_text(MINIMAL.format(target=7, cost=0.25))
    graph = read_trackmate_graph(path)
    assert graph.spots[["id", "frame"]].values.tolist() == [[0, 0], [7, 1]]
    assert graph.spots["name"].tolist() == ["a", "b"]
    assert graph.edges[["source", "target", "track_id"]].values.tolist() == [[0, 7, 0]]
    assert graph.edges["LINK_COST"].tolist() == [0.25]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (MINIMAL.format(target=9, cost=1), r"refers to spot 9, which is not in AllSpots"),
        (MINIMAL.format(target=7, cost="cheap"), r":9: <Edge> attribute LINK_COST='cheap'"),
        ("<Other/>", r"root element is <Other>, expected <TrackMate>"),
        ("", r"not well-formed XML|empty file"),
        (MINIMAL[:300], r"not well-formed XML"),
        (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            "<TrackMate>&e;</TrackMate>",
            r"DOCTYPE/ENTITY",
        ),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "bad.xml"
    path.write_text(text)
    with pytest.raises(VolltrackError, match=message) as info:
        read_trackmate_graph(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(VolltrackError, match="cannot read"):
        read_trackmate_graph(tmp_path / "absent.xml")
