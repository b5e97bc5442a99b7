"""TrackMate XML files read by volltrack.io.read_trackmate (and read_trackmate_graph)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from volltrack import VolltrackError
from volltrack.io import read_trackmate, read_trackmate_graph

# (file, spots, edges, tracks) as documented in shared/fixtures/trackmate/README.md (every track)
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
    data = read_trackmate(trackmate_fixtures / name, all_tracks=True)
    assert len(data.spots) == n_spots
    assert len(data.edges) == n_edges
    assert len(data.tracks) == n_tracks == data.edges["track_id"].nunique()
    assert data.spots["id"].is_unique
    for column in (data.spots["id"], data.spots["frame"], data.edges["source"]):
        assert column.dtype == "int64"
    assert data.tracks["track_id"].dtype == "int64"
    assert {"POSITION_X", "POSITION_Y", "FRAME", "VISIBILITY"} <= set(data.spots.columns)
    # every declared feature is a column (NaN where no element carries it)
    for kind, table in (("spot", data.spots), ("edge", data.edges), ("track", data.tracks)):
        declared = set(data.features.loc[data.features["kind"] == kind, "feature"])
        declared -= {"ID", "SPOT_SOURCE_ID", "SPOT_TARGET_ID", "TRACK_ID"}
        assert declared <= set(table.columns), kind
    # TrackMate's own track features agree with the tables
    if n_tracks:
        per_track = data.edges.groupby("track_id").size()
        spots_per_track = (
            pd.concat(
                [data.edges[["track_id", "source"]].rename(columns={"source": "s"}),
                 data.edges[["track_id", "target"]].rename(columns={"target": "s"})]
            ).drop_duplicates().groupby("track_id").size()
        )  # fmt: skip
        tracks = data.tracks.set_index("track_id")
        assert (tracks["NUMBER_SPOTS"] == spots_per_track.reindex(tracks.index)).all()
        assert per_track.sum() == n_edges
    # every file in the fixtures is calibrated 1 pixel = 1, 1 s per frame (or frame units)
    assert data.voxel_size == (1.0, 1.0, 1.0) and data.time_interval == 1.0
    assert data.space_units == "pixel" and data.time_units in ("sec", "frame")
    assert data.image_filename in ("FakeTracks.tif", "LabelImage.tif")
    assert data.image_shape[0] >= 1 and data.image_shape[1] == 1
    assert read_trackmate_graph(trackmate_fixtures / name).spots.equals(data.spots)


def test_declarations_and_image(trackmate_fixtures):
    data = read_trackmate(trackmate_fixtures / "reader/LabelImage_TrackMate-7.0.0.xml")
    assert data.version == "7.0.0-SNAPSHOT"
    assert data.image_shape == (1, 1, 1024, 1024)
    assert data.image_path.name == "LabelImage.tif"
    assert data.image_folder.endswith("/features/")
    row = data.features.set_index("feature").loc["MEAN_INTENSITY_CH1"]
    assert row["kind"] == "spot" and row["dimension"] == "INTENSITY" and not row["isint"]
    assert data.features.set_index("feature").loc["FRAME", "isint"]
    assert {"AREA", "CIRCULARITY", "ELLIPSE_MAJOR"} <= set(data.spots.columns)
    assert data.filtered_track_ids == ()
    assert data.spots["name"].iloc[0].startswith("ID")


def test_edges_equal_the_fixture_csv(trackmate_fixtures):
    stem = trackmate_fixtures / "lap-conformance" / "trackmate_tracks_with_splitting_merging"
    data = read_trackmate(stem.with_suffix(".xml"))
    expected = pd.read_csv(f"{stem}_edges.csv")
    got = set(zip(data.edges["source"], data.edges["target"], strict=True))
    want = set(zip(expected["spot_source_id"], expected["spot_target_id"], strict=True))
    assert got == want
    merged = data.edges.merge(
        expected, left_on=["source", "target"], right_on=["spot_source_id", "spot_target_id"]
    )
    assert (merged["LINK_COST"] - merged["link_cost"]).abs().max() <= 1e-9 * merged[
        "link_cost"
    ].max()
    assert (merged["track_id_x"] == merged["track_id_y"]).all()


def test_invisible_spots_are_dropped_unless_all_tracks(trackmate_fixtures):
    path = trackmate_fixtures / "reader/FakeTracks_crop_TrackMate-3.7.0.xml"
    kept = read_trackmate(path)
    every = read_trackmate(path, all_tracks=True)
    assert len(every.spots) == 68 and (every.spots["VISIBILITY"] == 0).sum() == 56
    assert len(kept.spots) == 12 and (kept.spots["VISIBILITY"] == 1).all()
    assert len(kept.edges) == 10


def _drop_filtered_track(text: str, track_id: int) -> str:
    line = f'<TrackID TRACK_ID="{track_id}" />'
    assert line in text
    return text.replace(line, "")


def test_filtered_tracks_are_honoured(trackmate_fixtures, tmp_path):
    source = trackmate_fixtures / "lap-conformance/trackmate_tracks_with_splitting_merging.xml"
    full = read_trackmate(source)
    tracks = sorted(full.tracks["track_id"])
    path = tmp_path / "filtered.xml"
    path.write_text(_drop_filtered_track(source.read_text(), tracks[0]))
    kept = read_trackmate(path)
    every = read_trackmate(path, all_tracks=True)
    assert kept.filtered_track_ids == tuple(sorted(tracks[1:])) or set(
        kept.filtered_track_ids
    ) == set(tracks[1:])
    assert sorted(kept.tracks["track_id"]) == tracks[1:]
    assert every.tracks["filtered"].sum() == len(tracks) - 1 and len(every.tracks) == len(tracks)
    lost = full.edges[full.edges["track_id"] == tracks[0]]
    assert len(kept.edges) == len(full.edges) - len(lost)
    lost_spots = set(lost["source"]) | set(lost["target"])
    assert not (set(kept.spots["id"]) & lost_spots)
    assert len(kept.spots) == len(full.spots) - len(lost_spots)
    assert every.spots.equals(full.spots) and every.edges.equals(full.edges)


MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<TrackMate version="7.14.0"><Model spatialunits="micron" timeunits="sec">
<FeatureDeclarations><SpotFeatures>
<Feature feature="MEAN_INTENSITY_CH2" name="Mean ch2" shortname="M2" dimension="INTENSITY"
 isint="false"/>
</SpotFeatures></FeatureDeclarations>
<AllSpots nspots="2"><SpotsInFrame frame="0">
<Spot ID="0" name="a" FRAME="0" POSITION_X="1.0" POSITION_Y="2" POSITION_Z="0" VISIBILITY="1"/>
</SpotsInFrame><SpotsInFrame frame="1">
<Spot ID="{second}" name="b" FRAME="1" POSITION_X="1.5" POSITION_Y="2" POSITION_Z="0"
 VISIBILITY="1" Q="3"/>
</SpotsInFrame></AllSpots>
<AllTracks><Track name="Track_0" TRACK_ID="0">
<Edge SPOT_SOURCE_ID="0" SPOT_TARGET_ID="{target}" LINK_COST="{cost}"/>
</Track>{extra_track}</AllTracks><FilteredTracks><TrackID TRACK_ID="0"/></FilteredTracks></Model>
<Settings><ImageData filename="movie.tif" folder="/data" width="8" height="6" nslices="4"
 nframes="2" pixelwidth="0.5" pixelheight="0.5" voxeldepth="2.0" timeinterval="{interval}"/>
</Settings>
</TrackMate>
"""


