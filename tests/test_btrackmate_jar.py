"""BTrackmate's jar driven from Python: TrackMate's edges on the conformance files, clear errors."""

from __future__ import annotations

import subprocess

import pandas as pd
import pytest

from volltrack._jars import find_jars
from volltrack.io import read_trackmate_graph
from volltrack.tracking import TrackingError, java_executable, run_btrackmate

pytestmark = pytest.mark.jvm

CONFORMANCE = [
    "trackmate_tracks_without_gap_closing",
    "trackmate_tracks_with_gap_closing",
    "trackmate_tracks_with_splitting",
    "trackmate_tracks_with_merging",
    "trackmate_tracks_with_splitting_merging",
]


@pytest.mark.parametrize("stem", CONFORMANCE)
def test_cells_csv_with_trackmate_settings_gives_trackmate_edges(
    trackmate_fixtures, tmp_path, stem
):
    folder = trackmate_fixtures / "lap-conformance"
    out = tmp_path / "tracks.xml"
    run_btrackmate(
        ["--cells", str(folder / f"{stem}_spots.csv"), "--tracker-settings",
         str(folder / f"{stem}.xml"), "--out", str(out), "--quiet"]
    )  # fmt: skip
    got = read_trackmate_graph(out).edges
    want = pd.read_csv(folder / f"{stem}_edges.csv")
    assert set(zip(got["source"], got["target"], strict=True)) == set(
        zip(want["spot_source_id"], want["spot_target_id"], strict=True)
    )
    merged = got.merge(
        want, left_on=["source", "target"], right_on=["spot_source_id", "spot_target_id"]
    )
    rel = (merged["LINK_COST"] - merged["link_cost"]).abs() / merged["link_cost"].abs()
    assert len(merged) == len(want) and rel.max() <= 1e-9


def test_bad_input_is_a_one_line_tracking_error_and_writes_nothing(tmp_path):
    cells = tmp_path / "cells.csv"
    cells.write_text("frame,x,y,z\n0,1,2,0\n-1,1,2,0\n")
    out = tmp_path / "tracks.xml"
    with pytest.raises(TrackingError) as info:
        run_btrackmate(["--cells", str(cells), "--out", str(out)])
    message = str(info.value)
    assert "\n" not in message and "cells.csv" in message and "row 3" in message
    assert not out.exists()


def test_java_minus_jar_reads_a_label_image_with_imagej_from_the_manifest_class_path(tmp_path):
    import numpy as np

    from volltrack.io import write_imagej_tzyx

    labels = np.zeros((2, 1, 8, 8), dtype=np.uint16)
    labels[0, 0, 2:4, 2:4] = 5
    labels[1, 0, 3:5, 2:4] = 5
    write_imagej_tzyx(
        tmp_path / "labels.tif", labels, voxel_size=(1.0, 0.5, 0.5), time_interval=2.0
    )
    out = tmp_path / "tracks.xml"
    proc = subprocess.run(
        [java_executable(), "-jar", str(find_jars().btrackmate), "--labels",
         str(tmp_path / "labels.tif"), "--out", str(out), "--quiet"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    graph = read_trackmate_graph(out)
    assert graph.spots["LABEL"].tolist() == [5, 5]
    assert graph.spots["POSITION_Y"].tolist() == pytest.approx([1.25, 1.75])
    assert graph.edges[["source", "target"]].values.tolist() == [[0, 1]]
