"""Training: data pairing and checks, label-safe augmentation, U-Net targets, a tiny real training
run (written, loadable, resumable) and the ``volltrack train`` command's errors."""

from __future__ import annotations

import itertools
import json
import os

import numpy as np
import pytest
import tifffile
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage.measure import label as cc_label

from volltrack._errors import InputError
from volltrack.cli import main
from volltrack.segmentation import (
    Augmenter,
    TrainSettings,
    foreground_target,
    load_models,
    load_training_data,
    stardist_geometry,
    synthetic_training_data,
    tissue_target,
    train_models,
)

# ---------------------------------------------------------------------------------------------
# data pairing


def _write(folder, name, array):
    folder.mkdir(parents=True, exist_ok=True)
    tifffile.imwrite(folder / name, array)


def _pair(tmp_path, n=2, shape=(6, 16, 16)):
    rng = np.random.default_rng(0)
    raws, labs = [], []
    for i in range(n):
        x = rng.integers(0, 1000, size=shape).astype(np.uint16)
        y = (rng.integers(0, 4, size=shape)).astype(np.uint16)
        _write(tmp_path / "raw", f"img_{i}.tif", x)
        _write(tmp_path / "labels", f"img_{i}_mask.tif", y)  # names differ; sorted order pairs
        raws.append(x)
        labs.append(y)
    return raws, labs


def test_imagej_files_with_one_time_point_are_zyx(tmp_path):
    from volltrack.io import write_imagej_tzyx

    (tmp_path / "raw").mkdir()
    (tmp_path / "labels").mkdir()
    x = np.arange(2 * 3 * 4 * 5, dtype=np.uint16).reshape(1, 3, 4, 10)
    write_imagej_tzyx(tmp_path / "raw" / "a.tif", x, (2.0, 0.5, 0.5), 1.0)
    write_imagej_tzyx(tmp_path / "labels" / "a.tif", (x > 50).astype(np.uint16), (2, 1, 1), 1.0)
    data = load_training_data(tmp_path / "raw", tmp_path / "labels")
    np.testing.assert_array_equal(data.raw[0], x[0])
    write_imagej_tzyx(tmp_path / "raw" / "a.tif", np.concatenate([x, x]), (2, 1, 1), 1.0)
    with pytest.raises(InputError, match=r"a\.tif: expected a ZYX volume .* axes 'TZYX'"):
        load_training_data(tmp_path / "raw", tmp_path / "labels")


def test_pairs_are_matched_by_sorted_name_and_read_exactly(tmp_path):
    raws, labs = _pair(tmp_path, n=3)
    data = load_training_data(tmp_path / "raw", tmp_path / "labels")
    assert data.names == ["img_0.tif", "img_1.tif", "img_2.tif"]
    for x, y, dx, dy in zip(raws, labs, data.raw, data.labels, strict=True):
        np.testing.assert_array_equal(dx, x)
        np.testing.assert_array_equal(dy, y)
        assert dy.dtype == np.int32


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("count", r"3 raw files but .* has 2 label files"),
        ("shape", r"img_1_mask\.tif: shape \(6, 16, 12\) differs from its raw file img_1\.tif"),
        ("float_labels", r"img_0_mask\.tif: labels must be integers"),
        ("negative", r"img_0_mask\.tif: labels must be >= 0"),
        ("2d", r"img_0\.tif: expected a ZYX volume"),
        ("empty", r"no \.tif/\.tiff files in the labels folder"),
        ("missing", r"raw folder does not exist"),
    ],
)
def test_bad_training_data_is_one_line_input_error(tmp_path, breakage, message):
    _pair(tmp_path, n=2)
    raw, lab = tmp_path / "raw", tmp_path / "labels"
    if breakage == "count":
        _write(raw, "img_9.tif", np.zeros((6, 16, 16), np.uint16))
    elif breakage == "shape":
        _write(lab, "img_1_mask.tif", np.zeros((6, 16, 12), np.uint16))
    elif breakage == "float_labels":
        _write(lab, "img_0_mask.tif", np.zeros((6, 16, 16), np.float32))
    elif breakage == "negative":
        _write(lab, "img_0_mask.tif", -np.ones((6, 16, 16), np.int16))
    elif breakage == "2d":
        _write(raw, "img_0.tif", np.zeros((16, 16), np.uint16))
    elif breakage == "empty":
        for p in lab.iterdir():
            p.unlink()
    elif breakage == "missing":
        raw = tmp_path / "nope" / "raw"
    with pytest.raises(InputError, match=message) as info:
        load_training_data(raw, lab)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------------------------------------
