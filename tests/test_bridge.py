"""The in-process bridge to BTrackmate: same XML as the Java CLI, inputs, errors, JVM hygiene.

The JVM starts once per pytest process (the first test that tracks); tests that need a fresh
process (clean exit, the Fiji path) run a child Python.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from volltrack._errors import VolltrackError
from volltrack.cli import main
from volltrack.io import read_trackmate_graph, write_imagej_tzyx
from volltrack.tracking import (
    TrackingError,
    TrackingSettings,
    jvm_info,
    run_btrackmate,
    start_jvm,
    track,
)

pytestmark = pytest.mark.jvm

CONFORMANCE = [
    "trackmate_tracks_without_gap_closing",
    "trackmate_tracks_with_gap_closing",
    "trackmate_tracks_with_splitting",
    "trackmate_tracks_with_merging",
    "trackmate_tracks_with_splitting_merging",
]
ROOT = Path(__file__).resolve().parents[1]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "python"), *filter(None, [env.get("PYTHONPATH")])]
    )
    return env


@pytest.mark.parametrize("stem", CONFORMANCE)
def test_in_process_run_writes_the_same_xml_as_the_java_cli(trackmate_fixtures, tmp_path, stem):
    folder = trackmate_fixtures / "lap-conformance"
    cells, lap = folder / f"{stem}_spots.csv", folder / f"{stem}.xml"
    result = track(cells, out=tmp_path / "bridge.xml", tracker_settings=lap)
    run_btrackmate(
        ["--cells", str(cells), "--tracker-settings", str(lap), "--out",
         str(tmp_path / "cli.xml"), "--quiet"]
    )  # fmt: skip
    assert result.xml.read_bytes() == (tmp_path / "cli.xml").read_bytes()
    # and the tables are TrackMate's own edges, read back from that file
    want = pd.read_csv(folder / f"{stem}_edges.csv")
    got = set(zip(result.edges["source"], result.edges["target"], strict=True))
    assert got == set(zip(want["spot_source_id"], want["spot_target_id"], strict=True))
    assert len(result.spots) == len(pd.read_csv(cells))
    tracks = read_trackmate_graph(result.xml).tracks
    pd.testing.assert_frame_equal(result.tracks, tracks)
    assert set(result.tracks["track_id"]) == set(result.edges["track_id"])
    per_track = result.edges.groupby("track_id").size()
    spots_per_track = result.tracks.set_index("track_id")["NUMBER_SPOTS"]
    # a tree has one link fewer than spots; merges and splits keep it a tree or add loops
    assert (per_track.reindex(spots_per_track.index) >= spots_per_track - 1).all()
    assert (
        result.settings.tracker.to_map()
        == TrackingSettings.read_json(_save_settings(tmp_path, cells, lap)).tracker.to_map()
    )


def _save_settings(tmp_path: Path, cells: Path, lap: Path) -> Path:
    path = tmp_path / "java-settings.json"
    run_btrackmate(
        ["--cells", str(cells), "--tracker-settings", str(lap), "--out",
         str(tmp_path / "x.xml"), "--save-settings", str(path), "--quiet"]
    )  # fmt: skip
    return path


def test_a_dataframe_input_tracks_like_its_csv(trackmate_fixtures, tmp_path):
    cells = trackmate_fixtures / "lap-conformance" / "trackmate_tracks_with_splitting_spots.csv"
    options = {"ALLOW_TRACK_SPLITTING": True, "linking_max_distance": 12}
    from_csv = track(cells, out=tmp_path / "a.xml", **options)
    from_frame = track(pd.read_csv(cells, index_col=0), out=tmp_path / "b.xml", **options)
    pd.testing.assert_frame_equal(from_csv.edges, from_frame.edges)
    pd.testing.assert_frame_equal(from_csv.spots, from_frame.spots)
    assert from_frame.settings.tracker.LINKING_MAX_DISTANCE == 12.0
    # the temporary CSV is gone, and errors name the DataFrame, not the temporary file
    assert not Path(from_frame.settings.input.cells_csv).exists()
    frame = pd.DataFrame({"frame": [0, -1], "x": 1.0, "y": 2.0})
    with pytest.raises(TrackingError, match=r"cells DataFrame.*row 3") as info:
        track(frame, out=tmp_path / "c.xml")
    assert "\n" not in str(info.value) and not (tmp_path / "c.xml").exists()


def _label_movie(tmp_path: Path):
    """Two cubes moving 1 voxel along x per frame; raw = 10 × label; mask = left half."""
    labels = np.zeros((3, 4, 16, 20), dtype=np.uint16)
    for t in range(3):
        labels[t, 1:3, 2:5, 2 + t : 5 + t] = 1
        labels[t, 1:4, 9:13, 8 + t : 12 + t] = 2
    raw = (labels * 10 + 1).astype(np.float32)
    mask = np.zeros((4, 16, 20), dtype=np.uint8)
    mask[:, :, :10] = 255
    vs = (2.0, 0.5, 0.5)
    write_imagej_tzyx(tmp_path / "labels.tif", labels, voxel_size=vs, time_interval=5.0)
    write_imagej_tzyx(tmp_path / "raw.tif", raw, voxel_size=vs, time_interval=5.0)
    write_imagej_tzyx(tmp_path / "mask.tif", mask[None], voxel_size=vs, time_interval=5.0)
    return labels, raw, mask, vs


def test_label_image_input_gives_the_cells_volltrack_measure_finds(tmp_path):
    from volltrack import measure

    labels, raw, mask, vs = _label_movie(tmp_path)
    result = track(
        tmp_path / "labels.tif",
        raw=tmp_path / "raw.tif",
        mask=tmp_path / "mask.tif",
        out=tmp_path / "tracks.xml",
        LINKING_MAX_DISTANCE=2.0,
    )
    table = measure(labels, raw=raw, mask=mask, voxel_size=vs, time_interval=5.0)
    spots = result.spots.set_index("id").loc[table["id"]]
    for column, key in [("x", "POSITION_X"), ("y", "POSITION_Y"), ("z", "POSITION_Z"),
                        ("volume", "VOLUME"), ("mean_intensity", "MEAN_INTENSITY_CH1"),
                        ("inside_tissue", "INSIDE_TISSUE")]:  # fmt: skip
        np.testing.assert_allclose(spots[key].to_numpy(), table[column].to_numpy(), rtol=1e-9)
    # each cube is linked to itself in the next frame: ids are (frame, label) order
    edges = sorted(zip(result.edges["source"], result.edges["target"], strict=True))
    assert edges == [(0, 2), (1, 3), (2, 4), (3, 5)]
    assert sorted(result.tracks["NUMBER_SPOTS"]) == [3, 3]


def test_java_errors_are_tracking_errors_with_the_java_message(tmp_path):
    cells = tmp_path / "cells.csv"
    cells.write_text("frame,x,y,z\n0,1,2,0\n-1,1,2,0\n")
    with pytest.raises(TrackingError) as info:
        track(cells, out=tmp_path / "a.xml")
    with pytest.raises(TrackingError) as cli:
        run_btrackmate(["--cells", str(cells), "--out", str(tmp_path / "b.xml")])
    assert str(info.value) == str(cli.value)
    assert "row 3" in str(info.value) and "\n" not in str(info.value)
    assert not (tmp_path / "a.xml").exists()
    # a penalty on a feature the cells lack: Java's IllegalArgumentException path
    with pytest.raises(TrackingError, match="has no feature VOLUME"):
        track(_good_cells(tmp_path), out=tmp_path / "c.xml", LINKING_FEATURE_PENALTIES="VOLUME=1")
    assert isinstance(info.value, VolltrackError) and isinstance(info.value, ValueError)


def _good_cells(tmp_path: Path) -> Path:
    path = tmp_path / "good.csv"
    path.write_text("frame,x,y,z\n0,1,2,0\n1,1.5,2,0\n")
    return path


def test_progress_is_reported_and_the_jvm_is_reused(tmp_path):
    seen: list[tuple[float, str]] = []
    track(_good_cells(tmp_path), out=tmp_path / "a.xml",
          progress=lambda f, m: seen.append((f, m)))  # fmt: skip
    info = jvm_info()
    track(_good_cells(tmp_path), out=tmp_path / "b.xml")
    assert jvm_info() is info and start_jvm() is info and info.mode == "jars"
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {m for _, m in seen} >= {"Reading cells", "Done"}


def test_fiji_paths_are_checked_and_a_running_jvm_is_not_restarted(tmp_path, monkeypatch):
    start_jvm()
    with pytest.raises(VolltrackError, match=r"fiji=.*nowhere: Fiji folder not found"):
        start_jvm(fiji=tmp_path / "nowhere")
    monkeypatch.setenv("FIJI_DIR", str(tmp_path))
    with pytest.raises(VolltrackError, match=r"FIJI_DIR=.*not a Fiji installation"):
        track(_good_cells(tmp_path), out=tmp_path / "a.xml")
    (tmp_path / "jars").mkdir()
    with pytest.raises(VolltrackError, match="already runs with volltrack's own jars"):
        start_jvm()
    assert not (tmp_path / "a.xml").exists()


def test_the_fiji_path_goes_to_pyimagej_headless(tmp_path):
    """In a fresh process, with PyImageJ's ``init`` recording its call (no Fiji here)."""
    fiji = tmp_path / "Fiji.app"
    (fiji / "jars").mkdir(parents=True)
    script = textwrap.dedent(
        f"""
        import sys, types, scyjava
        calls = []
        def init(path, mode):
            calls.append((path, mode))
            scyjava.start_jvm()
        sys.modules["imagej"] = types.SimpleNamespace(init=init)
        from volltrack._jars import find_jars
        from volltrack.tracking import start_jvm
        info = start_jvm(fiji={str(fiji)!r})
        assert calls == [({str(fiji)!r}, "headless")], calls
        assert info.mode == "fiji" and info.classpath == (find_jars().btrackmate,), info
        print("ok")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=_child_env())  # fmt: skip
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_a_process_that_tracks_exits_cleanly_without_java_threads_left(
    trackmate_fixtures, tmp_path
):
    # 50 frames, 4 tracking threads: BTrackmate's worker pool is used
    cells = trackmate_fixtures / "lap-conformance" / "trackmate_tracks_with_splitting_spots.csv"
    script = textwrap.dedent(
        f"""
        import sys
        import volltrack
        assert "jpype" not in sys.modules and "scyjava" not in sys.modules
        from volltrack.tracking import track
        assert "jpype" not in sys.modules
        for name in ("a", "b"):
            track({str(cells)!r}, out={str(tmp_path)!r} + f"/{{name}}.xml", threads=4)
        import scyjava
        Thread = scyjava.jimport("java.lang.Thread")
        live = [str(t.getName()) for t in Thread.getAllStackTraces().keySet()
                if t.isAlive() and not t.isDaemon()]
        print(sorted(live))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=_child_env())  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['main']"  # the Python thread itself, attached to the JVM
    assert (tmp_path / "a.xml").is_file() and (tmp_path / "b.xml").is_file()


