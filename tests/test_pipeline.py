"""volltrack run / run_pipeline: stages, resumability, fingerprints, the report (own labels)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from volltrack._errors import InputError
from volltrack._pipeline import run_pipeline
from volltrack.cli import main
from volltrack.config import load_config
from volltrack.io import read_trackmate
from volltrack.synthetic import generate_movie, preset_settings, write_movie

pytestmark = pytest.mark.jvm

TOML = """
[input]
raw = "movie/raw.tif"
labels = "movie/labels.tif"
mask = "movie/tissue_mask.tif"

[output]
dir = "out"

[track.tracker]
LINKING_MAX_DISTANCE = 6.0
GAP_CLOSING_MAX_DISTANCE = 8.0
ALLOW_TRACK_SPLITTING = true
SPLITTING_MAX_DISTANCE = 8.0

[analyze]
figure_formats = ["png"]
"""


@pytest.fixture(scope="module")
def movie(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pipeline")
    m = generate_movie(preset_settings("small", n_frames=5, n_cells=12, n_divisions=2, seed=3))
    write_movie(m, folder / "movie")
    return folder, m


def _records(out: Path) -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text())
        for p in (out / ".volltrack").glob("*.json")
        if p.stem != "hashes"
    }


def test_run_from_own_labels_then_resume_and_rerun_what_changed(movie, capsys):
    folder, m = movie
    (folder / "volltrack.toml").write_text(TOML)
    messages = []
    result = run_pipeline(
        folder / "volltrack.toml", progress=lambda *a: messages.append(a)
    )  # a path is read with load_config
    assert result.ran == ("measure", "track", "analyze", "report")
    assert result.stages[0].status == "not needed" and result.segmentation_dir is None
    assert result.voxel_size == m.voxel_size and result.time_interval == m.time_interval
    assert {stage for stage, *_ in messages} == {"measure", "track", "analyze", "report"}

    # the cell table has one row per ground-truth cell, the XML every cell as a spot
    cells = pd.read_csv(result.cells_csv)
    gt_counts = [len(np.unique(f[f > 0])) for f in m.labels]
    assert cells.groupby("frame").size().tolist() == gt_counts
    data = read_trackmate(result.tracks_xml, all_tracks=True)
    assert len(data.spots) == len(cells)
    assert (result.analysis_dir / "tracklets.csv").is_file()
    # the settings used sit next to the results and load back equal to the input
    assert load_config(result.config_file) == load_config(folder / "volltrack.toml")

    # the report: self-contained, its figures real PNGs, the settings and counts in it
    html = result.report.read_text()
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 3
    assert all(base64.b64decode(b)[:8] == b"\x89PNG\r\n\x1a\n" for b in images)
    assert "LINKING_MAX_DISTANCE = 6.0" in html
    assert "cells per frame: " + ", ".join(map(str, gt_counts)) in html
    assert 'src="http' not in html and "<script" not in html

    # a re-run skips every stage; the records hold the fingerprints
    before = _records(result.out_dir)
    assert all(r["status"] == "done" for r in before.values())
    again = run_pipeline(folder / "volltrack.toml")
    assert again.ran == () and again.skipped == ("measure", "track", "analyze", "report")
    assert _records(result.out_dir) == before

    # a tracker setting changes: track reruns, and what depends on tracks.xml; measure does not
    (folder / "volltrack.toml").write_text(
        TOML.replace("LINKING_MAX_DISTANCE = 6.0", "LINKING_MAX_DISTANCE = 5.0")
    )
    changed = run_pipeline(folder / "volltrack.toml")
    assert changed.ran == ("track", "analyze", "report")
    assert changed.skipped == ("measure",)
    assert "LINKING_MAX_DISTANCE = 5.0" in changed.report.read_text()

    # --force reruns one stage; an output changed by hand makes its stage run again
    forced = run_pipeline(folder / "volltrack.toml", force=["measure"])
    assert "measure" in forced.ran
    (result.analysis_dir / "tracklets.csv").unlink()
    assert run_pipeline(folder / "volltrack.toml").ran == ("analyze",)

    # another process layout gives the same cells.csv (results do not depend on execution)
    first = result.cells_csv.read_bytes()
    threads = run_pipeline(
        folder / "volltrack.toml", force=["measure"], scheduler="threads", workers=2
    )
    assert threads.cells_csv.read_bytes() == first
    assert threads.ran == ("measure",)  # identical cell table: nothing downstream reruns

    # the command line: the same run, a stage forced, a summary per stage
    capsys.readouterr()
    assert main(["run", str(folder / "volltrack.toml"), "--force", "report", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["run", str(folder / "volltrack.toml"), "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert "measure  skipped" in out and "report   skipped" in out
    assert f"report: {result.report}" in out


def test_files_not_written_by_the_pipeline_are_not_replaced(movie, tmp_path):
    folder, _m = movie
    toml = TOML.replace('"movie/', f'"{folder}/movie/').replace('dir = "out"', 'dir = "theirs"')
    (tmp_path / "volltrack.toml").write_text(toml)
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / "cells.csv").write_text("precious\n")
    with pytest.raises(InputError, match=r"cells.csv: already exists and was not written"):
        run_pipeline(tmp_path / "volltrack.toml")
    assert (tmp_path / "theirs" / "cells.csv").read_text() == "precious\n"
    assert sorted(p.name for p in (tmp_path / "theirs").iterdir()) == ["cells.csv"]
    with pytest.raises(InputError, match="unknown stage 'segmnt'"):
        run_pipeline(tmp_path / "volltrack.toml", force=["segmnt"])