# augmentation: exact, label-safe, aligned


def _all_geometries(a):
    for n_flips in range(4):
        for flips in itertools.combinations(range(3), n_flips):
            for k in range(4):
                if k % 2 and a.shape[1] != a.shape[2]:
                    continue
                yield Augmenter.apply_geometry(a, flips, k)


labels_strategy = st.tuples(
    st.integers(2, 6), st.integers(3, 8), st.integers(3, 8), st.integers(0, 2**31 - 1)
).map(lambda t: np.random.default_rng(t[3]).integers(0, 9, size=t[:3]).astype(np.int32))


@settings(max_examples=60, deadline=None)
@given(labels=labels_strategy, seed=st.integers(0, 2**31 - 1), rotate=st.booleans())
def test_augmentation_moves_labels_by_an_exact_index_transform(labels, seed, rotate):
    aug = Augmenter(seed=seed, rotate90=rotate, scale_range=(0.5, 2.0), noise_sigma=0.0)
    raw = labels.astype(np.float32) * 3.0 + 1.0  # raw that encodes the labels: alignment check
    x2, y2 = aug(raw, labels)
    assert y2.dtype == labels.dtype
    assert y2.shape[0] == labels.shape[0]
    # the same IDs with the same voxel counts: nothing interpolated, invented or lost
    ids, counts = np.unique(labels, return_counts=True)
    ids2, counts2 = np.unique(y2, return_counts=True)
    np.testing.assert_array_equal(ids, ids2)
    np.testing.assert_array_equal(counts, counts2)
    # y2 is one of the flips/rotations of the labels, with IDs unchanged (no relabelling)
    assert any(g.shape == y2.shape and np.array_equal(g, y2) for g in _all_geometries(labels))
    if not rotate:
        assert y2.shape == labels.shape
    # raw moved with the labels: x2 is an affine function of y2 voxel by voxel
    a, b = np.polyfit(y2.ravel().astype(float), x2.ravel().astype(float), 1)
    if len(ids) > 1:
        np.testing.assert_allclose(x2, a * y2 + b, rtol=1e-5, atol=1e-4)
        assert 0.5 * 3 - 1e-6 <= a <= 2.0 * 3 + 1e-6


def test_augmentation_is_seeded_and_keeps_channels_and_non_square_patches():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 6, 10, 1)).astype(np.float32)
    y = rng.integers(0, 5, size=(4, 6, 10, 1)).astype(np.float32)
    a1 = [Augmenter(seed=7)(x, y) for _ in range(1)]
    a2 = [Augmenter(seed=7)(x, y) for _ in range(1)]
    np.testing.assert_array_equal(a1[0][0], a2[0][0])
    np.testing.assert_array_equal(a1[0][1], a2[0][1])
    aug = Augmenter(seed=1)
    for _ in range(20):  # a non-square YX patch is never turned by 90°
        x2, y2 = aug(x, y)
        assert x2.shape == x.shape and y2.shape == y.shape
    # the noise changes raw only
    aug = Augmenter(seed=2, noise_sigma=0.5, scale_range=(1, 1), offset_range=(0, 0))
    x2, y2 = aug(x, y)
    assert set(np.unique(y2)) == set(np.unique(y))


# ---------------------------------------------------------------------------------------------
# U-Net targets


def _check_separated(labels, target):
    comps = cc_label(target > 0, connectivity=3)
    for c in range(1, comps.max() + 1):
        assert len(np.unique(labels[comps == c])) == 1, "a component spans two cells"
    return comps