# --- the command line ------------------------------------------------------------------------


def test_cli_tracks_with_the_java_precedence(trackmate_fixtures, tmp_path, capsys):
    folder = trackmate_fixtures / "lap-conformance"
    stem = folder / "trackmate_tracks_with_splitting"
    settings = TrackingSettings.create(
        {"input": {"cells_csv": str(folder / "x.csv")}, "min_tracklet_length": 2,
         "tracker": {"LINKING_MAX_DISTANCE": 3.0, "MAX_FRAME_GAP": 4}}
    )  # fmt: skip
    settings.write_json(tmp_path / "s.json")
    args = ["--settings", str(tmp_path / "s.json"), "--cells", f"{stem}_spots.csv",
            "--tracker-settings", f"{stem}.xml", "--MAX_FRAME_GAP", "3",
            "--filter", "POSITION_X>=10", "--min-tracklet-length", "4"]  # fmt: skip
    assert main(["track", *args, "--out", str(tmp_path / "py.xml"), "--quiet",
                 "--save-settings", str(tmp_path / "py.json")]) == 0  # fmt: skip
    run_btrackmate([*args, "--out", str(tmp_path / "java.xml"), "--quiet"])
    assert (tmp_path / "py.xml").read_bytes() == (tmp_path / "java.xml").read_bytes()
    saved = TrackingSettings.read_json(tmp_path / "py.json")
    assert saved.tracker.MAX_FRAME_GAP == 3  # the flag over the XML's 2 over the file's 4
    assert saved.tracker.LINKING_MAX_DISTANCE == 15.0  # the XML's over the file's 3
    assert saved.min_tracklet_length == 4 and saved.filters.features[0].feature == "POSITION_X"
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["{bad}"], "row 3, column 'frame'"),
        (["{good}", "--LINKING_MAX_DISTANCE", "ten"], "must be a number, got 'ten'"),
        (["{good}", "--raw", "{good}"], "a raw image needs a label image"),
        (["{tmp}/missing.csv"], "missing.csv: file not found"),
        (["{good}", "--cells", "{good}"], "give one input"),
        (["{good}", "--filter", "VOLUME=3"], "expected FEATURE>=VALUE"),
        (["{good}", "--fiji", "{tmp}/nowhere"], "Fiji folder not found"),
        (["{good}", "--tracker-settings", "{good}"], "good.csv"),
        (["{good}", "--filter", "VOLUME>=3"], "no cell has the feature VOLUME"),
        (["{good}", "--subprocess", "--filter", "VOLUME>=3"], "no cell has the feature VOLUME"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, args, expected):
    bad = tmp_path / "bad.csv"
    bad.write_text("frame,x,y,z\n0,1,2,0\n-1,1,2,0\n")
    names = {"bad": str(bad), "good": str(_good_cells(tmp_path)), "tmp": str(tmp_path)}
    argv = ["track", *(a.format(**names) for a in args), "--out", str(tmp_path / "t.xml")]
    try:
        status = main([*argv, "--save-settings", str(tmp_path / "s.json")])
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("volltrack track: error: ") and expected in err
    assert not (tmp_path / "t.xml").exists() and not (tmp_path / "s.json").exists()


