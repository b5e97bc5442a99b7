"""Synthetic movies: ground-truth consistency (own checks and py-ctcmetrics), determinism,
membrane signal on boundaries, divisions, tissue mask, writing, and the synth/demo CLI."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy import ndimage
from skimage.segmentation import find_boundaries

from volltrack import VolltrackError
from volltrack.cli import main
from volltrack.io import ctcmetrics_valid, read_ctc_tracks, read_image, validate_ctc
from volltrack.synthetic import (
    LAYOUT,
    PRESETS,
    SyntheticSettings,
    generate_movie,
    movie_summary,
    preset_settings,
    write_movie,
)

#: a small movie with every event: divisions, cells entering and leaving, missed detections
EVENTFUL = SyntheticSettings(
    shape=(12, 80, 80),
    n_frames=8,
    n_cells=20,
    n_divisions=4,
    enter_rate=0.6,
    leave_rate=0.6,
    missed_detection_prob=0.06,
    nuclei=True,
    seed=3,
)


@pytest.fixture(scope="module")
def movie():
    return generate_movie(EVENTFUL)


@pytest.fixture(scope="module")
def written(movie, tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "movie"
    write_movie(movie, out)
    return out


# -- settings ------------------------------------------------------------------------------


def test_settings_reject_unknown_keys_and_bad_values():
    with pytest.raises(ValidationError, match="extra"):
        SyntheticSettings(n_cell=3)
    with pytest.raises(ValidationError, match=r"\(2, 64, 64\)"):
        SyntheticSettings(shape=(2, 64, 64))
    with pytest.raises(ValidationError, match="voxel_size"):
        SyntheticSettings(voxel_size=(0.0, 0.5, 0.5))
    with pytest.raises(ValidationError, match="n_divisions must be 0"):
        SyntheticSettings(n_frames=1, n_divisions=2)
    with pytest.raises(VolltrackError, match="unknown preset 'huge'"):
        preset_settings("huge")
    with pytest.raises(VolltrackError, match="n_frames"):
        preset_settings("small", n_frames=0)


def test_presets():
    assert set(PRESETS) == {"small", "demo"}
    small = preset_settings("small")
    assert small == SyntheticSettings()
    assert (small.shape, small.n_frames, small.n_cells) == ((12, 96, 96), 10, 30)
    assert small.voxel_size == (2.0, 0.5, 0.5)
    demo = preset_settings("demo", seed=5)
    assert demo.n_cells == 100 and demo.n_frames == 15 and demo.n_divisions >= 5
    assert demo.seed == 5


# -- result type ---------------------------------------------------------------------------


def test_result_fields(movie):
    s = EVENTFUL
    shape = (s.n_frames, *s.shape)
    assert movie.raw.shape == shape and movie.raw.dtype == np.uint16
    assert movie.nuclei is not None and movie.nuclei.shape == shape
    assert movie.labels.shape == shape and movie.labels.dtype == np.int32
    assert movie.tissue_mask.shape == shape and movie.tissue_mask.dtype == bool
    assert movie.voxel_size == s.voxel_size and movie.time_interval == s.time_interval
    assert list(movie.tracks.columns[:4]) == ["label", "start", "end", "parent"]
    assert {"cell_id", "start", "end", "parent_cell_id", "start_reason", "end_reason"} <= set(
        movie.lineage.columns
    )
    with pytest.raises(AttributeError):
        movie.raw = None  # frozen
    no_nuclei = generate_movie(SyntheticSettings(n_frames=2, n_cells=5, n_divisions=0))
    assert no_nuclei.nuclei is None


def test_the_eventful_movie_has_every_event(movie):
    lin = movie.lineage
    assert (lin["end_reason"] == "division").sum() == EVENTFUL.n_divisions
    assert (lin["start_reason"] == "entered").sum() > 0
    assert (lin["end_reason"] == "left_tissue").sum() > 0
    assert lin["n_missed"].sum() > 0
    assert (movie.tracks["parent_kind"] == "gap").sum() == lin["n_missed"].sum()


# -- CTC ground truth ----------------------------------------------------------------------


def test_every_track_is_present_exactly_from_start_to_end(movie):
    labels, tracks = movie.labels, movie.tracks
    assert tracks["label"].is_unique and (tracks["label"] >= 1).all()
    per_frame = [set(np.unique(labels[t])) - {0} for t in range(labels.shape[0])]
    for r in tracks.itertuples():
        frames = [t for t, present in enumerate(per_frame) if r.label in present]
        assert frames == list(range(r.start, r.end + 1)), r
    assert set().union(*per_frame) == set(tracks["label"])


def test_parents_end_the_frame_before_their_children_start(movie):
    tracks = movie.tracks.set_index("label")
    children = movie.tracks[movie.tracks["parent"] > 0]
    assert len(children) > 0
    for r in children.itertuples():
        parent = tracks.loc[r.parent]
        if r.parent_kind == "division":
            assert parent["end"] == r.start - 1
            siblings = movie.tracks[movie.tracks["parent"] == r.parent]
            assert len(siblings) == 2 and (siblings["parent_kind"] == "division").all()
        else:  # a gap of one frame: same true cell, continued under a new label
            assert r.parent_kind == "gap"
            assert parent["end"] == r.start - 2
            assert parent["cell_id"] == r.cell_id
    roots = movie.tracks[movie.tracks["parent"] == 0]
    assert (roots["parent_kind"] == "none").all()


def test_missed_detections_are_absent_from_labels_but_drawn_in_raw(movie):
    missed = movie.cells[~movie.cells["detected"]]
    assert len(missed) > 0
    for r in missed.itertuples():
        assert r.label == 0 and r.n_voxels > 0  # the true cell occupies voxels ...
        idx = tuple(
            np.round(np.array([r.seed_z, r.seed_y, r.seed_x]) / movie.voxel_size).astype(int)
        )
        assert movie.labels[r.frame][idx] == 0  # ... which the ground truth leaves unlabelled
        assert movie.tissue_mask[r.frame][idx]
        cell_frames = movie.cells[movie.cells["cell_id"] == r.cell_id]["frame"]
        assert r.frame - 1 in set(cell_frames) and r.frame + 1 in set(cell_frames)


def test_validators_accept_ground_truth_and_reject_broken_copies(movie, written):
    assert validate_ctc(movie.labels, movie.tracks) == []
    ok, warns = ctcmetrics_valid(written / "01_GT" / "TRA")
    assert ok, warns
    broken = movie.tracks.copy()
    broken.loc[broken.index[0], "end"] -= 1
    assert any("present in frames" in p for p in validate_ctc(movie.labels, broken))
    child = broken.index[broken["parent"] > 0][0]
    late = movie.tracks.copy()
    late.loc[child, "start"] = late.loc[late["label"] == late.loc[child, "parent"], "end"].iloc[0]
    assert any("not before" in p for p in validate_ctc(movie.labels, late))


def test_ctcmetrics_rejects_a_broken_folder(movie, written, tmp_path):
    import shutil

    tra = tmp_path / "TRA"
    shutil.copytree(written / "01_GT" / "TRA", tra)
    lines = (tra / "man_track.txt").read_text().splitlines()
    label, start, end, parent = lines[0].split()
    lines[0] = f"{label} {start} {int(end) - 1} {parent}"
    (tra / "man_track.txt").write_text("\n".join(lines) + "\n")
    ok, warns = ctcmetrics_valid(tra)
    assert not ok and warns


def test_true_lineage_matches_tracks_and_cells(movie):
    lin = movie.lineage.set_index("cell_id")
    for cid, frames in movie.cells.groupby("cell_id")["frame"]:
        assert list(frames) == list(range(lin.loc[cid, "start"], lin.loc[cid, "end"] + 1))
    for cid, group in movie.tracks.groupby("cell_id"):
        assert group["start"].min() == lin.loc[cid, "start"]
        assert group["end"].max() == lin.loc[cid, "end"]
        assert len(group) == lin.loc[cid, "n_missed"] + 1
    daughters = movie.lineage[movie.lineage["start_reason"] == "division"]
    for r in daughters.itertuples():
        assert lin.loc[r.parent_cell_id, "end"] == r.start - 1
        assert lin.loc[r.parent_cell_id, "end_reason"] == "division"
    summary = movie_summary(movie)
    assert summary["n_divisions"] == EVENTFUL.n_divisions
    assert sum(summary["labels_per_frame"]) == int(movie.cells["detected"].sum())


def test_labels_match_cell_table(movie):
    vol = float(np.prod(movie.voxel_size))
    for r in movie.cells[movie.cells["detected"]].itertuples():
        mask = movie.labels[r.frame] == r.label
        assert mask.sum() == r.n_voxels and r.volume_um3 == pytest.approx(r.n_voxels * vol)
        centroid = np.array(ndimage.center_of_mass(mask)) * movie.voxel_size
        np.testing.assert_allclose(centroid, [r.centroid_z, r.centroid_y, r.centroid_x], atol=1e-6)


def test_cells_are_connected(movie):
    from skimage.measure import label as cc_label

    split = 0
    for r in movie.cells[movie.cells["detected"]].itertuples():
        mask = movie.labels[r.frame] == r.label
        split += cc_label(mask, connectivity=1).max() > 1
    assert split <= 0.02 * movie.cells["detected"].sum()


def test_tissue_mask_contains_all_cells(movie):
    assert np.all(movie.tissue_mask[movie.labels > 0])
    assert np.any(~movie.tissue_mask)  # an irregular tissue leaves background around it
    assert np.all(movie.raw[~movie.tissue_mask].mean() < movie.raw[movie.tissue_mask].mean())


# -- divisions -----------------------------------------------------------------------------


def test_daughters_touch_each_other_next_to_the_mother(movie):
    cells = movie.cells.set_index(["frame", "cell_id"])
    radius = (3 * movie.cells["volume_um3"].median() / (4 * np.pi)) ** (1 / 3)
    daughters = movie.lineage[movie.lineage["start_reason"] == "division"]
    assert len(daughters) == 2 * EVENTFUL.n_divisions
    for mother, pair in daughters.groupby("parent_cell_id"):
        t = int(pair["start"].iloc[0])
        assert (pair["start"] == t).all() and len(pair) == 2
        m = cells.loc[(t - 1, mother)]
        mc = np.array([m.centroid_z, m.centroid_y, m.centroid_x])
        for cid in pair["cell_id"]:
            d = cells.loc[(t, cid)]
            dc = np.array([d.centroid_z, d.centroid_y, d.centroid_x])
            assert np.linalg.norm(dc - mc) < 1.5 * radius
        a, b = (
            movie.cells[(movie.cells["frame"] == t) & (movie.cells["cell_id"] == c)].iloc[0]
            for c in pair["cell_id"]
        )
        if a.detected and b.detected:
            grown = ndimage.binary_dilation(movie.labels[t] == a.label)
            assert np.any(grown & (movie.labels[t] == b.label)), "daughters share a face"


# -- determinism ---------------------------------------------------------------------------


def test_same_seed_same_movie_other_seed_other_movie():
    s = SyntheticSettings(
        shape=(8, 48, 48),
        n_frames=4,
        n_cells=10,
        n_divisions=2,
        missed_detection_prob=0.1,
        enter_rate=0.5,
        seed=11,
    )
    before = s.model_dump()
    a, b = generate_movie(s), generate_movie(s)
    assert s.model_dump() == before
    for field in ("raw", "labels", "tissue_mask"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    for field in ("tracks", "lineage", "cells"):
        pd.testing.assert_frame_equal(getattr(a, field), getattr(b, field))
    c = generate_movie(s.model_copy(update={"seed": 12}))
    assert not np.array_equal(a.labels, c.labels)
    assert not np.array_equal(a.raw, c.raw)
    # the nuclear channel draws from its own stream: turning it on changes nothing else
    d = generate_movie(s.model_copy(update={"nuclei": True}))
    np.testing.assert_array_equal(a.raw, d.raw)
    np.testing.assert_array_equal(a.labels, d.labels)


# -- images --------------------------------------------------------------------------------


def test_noiseless_membrane_lies_only_on_boundaries():
    s = SyntheticSettings(
        n_frames=2,
        n_cells=20,
        n_divisions=0,
        psf_sigma=(0, 0, 0),
        poisson_noise=False,
        read_noise=0.0,
        background=0.0,
        cytoplasm=0.0,
        illumination_amplitude=0.0,
        dtype="float32",
        seed=2,
    )
    m = generate_movie(s)
    for t in range(s.n_frames):
        lab = m.labels[t]
        boundary = find_boundaries(lab, mode="thick")
        near = ndimage.distance_transform_edt(~boundary, sampling=s.voxel_size)
        lit = m.raw[t] > 0
        assert lit.any()
        assert np.all(near[lit] <= s.membrane_thickness / 2 + 1e-9)
        inner = find_boundaries(lab, mode="inner") & (lab > 0)
        assert np.mean(lit[inner]) > 0.45  # one voxel per interface, on one side of it
        assert np.allclose(m.raw[t][lit], s.signal)


def test_noisy_membrane_is_brighter_on_boundaries_than_inside(movie):
    ratios = []
    for t in range(movie.labels.shape[0]):
        lab = movie.labels[t]
        inner = find_boundaries(lab, mode="inner") & (lab > 0)
        deep = (lab > 0) & (ndimage.distance_transform_edt(~inner, sampling=movie.voxel_size) > 2)
        ratios.append(movie.raw[t][inner].mean() / movie.raw[t][deep].mean())
    assert min(ratios) > 3


def test_nuclei_sit_inside_their_cells(movie):
    assert movie.nuclei is not None
    for r in movie.cells[movie.cells["detected"]].sample(40, random_state=0).itertuples():
        idx = tuple(
            np.round(np.array([r.seed_z, r.seed_y, r.seed_x]) / movie.voxel_size).astype(int)
        )
        assert movie.labels[r.frame][idx] == r.label
        own = movie.nuclei[r.frame][movie.labels[r.frame] == r.label]
        assert movie.nuclei[r.frame][idx] > np.median(own)


# -- property: random small settings always give valid ground truth ------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    z=st.integers(4, 10),
    yx=st.integers(16, 48),
    frames=st.integers(1, 5),
    cells=st.integers(1, 25),
    divisions=st.integers(0, 6),
    enter=st.floats(0, 2),
    leave=st.floats(0, 2),
    missed=st.floats(0, 0.5),
    tissue=st.sampled_from(["ellipsoid", "irregular", "full"]),
    drift=st.floats(-3, 3),
    seed=st.integers(0, 2**32),
)
def test_random_settings_always_give_valid_ground_truth(
    z, yx, frames, cells, divisions, enter, leave, missed, tissue, drift, seed
):
    s = SyntheticSettings(
        shape=(z, yx, yx),
        n_frames=frames,
        n_cells=cells,
        n_divisions=divisions if frames > 1 else 0,
        enter_rate=enter,
        leave_rate=leave,
        missed_detection_prob=missed,
        tissue_shape=tissue,
        drift=(0.0, drift, -drift),
        seed=seed,
    )
    m = generate_movie(s)
    assert validate_ctc(m.labels, m.tracks) == []
    assert np.all(m.tissue_mask[m.labels > 0])
    assert (m.cells["n_voxels"] > 0).all()
    assert len(m.cells[m.cells["frame"] == 0]) >= 1
    parents = m.lineage["parent_cell_id"]
    children = parents[parents > 0].value_counts()
    assert (children == 2).all()


# -- writing and the CLI -------------------------------------------------------------------


def test_written_layout_and_round_trip(movie, written):
    for name in LAYOUT:
        assert (written / name.rstrip("/")).exists(), name
    raw = read_image(written / "raw.tif")
    assert raw.axes == "TZYX" and raw.voxel_size == pytest.approx(EVENTFUL.voxel_size)
    assert raw.time_interval == pytest.approx(EVENTFUL.time_interval) and raw.unit == "micron"
    np.testing.assert_array_equal(raw.data, movie.raw)
    np.testing.assert_array_equal(read_image(written / "labels.tif").data, movie.labels)
    np.testing.assert_array_equal(
        read_image(written / "tissue_mask.tif").data > 0, movie.tissue_mask
    )
    tracks = read_ctc_tracks(written / "01_GT" / "TRA" / "man_track.txt")
    pd.testing.assert_frame_equal(tracks, movie.tracks[["label", "start", "end", "parent"]])
    import tifffile

    for t in (0, EVENTFUL.n_frames - 1):
        tra = tifffile.imread(written / "01_GT" / "TRA" / f"man_track{t:03d}.tif")
        seg = tifffile.imread(written / "01_GT" / "SEG" / f"man_seg{t:03d}.tif")
        assert tra.dtype == np.uint16 and tra.shape == EVENTFUL.shape
        np.testing.assert_array_equal(tra, movie.labels[t])
        np.testing.assert_array_equal(seg, movie.labels[t])
        np.testing.assert_array_equal(
            tifffile.imread(written / "01" / f"t{t:03d}.tif"), movie.raw[t]
        )
    params = json.loads((written / "params.json").read_text())
    assert SyntheticSettings(**params["settings"]) == EVENTFUL
    assert params["summary"]["n_divisions"] == EVENTFUL.n_divisions
    assert {"volltrack", "numpy", "tifffile"} <= set(params["versions"])
    lineage = pd.read_csv(written / "gt_lineage.csv")
    pd.testing.assert_frame_equal(lineage, movie.lineage)


def test_write_refuses_a_non_empty_folder(movie, tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(VolltrackError, match="not empty"):
        write_movie(movie, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def _run_cli(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_synth_writes_layout_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "m"
    argv = [
        "synth",
        str(out),
        "--frames",
        "3",
        "--cells",
        "6",
        "--divisions",
        "1",
        "--shape",
        "8",
        "40",
        "40",
        "--seed",
        "4",
        "--quiet",
    ]
    code, _, err = _run_cli(argv, capsys)
    assert code == 0, err
    assert {"raw.tif", "labels.tif", "tissue_mask.tif", "params.json", "01", "01_GT"} <= {
        p.name for p in out.iterdir()
    }
    params = json.loads((out / "params.json").read_text())["settings"]
    assert params["n_frames"] == 3 and params["shape"] == [8, 40, 40] and params["seed"] == 4
    before = (out / "raw.tif").read_bytes()
    code, _, err = _run_cli([*argv[:-1], "--seed", "5", "--quiet"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "not empty" in err
    assert (out / "raw.tif").read_bytes() == before
    code, _, err = _run_cli([*argv, "--overwrite", "--frames", "2"], capsys)
    assert code == 0, err
    assert not (out / "01_GT" / "TRA" / "man_track002.tif").exists()  # stale frame removed
    assert read_image(out / "labels.tif").data.shape[0] == 2


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--voxel-size", "0", "0.5", "0.5"], "voxel_size"),
        (["--shape", "2", "40", "40"], "shape"),
        (["--missed", "0.9"], "missed_detection_prob"),
        (["--config", "/no/such/file.toml"], "no such config file"),
    ],
)
def test_cli_synth_bad_settings_exit_2_in_one_line(tmp_path, capsys, extra, needle):
    code, _, err = _run_cli(["synth", str(tmp_path / "m"), "--quiet", *extra], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and needle in err
    assert err.startswith("volltrack synth: error:")
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").iterdir())


def test_cli_synth_bad_option_type_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["synth", str(tmp_path / "m"), "--frames", "many"])
    assert exc.value.code == 2
    assert re.search(r"--frames: expected an integer, got 'many'", capsys.readouterr().err)


def test_cli_synth_config_file(tmp_path, capsys):
    cfg = tmp_path / "synth.toml"
    cfg.write_text("[synthetic]\nn_frames = 2\nn_cells = 5\nn_divisions = 0\nseed = 9\n")
    code, _, err = _run_cli(
        ["synth", str(tmp_path / "m"), "--config", str(cfg), "--cells", "7", "--quiet"], capsys
    )
    assert code == 0, err
    params = json.loads((tmp_path / "m" / "params.json").read_text())["settings"]
    assert (params["n_frames"], params["n_cells"], params["seed"]) == (2, 7, 9)
    cfg.write_text("[synthetic]\nn_cels = 5\n")
    code, _, err = _run_cli(["synth", str(tmp_path / "n"), "--config", str(cfg)], capsys)
    assert code == 2 and "n_cels" in err


@pytest.mark.jvm
def test_cli_demo_from_ground_truth_labels_runs_the_pipeline_and_scores_it(tmp_path, capsys):
    out = tmp_path / "demo"
    args = ["demo", str(out), "--preset", "small", "--frames", "4", "--gt-labels", "--quiet"]
    code, stdout, err = _run_cli(args, capsys)
    assert code == 0, stdout + err
    assert "all checks passed" in stdout
    assert "FAIL" not in stdout
    assert "py-ctcmetrics" in stdout
    assert "ok   tracking the ground-truth labels: links F1" in stdout
    assert "ok   analysis: the lineage's divisions are the tracker's split points" in stdout
    assert (out / "results" / "analysis" / "tracklets.csv").is_file()
    assert (out / "movie" / "01_GT" / "TRA" / "man_track.txt").is_file()
    for name in ("cells.csv", "tracks.xml", "report.html", "evaluation.json", "volltrack.toml"):
        assert (out / "results" / name).is_file(), name
    scores = json.loads((out / "results" / "evaluation.json").read_text())
    tracking = scores["tracking (py-ctcmetrics)"]
    # ground-truth labels: every cell is detected, so DET is exactly 1
    assert tracking["DET"] == 1.0
    assert 0.9 <= tracking["TRA"] <= 1.0
    assert f"{tracking['TRA']:.3f}" in stdout
    html = (out / "results" / "report.html").read_text()
    assert "Evaluation against ground truth" in html and "DET" in html
    code, _, err = _run_cli(["demo", str(out), "--preset", "small", "--quiet"], capsys)
    assert code == 2 and "not empty" in err


@pytest.mark.slow
def test_demo_preset_movie():
    movie = generate_movie(preset_settings("demo"))
    summary = movie_summary(movie)
    assert summary["cells_per_frame"][0] == 100 and summary["n_frames"] == 15
    assert summary["n_divisions"] == PRESETS["demo"]["n_divisions"]
    assert summary["n_entered"] + summary["n_left"] > 0
    assert validate_ctc(movie.labels, movie.tracks) == []
    assert np.all(movie.tissue_mask[movie.labels > 0])