@pytest.mark.parametrize("voxel_size", [(2.0, 0.5, 0.5), (0.5, 0.5, 0.5)])
def test_eroded_targets_separate_touching_synthetic_cells(voxel_size):
    data, _ = synthetic_training_data([5], n_frames=1, n_divisions=0, voxel_size=voxel_size)
    labels = data.labels[0]
    target = foreground_target(labels, voxel_size)
    assert set(np.unique(target)) <= {0.0, 1.0}
    assert np.all(labels[target > 0] > 0)
    comps = _check_separated(labels, target)
    # (almost) every cell keeps a core, almost always as one component (a thin neck or a
    # sliver at the image border may break off)
    cells = [c for c in np.unique(labels) if c]
    owner = [int(labels[comps == c][0]) for c in range(1, comps.max() + 1)]
    assert len(set(owner)) >= 0.9 * len(cells)
    assert len(owner) - len(set(owner)) <= 0.1 * len(cells)
    assert not np.array_equal(target > 0, labels > 0)  # boundaries were really removed


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), aniso=st.booleans())
def test_eroded_targets_never_join_two_cells(seed, aniso):
    # random Voronoi cells touching everywhere, in an arbitrary ID order
    rng = np.random.default_rng(seed)
    shape = (6, 14, 14)
    pts = rng.uniform(0, 1, size=(8, 3)) * shape
    grid = np.stack(np.meshgrid(*[np.arange(s) for s in shape], indexing="ij"), -1)
    d = ((grid[..., None, :] - pts) ** 2).sum(-1)
    labels = (rng.permutation(8) + 1)[d.argmin(-1)].astype(np.int32)
    labels[rng.random(shape) < 0.02] = 0
    target = foreground_target(labels, (2.0, 0.5, 0.5) if aniso else (1.0, 1.0, 1.0))
    _check_separated(labels, target)


def test_tissue_target_fills_holes():
    labels = np.zeros((5, 9, 9), np.int32)
    labels[1:4, 1:8, 1:8] = 1
    labels[2, 4, 4] = 0
    t = tissue_target(labels)
    assert t[2, 4, 4] == 1 and t.sum() == 3 * 7 * 7


def test_stardist_geometry_from_voxel_size():
    anis, grid, pool = stardist_geometry((2.0, 0.5, 0.5))
    assert anis == (4.0, 1.0, 1.0) and grid == (1, 2, 2) and pool == (1, 2, 2)
    assert stardist_geometry((1.0, 1.0, 1.0)) == ((1.0, 1.0, 1.0), (2, 2, 2), (2, 2, 2))


# ---------------------------------------------------------------------------------------------
# settings and the command line


def test_settings_reject_unknown_keys_and_bad_patches():
    with pytest.raises(ValueError, match="extra"):
        TrainSettings(epochs=3)
    with pytest.raises(ValueError, match="multiples of 4"):
        TrainSettings(patch_size=(6, 64, 64))