def test_cli_refuses_to_overwrite_without_overwrite(tmp_path, capsys):
    good, out = _good_cells(tmp_path), tmp_path / "t.xml"
    out.write_text("keep me")
    assert main(["track", str(good), "--out", str(out), "--quiet"]) == 2
    assert "already exists" in capsys.readouterr().err and out.read_text() == "keep me"
    assert main(["track", str(good), "--out", str(out), "--quiet", "--overwrite"]) == 0
    assert len(read_trackmate_graph(out).edges) == 1


def test_cli_exit_status_in_a_fresh_process(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("frame,x,y,z\n0,1,2,0\n-1,1,2,0\n")
    cmd = [
        sys.executable,
        "-m",
        "volltrack.cli",
        "track",
        str(bad),
        "--out",
        str(tmp_path / "t.xml"),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=_child_env())
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert not (tmp_path / "t.xml").exists()
    good = _good_cells(tmp_path)
    cmd[4] = str(good)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=_child_env())
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout and "1 links" in proc.stdout


def test_the_scyjava_example_runs_on_a_tiny_movie(tmp_path):
    _label_movie(tmp_path)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "track_with_scyjava.py"),
         str(tmp_path / "labels.tif"), "--raw", str(tmp_path / "raw.tif"),
         "--out", str(tmp_path / "tracks.xml")],
        capture_output=True, text=True, timeout=180, env=_child_env(),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "both runs made the same links: True" in proc.stdout
    edges = read_trackmate_graph(tmp_path / "tracks.xml").edges
    assert sorted(zip(edges["source"], edges["target"], strict=True)) == [
        (0, 2), (1, 3), (2, 4), (3, 5)
    ]  # fmt: skip
    assert (tmp_path / "tracks-java-api.xml").is_file()


