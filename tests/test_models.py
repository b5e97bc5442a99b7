"""Model bundles: the shipped bundle loads and segments, broken bundles are one-line ModelErrors,
loading validates before it builds, and importing the package stays free of TensorFlow."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from volltrack._errors import InputError
from volltrack.segmentation import (
    ModelError,
    calibrate_models,
    foreground_target,
    load_models,
    network_outputs,
    normalize_frame,
    outputs_to_result,
    read_manifest,
    shipped_models_path,
    synthetic_training_data,
)
from volltrack.segmentation._models import MANIFEST_NAME

SHIPPED = shipped_models_path()


def test_import_does_not_load_tensorflow():
    code = (
        "import sys, volltrack, volltrack.segmentation; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('tensorflow', 'keras', 'stardist', 'csbdeep', 'n2v')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_shipped_bundle_is_small_and_its_manifest_is_valid():
    manifest = read_manifest(SHIPPED)
    assert manifest.voxel_size_um == (2.0, 0.5, 0.5)
    assert manifest.members.stardist == "stardist" and manifest.members.unet == "unet"
    assert manifest.members.n2v == "n2v"
    assert manifest.training.recipe == "synthetic"
    held = manifest.training.validation["held_out"]
    assert 0 < held["stardist_ap50"] <= 1 and 0 <= held["unet_cc_ap50"] <= 1
    size = sum(p.stat().st_size for p in SHIPPED.rglob("*") if p.is_file())
    assert size < 8 * 2**20
    files = sorted(str(p.relative_to(SHIPPED)) for p in SHIPPED.rglob("*") if p.is_file())
    assert files == [
        "n2v/config.json", "n2v/weights_best.h5",
        "stardist/config.json", "stardist/thresholds.json", "stardist/weights_best.h5",
        "unet/config.json", "unet/weights_best.h5",
        MANIFEST_NAME,
    ]  # fmt: skip


def test_normalize_frame_maps_percentiles_to_0_and_1():
    x = np.random.default_rng(0).gamma(2.0, 100.0, size=(6, 20, 20)).astype(np.uint16)
    y = normalize_frame(x, (2.0, 99.0))
    assert y.dtype == np.float32
    lo, hi = np.percentile(x, [2.0, 99.0])
    np.testing.assert_allclose(y, (x - lo) / (hi - lo), rtol=1e-4, atol=1e-5)
    with pytest.raises(InputError, match="expected a ZYX array"):
        normalize_frame(x[0])


@pytest.mark.dl
def test_shipped_models_load_and_segment_an_unseen_synthetic_frame():
    from stardist.matching import matching

    models = load_models()  # None -> the shipped bundle
    assert models.path == SHIPPED
    assert type(models.stardist).__name__ == "StarDist3D"
    assert type(models.unet).__name__ == "CARE"
    assert type(models.n2v).__name__ == "N2V" and models.roi is None
    assert models.voxel_size == (2.0, 0.5, 0.5)
    assert models.stardist.config.n_dim == 3 and models.stardist.config.anisotropy == (4, 1, 1)
    thresholds = json.loads((SHIPPED / "stardist" / "thresholds.json").read_text())
    own = (models.stardist_prob_thresh, models.stardist_nms_thresh)
    assert own == (thresholds["prob"], thresholds["nms"])
    # the shipped bundle is calibrated: its VollSeg defaults are the manifest's vollseg section
    cal = models.manifest.vollseg
    assert models.calibrated and cal is not None
    assert (models.prob_thresh, models.nms_thresh, models.unet_threshold) == (
        cal.prob_thresh,
        cal.nms_thresh,
        cal.unet_threshold,
    )
    assert not set(cal.volumes) & {f"synthetic-seed{s}" for s in range(20001, 20005)}
    # a frame from a seed never used in the recipe
    data, _ = synthetic_training_data([4242], n_frames=1, n_divisions=0)
    raw, gt = data.raw[0], data.labels[0]
    x = normalize_frame(raw, models)
    sd, _ = models.stardist.predict_instances(
        x, prob_thresh=own[0], nms_thresh=own[1], verbose=False
    )
    assert matching(gt, sd, thresh=0.5).accuracy > 0.5
    fg = np.clip(models.unet.predict(x, "ZYX", normalizer=None), 0, 1)
    assert fg.shape == raw.shape
    # the U-Net finds the eroded cell interiors it was trained on
    target = foreground_target(gt, models.voxel_size) > 0
    mask = fg > models.manifest.unet_threshold
    assert 2 * (mask & target).sum() / (mask.sum() + target.sum()) > 0.7
    den = models.n2v.predict(x, "ZYX")
    assert den.shape == raw.shape and np.isfinite(den).all()


# ---------------------------------------------------------------------------------------------
# broken bundles


@pytest.fixture
def bundle(tmp_path):
    dst = tmp_path / "bundle"
    shutil.copytree(SHIPPED, dst)
    return dst


def _edit_json(path, **changes):
    data = json.loads(path.read_text())
    for key, value in changes.items():
        if value is _DROP:
            data.pop(key)
        else:
            data[key] = value
    path.write_text(json.dumps(data))


_DROP = object()


def _break(bundle, how):
    m = bundle / MANIFEST_NAME
    if how == "no folder":
        shutil.rmtree(bundle)
    elif how == "no manifest":
        m.unlink()
    elif how == "manifest not json":
        m.write_text("{not json")
    elif how == "manifest extra key":
        _edit_json(m, pickle="x")
    elif how == "manifest wrong format":
        _edit_json(m, format="vollseg")
    elif how == "member escapes folder":
        _edit_json(m, members={"stardist": "../stardist", "unet": "unet"})
    elif how == "negative voxel":
        _edit_json(m, voxel_size_um=[2.0, -0.5, 0.5])
    elif how == "member folder missing":
        shutil.rmtree(bundle / "unet")
    elif how == "weights missing":
        (bundle / "stardist" / "weights_best.h5").unlink()
    elif how == "weights not hdf5":
        (bundle / "unet" / "weights_best.h5").write_bytes(b"\x80\x04pickle")
    elif how == "config 2d":
        _edit_json(bundle / "stardist" / "config.json", n_dim=2, axes="YXC")
    elif how == "config unknown key":
        _edit_json(bundle / "unet" / "config.json", custom_objects="os.system")
    elif how == "config two channels":
        _edit_json(bundle / "n2v" / "config.json", n_channel_in=2)
    elif how == "config checkpoint path":
        _edit_json(bundle / "unet" / "config.json", train_checkpoint="../../evil.h5")
    elif how == "thresholds out of range":
        _edit_json(bundle / "stardist" / "thresholds.json", prob=1.5)
    elif how == "thresholds missing":
        (bundle / "stardist" / "thresholds.json").unlink()
    elif how == "vollseg out of range":
        section = json.loads(m.read_text())["vollseg"]
        _edit_json(m, vollseg={**section, "unet_threshold": 1.2})
    elif how == "vollseg unknown key":
        section = json.loads(m.read_text())["vollseg"]
        _edit_json(m, vollseg={**section, "grow": 2.0})
    elif how == "vollseg not an object":
        _edit_json(m, vollseg=[0.5, 0.3, 0.5])


BREAKAGES = {
    "no folder": "model folder does not exist",
    "no manifest": "volltrack-models.json: missing file",
    "manifest not json": "volltrack-models.json: not valid JSON",
    "manifest extra key": "pickle: Extra inputs are not permitted",
    "manifest wrong format": "format: Input should be 'volltrack-models'",
    "member escapes folder": "members.stardist: String should match pattern",
    "negative voxel": "voxel_size_um must be 3 finite values > 0",
    "member folder missing": "unet: missing unet model folder",
    "weights missing": r"stardist/weights_best\.h5: missing weights file",
    "weights not hdf5": r"unet/weights_best\.h5: not an HDF5 weights file",
    "config 2d": r"stardist/config\.json: key 'n_dim' must be 3",
    "config unknown key": r"unet/config\.json: unknown key\(s\) \['custom_objects'\]",
    "config two channels": r"n2v/config\.json: key 'n_channel_in' must be 1",
    "config checkpoint path": r"unet/config\.json: key 'train_checkpoint' must be 'weights_best",
    "thresholds out of range": r"thresholds\.json: key 'prob' must be a number in \(0, 1\)",
    "thresholds missing": r"thresholds\.json: missing file",
    "vollseg out of range": r"vollseg\.unet_threshold: Input should be less than 1",
    "vollseg unknown key": r"vollseg\.grow: Extra inputs are not permitted",
    "vollseg not an object": r"vollseg: Input should be a valid dictionary",
}


# breakages found from the manifest alone; the others are found while checking a member's
# config.json against the library's configuration class, which imports the libraries
_MANIFEST_ONLY = {
    "no folder", "no manifest", "manifest not json", "manifest extra key", "manifest wrong format",
    "member escapes folder", "negative voxel", "vollseg out of range", "vollseg unknown key",
    "vollseg not an object",
}  # fmt: skip


@pytest.mark.parametrize(
    "how",
    [pytest.param(h, marks=() if h in _MANIFEST_ONLY else pytest.mark.dl) for h in BREAKAGES],
)
def test_broken_bundle_is_a_one_line_model_error(bundle, how):
    _break(bundle, how)
    with pytest.raises(ModelError, match=BREAKAGES[how]) as info:
        load_models(bundle)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, InputError)


@pytest.mark.dl
def test_weights_that_do_not_fit_the_architecture_are_a_model_error(bundle):
    # a valid HDF5 file, but the U-Net's weights in the StarDist folder
    shutil.copy(bundle / "unet" / "weights_best.h5", bundle / "stardist" / "weights_best.h5")
    with pytest.raises(ModelError, match=r"stardist/weights_best\.h5: cannot load the stardist"):
        load_models(bundle)


@pytest.mark.dl
def test_calibration_writes_the_vollseg_section_and_segment_defaults_follow_it(bundle):
    from volltrack.evaluation import average_precision

    m = bundle / MANIFEST_NAME
    _edit_json(m, vollseg=_DROP)
    before = load_models(bundle)
    assert not before.calibrated and before.manifest.vollseg is None
    own = (before.stardist_prob_thresh, before.stardist_nms_thresh)
    assert (before.prob_thresh, before.nms_thresh) == own
    assert before.unet_threshold == before.manifest.unet_threshold

    data, _ = synthetic_training_data(
        [4243], n_frames=1, n_divisions=0, shape=(12, 64, 64), n_cells=10
    )
    grid = {"prob_threshs": [0.4], "nms_threshs": [0.2], "unet_thresholds": [0.3]}
    section = calibrate_models(bundle, data.raw, data.labels, names=["v0"], **grid)
    assert section.volumes == ["v0"] and section.n_candidates == 2 * 2 * 2
    assert section.n_true_objects == len(np.unique(data.labels[0])) - 1
    assert json.loads(m.read_text())["vollseg"] == section.model_dump(mode="json")
    assert section.top[0]["ap"] == section.ap >= section.ap_uncalibrated

    after = load_models(bundle)
    chosen = (section.prob_thresh, section.nms_thresh, section.unet_threshold)
    assert (
        after.calibrated and (after.prob_thresh, after.nms_thresh, after.unet_threshold) == chosen
    )
    assert (after.stardist_prob_thresh, after.stardist_nms_thresh) == own  # thresholds.json kept
    # segment's defaults are the calibrated thresholds; the AP stored is theirs
    outputs = network_outputs(data.raw[0], after)
    default = outputs_to_result(outputs, after, with_markers=False)
    explicit = dict(zip(("prob_thresh", "nms_thresh", "unet_threshold"), chosen, strict=True))
    assert np.array_equal(default.labels, outputs_to_result(outputs, after, explicit).labels)
    raw_mask = outputs_to_result(outputs, after, {"grow_foreground": 0.0}).foreground
    assert np.array_equal(raw_mask, outputs.unet >= section.unet_threshold)
    assert average_precision(data.labels, [default.labels], 0.5) == pytest.approx(
        section.ap, abs=1e-4
    )
    # explicit settings still win
    override = outputs_to_result(outputs, after, {"unet_threshold": 0.05, "grow_foreground": 0.0})
    assert np.array_equal(override.foreground, outputs.unet >= 0.05)