def _cli_error(capsys, *argv):
    assert main(["train", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_cli_errors_are_one_line_and_write_nothing(tmp_path, capsys):
    out = tmp_path / "bundle"
    assert "--raw DIR and --labels DIR" in _cli_error(capsys, "--out", str(out))
    _pair(tmp_path, n=2)
    raw, lab = str(tmp_path / "raw"), str(tmp_path / "labels")
    assert "--voxel-size" in _cli_error(capsys, "--raw", raw, "--labels", lab, "--out", str(out))
    assert "multiples of 4" in _cli_error(
        capsys, "--raw", raw, "--labels", lab, "--out", str(out), "--voxel-size", "2", "1", "1",
        "--patch-size", "5", "8", "8",
    )  # fmt: skip
    # the 6x16x16 volumes are smaller than the default 8x64x64 patch
    assert "does not fit" in _cli_error(
        capsys, "--raw", raw, "--labels", lab, "--out", str(out), "--voxel-size", "2", "1", "1"
    )
    bad = tmp_path / "train.toml"
    bad.write_text("[train]\nepochz = 3\n")
    assert "epochz" in _cli_error(
        capsys, "--recipe", "synthetic", "--out", str(out), "--config", str(bad)
    )
    both = ("--recipe", "synthetic", "--out", str(out), "--calibrate", str(out))
    assert "either --out BUNDLE (train) or --calibrate BUNDLE" in _cli_error(capsys, *both)
    missing = _cli_error(capsys, "--recipe", "synthetic", "--calibrate", str(tmp_path / "none"))
    assert "none: model folder does not exist" in missing
    out.mkdir()
    assert "already exists" in _cli_error(capsys, "--recipe", "synthetic", "--out", str(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle", "labels", "raw", "train.toml"]
    assert not any(out.iterdir())


# ---------------------------------------------------------------------------------------------
# a tiny real training run


class _Stop(Exception):
    pass


@pytest.mark.dl
@pytest.mark.slow
def test_tiny_training_writes_a_loadable_bundle_and_resumes(tmp_path, capsys):
    data, vs = synthetic_training_data(
        [11, 12], n_frames=1, n_divisions=0, shape=(12, 40, 40), n_cells=6
    )
    s = TrainSettings(
        voxel_size=vs, patch_size=(8, 32, 32), patches_per_volume=2, batch_size=2,
        steps_per_epoch=2, stardist_epochs=1, unet_epochs=1, n2v_epochs=1, roi_epochs=1,
        n_rays=8, stardist_filters=4, unet_filters=4, n2v_filters=4, nms_candidates=(0.3,),
        validation_fraction=0.5,
    )  # fmt: skip
    for i, (x, y) in enumerate(zip(data.raw, data.labels, strict=True)):
        _write(tmp_path / "raw", f"v{i}.tif", x)
        _write(tmp_path / "labels", f"v{i}.tif", y.astype(np.uint16))
    data = load_training_data(tmp_path / "raw", tmp_path / "labels")
    out = tmp_path / "bundle"
    work = tmp_path / ".bundle.partial"

    def stop_after_unet(member):
        if member == "unet":
            raise _Stop

    with pytest.raises(_Stop):
        train_models(data, out, s, on_member=stop_after_unet)
    assert not out.exists()  # nothing half-written at the destination
    unet_weights = work / "unet" / "weights_best.h5"
    assert unet_weights.is_file()
    stamp = unet_weights.stat().st_mtime_ns
    with pytest.raises(InputError, match="other settings"):
        train_models(data, out, s.model_copy(update={"seed": 5}), resume=True)

    # resume through the command line, the settings from a config file
    config = tmp_path / "train.json"
    config.write_text(json.dumps(s.model_dump(mode="json")))
    argv = ["train", "--raw", str(tmp_path / "raw"), "--labels", str(tmp_path / "labels"),
            "--out", str(out), "--config", str(config), "--resume"]  # fmt: skip
    assert main(argv) == 0
    summary = capsys.readouterr().out.strip().splitlines()
    assert len(summary) == 1 and summary[0].startswith(f"wrote {out}: StarDist AP@0.5 ")
    assert (out / "unet" / "weights_best.h5").stat().st_mtime_ns == stamp
    assert not work.exists()
    manifest = json.loads((out / "volltrack-models.json").read_text())
    assert manifest["training"]["settings"] == s.model_dump(mode="json")
    assert manifest["members"] == {"stardist": "stardist", "unet": "unet", "n2v": "n2v",
                                   "roi": "roi"}  # fmt: skip
    val = manifest["training"]["validation"]["validation"]
    assert val["n_images"] == 1 and 0 <= val["stardist_ap50"] <= 1
    for member in ("stardist", "unet", "n2v", "roi"):
        assert sorted(os.listdir(out / member)) == sorted(
            ["config.json", "weights_best.h5"]
            + (["thresholds.json"] if member == "stardist" else [])
        )
    models = load_models(out)
    assert models.stardist.config.n_rays == 8
    assert models.stardist.config.anisotropy == (4.0, 1.0, 1.0)
    assert models.stardist.config.grid == (1, 2, 2)
    assert models.n2v is not None and models.roi is not None
    assert 0 < models.stardist_prob_thresh < 1 and models.stardist_nms_thresh == 0.3
    # training ends with the VollSeg-level search on the validation volume
    cal = manifest["vollseg"]
    assert cal["volumes"] == manifest["training"]["validation"]["validation_volumes"]
    assert models.calibrated
    assert (models.prob_thresh, models.nms_thresh, models.unet_threshold) == (
        cal["prob_thresh"],
        cal["nms_thresh"],
        cal["unet_threshold"],
    )
    # recalibrate on both volumes through the command line: only the manifest changes
    weights = (out / "stardist" / "weights_best.h5").read_bytes()
    raw_dir, lab_dir = str(tmp_path / "raw"), str(tmp_path / "labels")
    assert main(["train", "--calibrate", str(out), "--raw", raw_dir, "--labels", lab_dir]) == 0
    assert capsys.readouterr().out.strip().startswith(f"calibrated {out}: prob_thresh ")
    again = json.loads((out / "volltrack-models.json").read_text())
    assert again["vollseg"]["volumes"] == ["v0.tif", "v1.tif"]
    assert {k: v for k, v in again.items() if k != "vollseg"} == {
        k: v for k, v in manifest.items() if k != "vollseg"
    }
    assert (out / "stardist" / "weights_best.h5").read_bytes() == weights
    with pytest.raises(InputError, match="already exists"):
        train_models(data, out, s)
    assert main(argv) == 2  # no --overwrite
    assert "already exists" in capsys.readouterr().err