def test_label_arrays_track_as_the_label_files_do(tmp_path):
    labels, raw, mask, vs = _label_movie(tmp_path)
    from_files = track(
        tmp_path / "labels.tif",
        raw=tmp_path / "raw.tif",
        mask=tmp_path / "mask.tif",
        out=tmp_path / "files.xml",
        LINKING_MAX_DISTANCE=2.0,
    )
    from_arrays = track(
        labels,
        raw=raw,
        mask=mask,
        out=tmp_path / "arrays.xml",
        voxel_size_zyx=vs,
        frame_interval=5.0,
        LINKING_MAX_DISTANCE=2.0,
    )
    for table in ("spots", "edges", "tracks"):
        a = getattr(from_files, table).drop(columns=["name"], errors="ignore")
        b = getattr(from_arrays, table).drop(columns=["name"], errors="ignore")
        pd.testing.assert_frame_equal(a, b)
    with pytest.raises(TrackingError, match=r"labels array: an array carries no calibration"):
        track(labels, out=tmp_path / "x.xml")
    with pytest.raises(TrackingError, match=r"labels array: expected integer labels, got dtype"):
        track(labels.astype(np.float32), out=tmp_path / "x.xml", voxel_size_zyx=vs)
    with pytest.raises(TrackingError, match=r"raw array: expected ZYX or TZYX, got shape \(5,\)"):
        track(labels, raw=np.zeros(5), out=tmp_path / "x.xml", voxel_size_zyx=vs)
    assert not (tmp_path / "x.xml").exists()
