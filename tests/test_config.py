"""The pipeline file volltrack.toml: typed sections, one-line errors, TOML round trips."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from volltrack.analysis import AnalysisSettings
from volltrack.config import (
    ConfigError,
    PipelineConfig,
    config_template,
    load_config,
    save_config,
)
from volltrack.measure import MeasureSettings
from volltrack.segmentation import SegmentSettings
from volltrack.tracking import TrackingSettings


def _write(tmp_path: Path, text: str, name: str = "volltrack.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_template_loads_with_the_stage_settings_models(tmp_path):
    cfg = load_config(_write(tmp_path, config_template(raw="movie.tif", out="results")))
    assert isinstance(cfg.segment, SegmentSettings)
    assert isinstance(cfg.measure, MeasureSettings)
    assert isinstance(cfg.track, TrackingSettings)
    assert isinstance(cfg.analyze, AnalysisSettings)
    assert cfg.input.raw == tmp_path / "movie.tif"
    assert cfg.output.dir == tmp_path / "results"
    assert cfg.track.tracker.ALLOW_TRACK_SPLITTING is True
    assert cfg.track.tracker.LINKING_MAX_DISTANCE == 15.0
    assert cfg.track.input.kind is None


@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        ('[input]\nraw = "r.tif"\n[track.tracker]\nLINKING_MAX_DISTNCE = 5.0\n',
         "track.tracker.LINKING_MAX_DISTNCE", "unknown key; expected one of LINKING_MAX_DISTANCE"),
        ('[input]\nraw = "r.tif"\n[segment]\nprob_treshold = 0.5\n',
         "segment.prob_treshold", "unknown key; expected one of prob_thresh"),
        ('[input]\nraw = "r.tif"\n[outptu]\ndir = "x"\n', "outptu", "unknown key"),
        ('[input]\nraw = "r.tif"\nvoxel = [1, 1, 1]\n', "input.voxel", "voxel_size"),
        ('[input]\nraw = "r.tif"\n[measure]\nintensity = false\n', "measure.intensity",
         "expected one of intensities, tissue"),
        ('[input]\nraw = "r.tif"\n[analyze]\ncolor = "red"\n', "analyze.color", "unknown key"),
        ('[input]\nraw = "r.tif"\n[execution]\nthreads = 2\n', "execution.threads", "unknown"),
        ('[input]\nraw = "r.tif"\n[track]\nmin_tracklet = 2\n', "track.min_tracklet",
         "expected one of filters, min_tracklet_length, tracker, tracking"),
    ],
)  # fmt: skip
def test_an_unknown_key_fails_naming_the_file_and_key_path(tmp_path, text, where, expected):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {where}: ")
    assert expected in message


@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        ('[input]\nraw = "r.tif"\n[track.tracker]\nLINKING_MAX_DISTANCE = "far"\n',
         "track.tracker.LINKING_MAX_DISTANCE", "far"),
        ('[input]\nraw = "r.tif"\n[track.tracker]\nMAX_FRAME_GAP = 0\n',
         "track.tracker.MAX_FRAME_GAP", "1"),
        ('[input]\nraw = "r.tif"\n[segment]\nprob_thresh = 1.5\n', "segment.prob_thresh",
         "less than 1"),
        ('[input]\nraw = "r.tif"\nvoxel_size = [1.0, 0.0, 1.0]\n', "input.voxel_size", "> 0"),
        ('[input]\nraw = "r.tif"\ntime_interval = -3\n', "input.time_interval", "greater"),
        ('[input]\nmask = "m.tif"\n', "input", "give raw (to segment) or labels"),
        ('[output]\ndir = "o"\n', "input", "missing"),
        ('[input]\nraw = "r.tif"\n[execution]\nscheduler = "gpu"\n', "execution.scheduler",
         "tcp://HOST:PORT"),
        ('[input]\nraw = "r.tif"\n[execution]\nworkers = 0\n', "execution.workers",
         "greater than or equal to 1"),
        ('[input]\nraw = "r.tif"\n[track.input]\ncells_csv = "c.csv"\n', "track",
         "set by the pipeline"),
    ],
)  # fmt: skip
def test_a_bad_value_fails_naming_the_key_and_what_was_expected(tmp_path, text, where, expected):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {where}: "), message
    assert expected in message


def test_unreadable_files_are_one_line_errors(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "missing.toml")
    bad = _write(tmp_path, '[input\nraw = "x"\n')
    with pytest.raises(ConfigError, match=r"not valid TOML: .*line 1"):
        load_config(bad)


def test_relative_paths_are_resolved_against_the_toml_folder(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    path = _write(
        tmp_path / "sub",
        '[input]\nlabels = "../data/labels.tif"\nmask = "/abs/mask.tif"\nmodels = "bundle"\n'
        '[output]\ndir = "out"\n[analyze]\nraw = "raw.tif"\n',
    )
    monkeypatch.chdir("/")
    cfg = load_config(path)
    assert cfg.input.labels == tmp_path / "data" / "labels.tif"
    assert cfg.input.mask == Path("/abs/mask.tif")
    assert cfg.input.models == tmp_path / "sub" / "bundle"
    assert cfg.output.dir == tmp_path / "sub" / "out"
    assert cfg.analyze.raw == tmp_path / "sub" / "raw.tif"


def test_a_saved_config_loads_back_equal(tmp_path):
    cfg = PipelineConfig.model_validate(
        {
            "input": {
                "raw": str(tmp_path / "raw.tif"),
                "mask": "/elsewhere/mask.tif",
                "voxel_size": [2.0, 0.5, 0.5],
                "time_interval": 300.0,
            },
            "output": {"dir": str(tmp_path / "out")},
            "segment": {"prob_thresh": 0.4, "n_tiles": [1, 2, 2], "use_n2v": False},
            "measure": {"intensities": False},
            "track": {
                "min_tracklet_length": 3,
                "filters": {
                    "centroid_in_tissue": True,
                    "features": [{"feature": "QUALITY", "value": 1.5, "is_above": True}],
                },
                "tracker": {
                    "LINKING_MAX_DISTANCE": 6.0,
                    "ALLOW_TRACK_SPLITTING": True,
                    "MAX_FRAME_GAP": 3,
                    "BLOCKING_VALUE": math.inf,
                    "LINKING_FEATURE_PENALTIES": {"MEAN_INTENSITY_CH1": 1.0},
                },
            },
            "analyze": {"spectrum_min_samples": 6, "figure_formats": ["png"]},
            "execution": {"scheduler": "local", "workers": 2},
        }
    )
    path = save_config(cfg, tmp_path / "volltrack.toml")
    text = path.read_text(encoding="utf-8")
    assert 'raw = "raw.tif"' in text  # under the file's folder: written relative
    assert 'mask = "/elsewhere/mask.tif"' in text
    back = load_config(path)
    assert back == cfg
    assert back.track.tracker.to_map() == cfg.track.tracker.to_map()
    with pytest.raises(ConfigError, match="already exists"):
        save_config(cfg, path)
    # a default config round-trips too
    minimal = PipelineConfig.model_validate(
        {"input": {"labels": str(tmp_path / "l.tif")}, "output": {"dir": str(tmp_path / "o")}}
    )
    assert load_config(save_config(minimal, tmp_path / "minimal.toml")) == minimal


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parents[1]
    return subprocess.run(
        [sys.executable, "-m", "volltrack.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(root / "python"), "PATH": "/usr/bin:/bin"},
    )


def test_run_init_writes_a_template_and_never_overwrites(tmp_path):
    done = _cli("run", "--init", "volltrack.toml", "--raw", "movie.tif", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert load_config(tmp_path / "volltrack.toml").input.raw == tmp_path / "movie.tif"
    again = _cli("run", "--init", "volltrack.toml", cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "already exists" in again.stderr
    # running it without the movie: one line naming the file and the key
    missing = _cli("run", "volltrack.toml", "--quiet", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1
    assert "movie.tif: no such file or folder (input.raw)" in missing.stderr
    assert not (tmp_path / "volltrack-out").exists()
    bad = _write(
        tmp_path, '[input]\nraw = "movie.tif"\n[track]\nLINKING_MAX_DISTANCE = 5\n', "b.toml"
    )
    result = _cli("run", str(bad), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "track.LINKING_MAX_DISTANCE: unknown key" in result.stderr


def test_readme_documents_every_pipeline_key(repo_root):
    from volltrack.config import ExecutionConfig, InputConfig, OutputConfig
    from volltrack.tracking import TRACKER_KEYS, FilterSettings

    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### `volltrack.toml` reference") :]
    for name, model in [
        ("input", InputConfig),
        ("output", OutputConfig),
        ("measure", MeasureSettings),
        ("execution", ExecutionConfig),
        ("track.filters", FilterSettings),
    ]:
        for key in model.model_fields:
            assert f"`{name}.{key}`" in section, f"{name}.{key}"
    for model in (SegmentSettings, AnalysisSettings):
        for key in model.model_fields:
            assert f"`{key}`" in section, key
    for key in TRACKER_KEYS:
        assert key in section or key.endswith("_FEATURE_PENALTIES"), key
