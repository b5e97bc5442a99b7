"""Crash safety: ``kill -9`` during a stage, then the same command again.

Each stage runs once uninterrupted (the reference), then is killed with SIGKILL at seeded random
moments. After each kill, whatever output is visible must be complete (a file equal to the
reference's, or absent: outputs are written to a hidden temporary name, then renamed); the
re-run (``--overwrite``, or a plain re-run for ``segment``, which resumes) must give exactly the
reference's outputs, and no temporary file may be visible as a result (hidden ``.NAME.*`` files
of a killed writer may remain).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bad_inputs.corpus import VALID_RAW, trackmate_lines

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    return env


def _start(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "volltrack.cli", *argv],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _run(argv: list[str]) -> float:
    start = time.perf_counter()
    proc = _start(argv)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    return time.perf_counter() - start


def _kill_after(argv: list[str], delay: float) -> bool:
    """Start the command, SIGKILL its process group after ``delay`` s; True if it was killed."""
    proc = _start(argv)
    try:
        proc.wait(timeout=delay)
        return False  # finished before the kill
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def _visible(folder: Path) -> dict[str, Path]:
    """Files under ``folder`` whose path has no hidden (``.``) part, by relative name."""
    return {
        str(p.relative_to(folder)): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def _content(path: Path, root: Path):
    """Bytes of a file (the run's own folder name replaced); the pixels and calibration of a TIFF
    (its bytes may hold a date); the tables of a TrackMate file."""
    if path.suffix in (".tif", ".tiff"):
        from volltrack.io import read_image

        image = read_image(path)
        return ("tif", image.axes, image.voxel_size, np.asarray(image.data).tobytes())
    if path.suffix in (".png", ".svg", ".pdf", ".html"):
        return "figure"  # dates, versions and run times; the tables are compared
    if path.suffix == ".xml":
        from volltrack.io import read_trackmate

        data = read_trackmate(path, all_tracks=True)
        return (data.spots.to_csv(), data.edges.to_csv(), data.tracks.to_csv())
    return path.read_bytes().replace(str(root).encode(), b"<OUT>")


def _crash_and_rerun(
    argv, out: Path, kill_points: int, seed: int, rerun_extra=("--overwrite",), prepare=None
):
    reference_argv = [a.replace("{out}", str(out / "reference")) for a in argv]
    (out / "reference").mkdir(parents=True)
    if prepare is not None:
        prepare(out / "reference")
    wall = _run(reference_argv)
    reference = {k: _content(p, out / "reference") for k, p in _visible(out / "reference").items()}
    assert reference
    rng = random.Random(seed)
    killed = 0
    for i in range(kill_points):
        delay = rng.uniform(0.3, 1.0) * wall
        # a run may finish sooner than the reference did (warm caches, less load): then try
        # again, killing earlier, so that every kill point really kills a run
        for attempt in range(4):
            target = out / f"killed{i}-{attempt}"
            target.mkdir()
            if prepare is not None:
                prepare(target)
            run_argv = [a.replace("{out}", str(target)) for a in argv]
            was_killed = _kill_after(run_argv, delay)
            for name, path in _visible(target).items():
                assert name in reference, f"after a kill: {name} is not an output"
                assert _content(path, target) == reference[name], f"after a kill: {name} is partial"
            _run([*run_argv, *rerun_extra])
            got = {k: _content(p, target) for k, p in _visible(target).items()}
            assert got.keys() == reference.keys()
            for name, value in reference.items():
                assert got[name] == value, f"re-run after a kill: {name} differs"
            if was_killed:
                killed += 1
                break
            delay /= 3
    assert killed == kill_points, f"only {killed} of {kill_points} runs were killed in time"


@pytest.fixture(scope="module")
def movie(tmp_path_factory) -> dict[str, Path]:
    import tifffile

    folder = tmp_path_factory.mktemp("inputs")
    frames, shape = 150, (8, 32, 32)
    labels = tifffile.memmap(
        folder / "labels.tif", shape=(frames, *shape), dtype=np.uint16, imagej=True,
        resolution=(1.0, 1.0), metadata={"axes": "TZYX", "spacing": 2.0},
    )  # fmt: skip
    rng = np.random.default_rng(1)
    for t in range(frames):
        frame = np.zeros(shape, np.uint16)
        for c in range(12):
            z, y, x = rng.integers(0, [6, 28, 28])
            frame[z : z + 2, y : y + 4, x : x + 4] = c + 1
        labels[t] = frame
    labels.flush()
    del labels
    spots = (
        (t * 10 + c, t, float(c * 3 + 1), float(t % 20 + 1), 2.0, float(t))
        for t in range(frames)
        for c in range(10)
    )
    tracks = {c: [(t * 10 + c, (t + 1) * 10 + c) for t in range(frames - 1)] for c in range(10)}
    with open(folder / "tracks.xml", "w") as fh:
        fh.writelines(trackmate_lines(spots, tracks, None))
    return {"labels": folder / "labels.tif", "xml": folder / "tracks.xml"}


def test_measure_killed_then_rerun(movie, tmp_path):
    argv = ["measure", str(movie["labels"]), "--out", "{out}/cells.csv", "--quiet"]
    _crash_and_rerun(argv, tmp_path, kill_points=3, seed=1)


@pytest.mark.slow
def test_analyze_killed_then_rerun(movie, tmp_path):
    argv = ["analyze", str(movie["xml"]), "--out", "{out}/analysis", "--quiet"]
    _crash_and_rerun(argv, tmp_path, kill_points=1, seed=2)


def test_export_geff_killed_then_rerun(movie, tmp_path):
    argv = ["export", "geff", str(movie["xml"]), "--out", "{out}/tracks.geff", "--quiet"]
    _crash_and_rerun(argv, tmp_path, kill_points=2, seed=3)


@pytest.mark.slow
@pytest.mark.dl
def test_segment_killed_then_resumed(tmp_path):
    """``volltrack segment`` writes every frame's outputs atomically and resumes: killed at any
    moment and started again (no --overwrite), it ends with the uninterrupted run's outputs."""
    raw = tmp_path / "raw.tif"
    VALID_RAW(raw)
    argv = ["segment", str(raw), "--out", "{out}/seg", "--quiet"]
    _crash_and_rerun(argv, tmp_path / "runs", kill_points=1, seed=4, rerun_extra=())


@pytest.mark.slow
@pytest.mark.dl
@pytest.mark.jvm
def test_pipeline_killed_then_resumed(tmp_path):
    """``volltrack run`` (segment, measure, track, analyze, report) killed at seeded moments and
    run again ends with the uninterrupted run's outputs."""
    raw = tmp_path / "raw.tif"
    VALID_RAW(raw)

    def prepare(folder: Path) -> None:
        (folder / "volltrack.toml").write_text(
            f'[input]\nraw = "{raw}"\n[output]\ndir = "result"\n', encoding="utf-8"
        )

    argv = ["run", "{out}/volltrack.toml", "--quiet"]
    _crash_and_rerun(
        argv, tmp_path / "runs", kill_points=2, seed=5, rerun_extra=(), prepare=prepare
    )
