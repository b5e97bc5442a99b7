"""``volltrack analyze``: tables and figures written atomically, one-line errors with exit 2."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from volltrack.analysis import AnalysisSettings, boundary_distance, lineage_from_trackmate
from volltrack.cli import main
from volltrack.io import read_image, read_trackmate, write_imagej_tzyx

XML = "reader/FakeTracks_TrackMate-3.4.2.xml"
TABLES = ["spots", "tracklets", "tracks", "links", "divisions", "msd", "msd_ensemble",
          "population", "intensity", "intensity_spectra", "intensity_peaks"]  # fmt: skip


@pytest.fixture
def xml(trackmate_fixtures):
    return trackmate_fixtures / XML


@pytest.fixture
def mask_tif(tmp_path):
    """A TZYX mask (Z = 1) of the FakeTracks movie: a disc of radius 40 px at (64, 64)."""
    yy, xx = np.mgrid[0:128, 0:128]
    disc = ((yy - 64) ** 2 + (xx - 64) ** 2 <= 40**2).astype(np.uint8)
    mask = np.broadcast_to(disc, (50, 1, 128, 128)).copy()
    return write_imagej_tzyx(tmp_path / "mask.tif", mask, (1.0, 1.0, 1.0), 1.0)


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def test_tables_figures_and_manifest(xml, tmp_path, mask_tif):
    out = tmp_path / "analysis"
    assert main(["analyze", str(xml), "--mask", str(mask_tif), "--out", str(out), "--quiet"]) == 0
    for name in TABLES:
        assert (out / f"{name}.csv").is_file(), name
    for name in ("population", "speed", "msd", "boundary", "intensity_MEAN_INTENSITY"):
        for ext in ("png", "svg"):
            assert (out / f"{name}.{ext}").stat().st_size > 1000, name
    assert (out / "population.png").read_bytes()[:4] == b"\x89PNG"
    data = read_trackmate(xml)
    lin = lineage_from_trackmate(data)
    spots = pd.read_csv(out / "spots.csv")
    assert len(spots) == len(lin.spots) == 233  # 243 spots, 10 of them in no track
    tracklets = pd.read_csv(out / "tracklets.csv", keep_default_na=False)
    assert tracklets["parent_ids"].tolist() == [
        ";".join(map(str, p)) for p in lin.tracklets["parent_ids"]
    ]
    # the boundary distance in the table is boundary_distance() of the mask
    expected = boundary_distance(lin, read_image(mask_tif).data, (1.0, 1.0, 1.0))
    np.testing.assert_allclose(
        spots.set_index("spot_id").loc[expected["spot_id"], "distance_to_boundary"],
        expected["distance_to_boundary"],
    )
    manifest = json.loads((out / "analysis.json").read_text())
    assert manifest["counts"] == {"spots": 233, "tracklets": 13, "tracks": 4, "divisions": 3,
                                  "merges": 2}  # fmt: skip
    assert manifest["notes"] == [
        "MEAN_INTENSITY: 1 tracklet(s) with gaps were interpolated onto an even time grid for "
        "their spectrum"
    ]
    assert sorted(manifest["files"]) == sorted(p.name for p in out.iterdir() if
                                               p.name != "analysis.json")  # fmt: skip
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_parquet_and_channel_feature(xml, tmp_path):
    pytest.importorskip("pyarrow")
    out = tmp_path / "pq"
    args = ["analyze", str(xml), "--out", str(out), "--format", "parquet", "--quiet",
            "--channel-feature", "QUALITY", "TOTAL_INTENSITY"]  # fmt: skip
    assert main(args) == 0
    tracklets = pd.read_parquet(out / "tracklets.parquet")
    assert [list(p) for p in tracklets["children_ids"]][:1] == [[2, 3]]
    peaks = pd.read_parquet(out / "intensity_peaks.parquet")
    assert set(peaks["feature"]) == {"QUALITY", "TOTAL_INTENSITY"}
    assert not (out / "boundary.png").exists()  # no mask, no boundary figure


def test_existing_output_is_kept_without_overwrite(xml, tmp_path, capsys):
    out = tmp_path / "analysis"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    assert main(["analyze", str(xml), "--out", str(out), "--quiet"]) == 2
    assert "already exists (use --overwrite" in one_error_line(capsys)
    assert (out / "mine.txt").read_text() == "keep"
    assert main(["analyze", str(xml), "--out", str(out), "--quiet", "--overwrite"]) == 0
    assert not (out / "mine.txt").exists() and (out / "spots.csv").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["analysis"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--channel-feature", "NOPE"], r"spot feature 'NOPE' not found"),
        (["--mask", "MISSING"], r"no such file"),
        (["--mask", "SHORT"], r"tissue mask has 2 frames .* frame 49"),
        (["--time-interval", "-1"], r"time_interval: Input should be greater than 0"),
    ],
)
def test_errors_are_one_line_and_write_nothing(xml, tmp_path, capsys, extra, message):
    short = write_imagej_tzyx(
        tmp_path / "short.tif", np.ones((2, 1, 8, 8), np.uint8), (1.0, 1.0, 1.0), 1.0
    )
    extra = [str(short) if e == "SHORT" else str(tmp_path / "m.tif") if e == "MISSING" else e
             for e in extra]  # fmt: skip
    out = tmp_path / "analysis"
    assert main(["analyze", str(xml), "--out", str(out), "--quiet", *extra]) == 2
    line = one_error_line(capsys)
    assert line.startswith("volltrack analyze: error: ")
    assert re.search(message, line), line
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["short.tif"]


def test_bad_xml_is_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.xml"
    bad.write_text("<TrackMate><Model><AllSpots>")
    assert main(["analyze", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "bad.xml" in one_error_line(capsys)


def test_all_tracks_flag(xml, tmp_path):
    text = xml.read_text().replace('<TrackID TRACK_ID="0" />', "")
    path = tmp_path / "filtered.xml"
    path.write_text(text)
    assert main(["analyze", str(path), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert (
        main(["analyze", str(path), "--out", str(tmp_path / "b"), "--quiet", "--all-tracks"]) == 0
    )
    a = pd.read_csv(tmp_path / "a" / "tracks.csv")
    b = pd.read_csv(tmp_path / "b" / "tracks.csv")
    assert 0 not in set(a["track_id"]) and len(b) == len(a) + 1


def test_settings_reject_unknown_keys():
    with pytest.raises(ValueError, match="extra"):
        AnalysisSettings(mask_file="x")
