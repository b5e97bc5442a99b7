"""Segmentation scores: hand-built cases with known TP/FP/FN, pooling, mask scores, the CLI."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import tifffile

from volltrack._errors import InputError
from volltrack.cli import main
from volltrack.evaluation import (
    DEFAULT_TAUS,
    MATCHING_METRICS,
    average_precision,
    mask_scores,
    segmentation_scores,
)
from volltrack.io import write_imagej_tzyx

VS = (1.0, 0.5, 0.5)


def box_labels(shape=(8, 24, 32), boxes=()):
    out = np.zeros(shape, dtype=np.uint16)
    for label, (lo, hi) in boxes:
        out[lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]] = label
    return out


def two_cells():
    return box_labels(boxes=[(1, ((1, 2, 2), (6, 12, 12))), (2, ((1, 14, 16), (7, 22, 30)))])


# ------------------------------------------------------------------------------------------
# hand-built cases


def test_identical_labels_score_one_at_every_tau():
    gt = two_cells()
    pred = np.where(gt == 1, 7, np.where(gt == 2, 3, 0)).astype(np.int32)  # other IDs
    scores = segmentation_scores([gt], [pred])
    assert scores.taus == DEFAULT_TAUS
    for tau in DEFAULT_TAUS:
        for scope_image in (None, "image 0"):
            assert scores.value("ap", tau, scope_image) == 1.0
            assert scores.value("tp", tau, scope_image) == 2
            assert scores.value("fp", tau, scope_image) == 0
            assert scores.value("panoptic_quality", tau, scope_image) == 1.0
    assert scores.value("dice", image="image 0") == 1.0
    assert scores.value("nrmse", image="image 0") == 0.0
    assert scores.value("ssim", image="image 0") == pytest.approx(1.0)


def test_shifted_object_matches_only_up_to_its_iou():
    # 10×10×10 cube shifted by 2 voxels along x: IoU = 800 / 1200 = 2/3
    gt = box_labels((12, 12, 16), [(1, ((1, 1, 1), (11, 11, 11)))])
    pred = box_labels((12, 12, 16), [(5, ((1, 1, 3), (11, 11, 13)))])
    scores = segmentation_scores(gt, pred)
    for tau in DEFAULT_TAUS:
        matched = tau <= 2 / 3
        assert scores.value("tp", tau) == int(matched)
        assert scores.value("fp", tau) == int(not matched)
        assert scores.value("fn", tau) == int(not matched)
        assert scores.value("ap", tau) == float(matched)
    assert scores.value("mean_matched_score", 0.5) == pytest.approx(2 / 3)
    assert scores.value("panoptic_quality", 0.5) == pytest.approx(2 / 3)
    assert scores.value("dice", image="image 0") == pytest.approx(2 * 800 / 2000)


def test_split_and_merged_objects():
    whole = box_labels(boxes=[(1, ((0, 0, 0), (4, 10, 20)))])
    halves = box_labels(boxes=[(1, ((0, 0, 0), (4, 10, 10))), (2, ((0, 0, 10), (4, 10, 20)))])
    # split: one half matches the cell with IoU exactly 0.5 (≥ τ counts), the other is an FP
    split = segmentation_scores(whole, halves, taus=(0.5, 0.6))
    assert [split.value(m, 0.5) for m in ("tp", "fp", "fn")] == [1, 1, 0]
    assert split.value("ap", 0.5) == pytest.approx(0.5)
    assert split.value("precision", 0.5) == pytest.approx(0.5)
    assert split.value("recall", 0.5) == 1.0
    assert [split.value(m, 0.6) for m in ("tp", "fp", "fn")] == [0, 2, 1]
    # merge: the mirror image, one cell missed
    merged = segmentation_scores(halves, whole, taus=(0.5,))
    assert [merged.value(m, 0.5) for m in ("tp", "fp", "fn")] == [1, 0, 1]
    assert merged.value("f1", 0.5) == pytest.approx(2 / 3)
    assert merged.value("mean_true_score", 0.5) == pytest.approx(0.25)
    # the voxels are the same: the mask scores are perfect in both directions
    assert split.value("dice", image="image 0") == 1.0 == merged.value("dice", image="image 0")


def test_pooled_scores_sum_counts_over_images_and_agree_with_stardist():
    from stardist.matching import matching, matching_dataset

    rng = np.random.default_rng(3)
    gts, preds = [], []
    for _ in range(3):
        gt = two_cells()
        pred = np.roll(gt, int(rng.integers(-3, 4)), axis=2)
        pred[0, :4, :4] = 9  # a spurious object
        gts.append(gt)
        preds.append(pred)
    scores = segmentation_scores(gts, preds, taus=(0.3, 0.5, 0.8), names=["a", "b", "c"])
    t = scores.table
    for tau in (0.3, 0.5, 0.8):
        image_rows = t[(t["scope"] == "image") & np.isclose(t["tau"], tau)]
        counts = {
            m: image_rows.loc[image_rows["metric"] == m, "value"].sum() for m in MATCHING_METRICS
        }
        assert scores.value("ap", tau) == pytest.approx(
            counts["tp"] / (counts["tp"] + counts["fp"] + counts["fn"])
        )
        assert scores.value("ap", tau) == pytest.approx(
            matching_dataset(gts, preds, thresh=tau, show_progress=False).accuracy
        )
        assert average_precision(gts, preds, tau) == pytest.approx(scores.value("ap", tau))
        for name, g, p in zip("abc", gts, preds, strict=True):
            reference = matching(g, p, thresh=tau)._asdict()
            for metric in MATCHING_METRICS:
                key = "accuracy" if metric == "ap" else metric
                assert scores.value(metric, tau, name) == pytest.approx(reference[key])
    assert set(t["scope"]) == {"pooled", "image"}
    assert t[t["scope"] == "pooled"]["image"].eq("").all()


def test_mask_scores_by_hand():
    gt = np.zeros((8, 8, 8), np.uint8)
    gt[:4] = 1  # 256 voxels
    pred = np.zeros_like(gt)
    pred[2:6] = 3  # 256 voxels, 128 shared
    s = mask_scores(gt, pred)
    assert s["dice"] == pytest.approx(0.5)
    assert s["nrmse"] == pytest.approx(np.sqrt(256 / 256))  # |gt - pred|² = 256, |gt|² = 256
    assert -1 <= s["ssim"] < 1
    empty = mask_scores(np.zeros_like(gt), np.zeros_like(gt))
    assert empty["dice"] == 1.0 and np.isnan(empty["nrmse"])


@pytest.mark.parametrize(
    ("gt", "pred", "match"),
    [
        (np.zeros((4, 5, 6), np.uint8), np.zeros((4, 5, 7), np.uint8), r"image 0: .*\(4, 5, 6\)"),
        (np.zeros((4, 5, 6), np.float32), np.zeros((4, 5, 6), np.uint8), "dtype float32"),
        (np.zeros((2, 4, 5, 6), np.uint8), np.zeros((2, 4, 5, 6), np.uint8), "shape"),
        (np.full((4, 5, 6), -1), np.zeros((4, 5, 6), np.uint8), ">= 0"),
    ],
)
def test_bad_arrays_raise_input_error(gt, pred, match):
    with pytest.raises(InputError, match=match):
        segmentation_scores(gt, pred)


def test_bad_tau_raises():
    with pytest.raises(InputError, match=r"\(0, 1\]"):
        segmentation_scores(two_cells(), two_cells(), taus=(0.0, 0.5))


def test_import_stays_light():
    code = (
        "import sys, volltrack.evaluation; "
        "print('stardist' in sys.modules, 'tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------------------------------
# CLI


def write_pair(folder, name, gt, pred):
    (folder / "gt").mkdir(exist_ok=True)
    (folder / "pred").mkdir(exist_ok=True)
    write_imagej_tzyx(folder / "gt" / f"{name}.tif", gt, VS, 1.0)
    write_imagej_tzyx(folder / "pred" / f"{name}_pred.tif", pred, VS, 1.0)


def test_cli_folders_of_movies(tmp_path, capsys):
    gt = np.stack([two_cells(), two_cells()])
    pred = gt.copy()
    pred[1][pred[1] == 2] = 0  # frame 1 misses a cell
    write_pair(tmp_path, "a", gt, pred)
    write_pair(tmp_path, "b", gt[:1], gt[:1])
    out = tmp_path / "scores"
    args = ["evaluate", "segmentation", str(tmp_path / "gt"), str(tmp_path / "pred")]
    assert main([*args, "--out", str(out), "--taus", "0.5", "0.9"]) == 0
    assert "pooled AP@0.5 = 0.833" in capsys.readouterr().out  # 5 TP, 1 FN
    table = pd.read_csv(out / "segmentation_scores.csv")
    table["image"] = table["image"].fillna("")
    assert list(table.columns) == ["scope", "image", "metric", "tau", "value"]
    assert set(table["image"]) == {"", "a.tif:t0", "a.tif:t1", "b.tif"}
    rows = table[(table["image"] == "a.tif:t1") & (table["metric"] == "fn")]
    assert rows["value"].tolist() == [1, 1]
    assert (out / "segmentation_scores.png").read_bytes()[:4] == b"\x89PNG"
    # a second run refuses to overwrite, one line, exit 2, files untouched
    before = (out / "segmentation_scores.csv").read_bytes()
    assert main([*args, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already exists" in err[0]
    assert (out / "segmentation_scores.csv").read_bytes() == before
    assert main([*args, "--out", str(out), "--quiet", "--overwrite"]) == 0
    assert len(pd.read_csv(out / "segmentation_scores.csv")) > len(table)  # 9 τ now


def bad_case(tmp_path, case):
    gt = np.stack([two_cells()])
    if case == "unpaired":
        write_pair(tmp_path, "a", gt, gt)
        write_imagej_tzyx(tmp_path / "pred" / "z_extra.tif", gt, VS, 1.0)
        return tmp_path / "gt", tmp_path / "pred", "z_extra.tif"
    if case == "shape":
        write_pair(tmp_path, "a", gt, gt[:, :, :, :-1])
        return tmp_path / "gt", tmp_path / "pred", "a_pred.tif"
    if case == "float":
        write_pair(tmp_path, "a", gt, gt.astype(np.float32))
        return tmp_path / "gt", tmp_path / "pred", "a_pred.tif"
    if case == "ndim":
        (tmp_path / "gt").mkdir()
        tifffile.imwrite(tmp_path / "gt" / "flat.tif", np.zeros((5, 6), np.uint8))
        write_imagej_tzyx(tmp_path / "pred.tif", gt, VS, 1.0)
        return tmp_path / "gt" / "flat.tif", tmp_path / "pred.tif", "flat.tif"
    if case == "missing":
        write_pair(tmp_path, "a", gt, gt)
        return tmp_path / "gt", tmp_path / "nothing", "nothing"
    if case == "corrupt":
        write_pair(tmp_path, "a", gt, gt)
        (tmp_path / "pred" / "a_pred.tif").write_bytes(b"not a tiff")
        return tmp_path / "gt", tmp_path / "pred", "a_pred.tif"
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["unpaired", "shape", "float", "ndim", "missing", "corrupt"])
def test_cli_bad_input_one_line_exit_2_nothing_written(tmp_path, capsys, case):
    gt, pred, named = bad_case(tmp_path, case)
    out = tmp_path / "scores"
    assert main(["evaluate", "segmentation", str(gt), str(pred), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("volltrack evaluate: error:") and named in err[0], err[0]
    assert not out.exists()


def test_cli_bad_tau_and_missing_kind(tmp_path, capsys):
    gt = tmp_path / "gt.tif"
    write_imagej_tzyx(gt, np.stack([two_cells()]), VS, 1.0)
    out = tmp_path / "scores"
    assert (
        main(["evaluate", "segmentation", str(gt), str(gt), "--out", str(out), "--taus", "1.5"])
        == 2
    )
    assert "(0, 1]" in capsys.readouterr().err
    assert not out.exists()
    assert main(["evaluate"]) == 2
    assert "segmentation" in capsys.readouterr().err
