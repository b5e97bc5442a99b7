"""volltrack demo end to end with the shipped models: segment → measure → track → analyze → report,
scored against the synthetic ground truth (checked here against stardist.matching and
py-ctcmetrics directly)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from volltrack.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.dl, pytest.mark.jvm]


def test_demo_with_the_shipped_models_on_a_tiny_movie(tmp_path, capsys):
    from stardist.matching import matching_dataset

    from volltrack.io import read_image

    out = tmp_path / "demo"
    code = main(["demo", str(out), "--preset", "small", "--frames", "3", "--quiet"])
    stdout = capsys.readouterr().out
    assert code == 0, stdout
    assert "pipeline (the shipped models)" in stdout
    assert "segment  ran" in stdout
    results = out / "results"
    pred = read_image(results / "segment" / "labels.tif").data
    gt = read_image(out / "movie" / "labels.tif").data
    assert pred.shape == gt.shape and pred.dtype.kind in "iu"

    scores = json.loads((results / "evaluation.json").read_text())
    seg = scores["segmentation (IoU ≥ 0.5)"]
    oracle = matching_dataset(list(gt), list(pred), thresh=0.5, show_progress=False)
    assert seg["AP@0.5"] == pytest.approx(oracle.accuracy, abs=1e-9)
    assert seg["recall"] == pytest.approx(oracle.recall, abs=1e-9)
    assert seg["cells (ground truth)"] == oracle.n_true
    assert seg["cells (found)"] == oracle.n_pred
    assert f"{seg['AP@0.5']:.3f}" in stdout

    tracking = scores["tracking (py-ctcmetrics)"]
    for key in ("DET", "TRA", "LNK"):
        assert 0.0 <= tracking[key] <= 1.0
    # the CTC result the scores come from: the pipeline's labels (every segment a cell, every
    # cell exported), relabelled by track
    res = results / "ctc" / "01_RES"
    masks = sorted(res.glob("mask*.tif"))
    assert len(masks) == 3
    for t, path in enumerate(masks):
        mask = read_image(path).data.reshape(pred.shape[1:])
        assert np.array_equal(mask > 0, pred[t] > 0)

    html = (results / "report.html").read_text()
    assert "AP@0.5" in html and "TRA" in html and "[segment]" in html
    records = {p.stem for p in (results / ".volltrack").glob("*.json")}
    assert {"segment", "measure", "track", "analyze", "report"} <= records