def minimal(second=7, target=7, cost=0.25, interval="300", extra_track=""):
    return MINIMAL.format(
        second=second, target=target, cost=cost, interval=interval, extra_track=extra_track
    )


def test_minimal_file(tmp_path):
    path = tmp_path / "t.xml"
    path.write_text(minimal())
    data = read_trackmate(path)
    assert data.spots[["id", "frame"]].values.tolist() == [[0, 0], [7, 1]]
    assert data.spots["name"].tolist() == ["a", "b"]
    assert data.edges[["source", "target", "track_id"]].values.tolist() == [[0, 7, 0]]
    assert data.edges["LINK_COST"].tolist() == [0.25]
    # a declared feature no spot has, and an undeclared one only the second spot has: NaN
    assert data.spots["MEAN_INTENSITY_CH2"].isna().all()
    assert np.isnan(data.spots["Q"].iloc[0]) and data.spots["Q"].iloc[1] == 3
    assert data.voxel_size == (2.0, 0.5, 0.5) and data.time_interval == 300.0
    assert data.space_units == "micron" and data.time_units == "sec"
    assert data.image_shape == (2, 4, 6, 8) and str(data.image_path) == "/data/movie.tif"
    assert data.filtered_track_ids == (0,)
    assert data.tracks[["track_id", "name", "filtered"]].values.tolist() == [[0, "Track_0", True]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (minimal(target=9), r":14: <Edge> SPOT_TARGET_ID=9 refers to a spot which is not in"),
        (minimal(cost="cheap"), r":14: <Edge> attribute LINK_COST='cheap': expected a number"),
        (minimal(second=0, target=0), r":11: <Spot> ID=0: expected a unique spot ID"),
        (minimal(second="1.5"), r":11: <Spot>: attribute ID = 1.5 \(expected an integer\)"),
        (minimal(interval="x"), r"<ImageData> attribute timeinterval='x': expected a number"),
        (
            minimal(extra_track='<Track name="again" TRACK_ID="0"></Track>'),
            r":15: <Track> TRACK_ID=0: expected a unique track ID",
        ),
        (
            minimal().replace(' ID="7"', ""),
            r":11: <Spot>: attribute ID is missing or not a number \(expected an integer\)",
        ),
        ("<Other/>", r":1: root element is <Other>, expected <TrackMate>"),
        ("<TrackMate/>", r"<TrackMate> has no <Model>"),
        ("", r"not well-formed XML|empty file"),
        (minimal()[:300], r"not well-formed XML inside <"),
        (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            "<TrackMate>&e;</TrackMate>",
            r"DOCTYPE/ENTITY",
        ),
        (
            '<?xml version="1.0"?><!--' + "x" * 5000 + '--><!DOCTYPE x [<!ENTITY e "big">]>'
            "<TrackMate>&e;</TrackMate>",
            r"DOCTYPE/ENTITY",
        ),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "bad.xml"
    path.write_text(text)
    with pytest.raises(VolltrackError, match=message) as info:
        read_trackmate(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(VolltrackError, match="cannot read"):
        read_trackmate(tmp_path / "absent.xml")


PROBE = """
import resource, sys
import lxml.etree, numpy, pandas
from volltrack.io import read_trackmate
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
data = read_trackmate(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(data.spots), (after - before) * 1024)
"""


def test_memory_stays_bounded_by_the_tables(tmp_path, repo_root):
    """A 15 MB file of 40,000 spots with 33 numbers each: the parser never holds the tree.

    Measured as the growth of the peak resident memory of a fresh process (lxml's tree lives
    outside Python's allocator): about 2.5x the file size when streaming, over 20x when the
    elements are kept (checked by disabling the clearing: 350 MB).
    """
    n, feats = 40_000, 30
    attrs = " ".join(f'F{k}="{k}.5"' for k in range(feats))
    path = tmp_path / "big.xml"
    with open(path, "w") as fh:
        fh.write('<TrackMate version="8"><Model spatialunits="micron" timeunits="sec">')
        fh.write('<AllSpots><SpotsInFrame frame="0">')
        for i in range(n):
            fh.write(f'<Spot ID="{i}" name="ID{i}" FRAME="0" POSITION_X="{i}" {attrs}/>\n')
        fh.write("</SpotsInFrame></AllSpots><AllTracks/></Model></TrackMate>")
    env = {**os.environ, "PYTHONPATH": str(repo_root / "python")}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, env=env,
        timeout=120, check=True,
    )  # fmt: skip
    n_spots, grown = map(int, proc.stdout.split())
    assert n_spots == n
    assert grown < 5 * path.stat().st_size, (grown, path.stat().st_size)
