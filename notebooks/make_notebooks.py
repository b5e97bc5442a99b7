"""Write the notebooks of this folder from the cells below (outputs stripped).

Run ``python notebooks/make_notebooks.py`` after editing; ``tests/test_notebooks.py`` checks that
the committed notebooks are what this script writes, and executes each of them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

TRAINING = [
    (
        "md",
        """# 1 · Training the segmentation models

volltrack segments membrane-labelled cells with three networks kept together in one **model
bundle** (a folder): StarDist-3D (star-convex instances), a CARE U-Net (foreground probability)
and, optionally, Noise2Void (denoising). This notebook trains a bundle on synthetic membrane
movies with exact ground truth, loads it back and segments a frame with it.

The sizes below are tiny so the notebook runs in about a minute on two CPU cores (as in CI);
for a usable bundle raise the epochs and the number of movies (the shipped bundle's settings are
`TrainSettings()`'s defaults, `volltrack train --recipe synthetic`).""",
    ),
    (
        "code",
        """# parameters: small for CI
N_MOVIES = 2          # synthetic movies (one seed each) used for training
N_FRAMES = 2          # frames per movie; each frame is one training volume
EPOCHS = 1            # epochs of every network
STEPS_PER_EPOCH = 2
SMALL = {"shape": (12, 48, 48), "n_cells": 6, "n_divisions": 0}  # tiny volumes""",
    ),
    (
        "code",
        """import tempfile
from pathlib import Path

import numpy as np

from volltrack.segmentation import (
    TrainSettings,
    load_models,
    segment,
    synthetic_training_data,
    train_models,
)

work = Path(tempfile.mkdtemp(prefix="volltrack-training-"))
data, voxel_size = synthetic_training_data(range(N_MOVIES), n_frames=N_FRAMES, **SMALL)
held_out, _ = synthetic_training_data([100], n_frames=1, **SMALL)
print(len(data.raw), "training volumes of shape", data.raw[0].shape, "voxel size", voxel_size)
assert len(data.raw) == len(data.labels) == N_MOVIES * N_FRAMES
assert all(r.shape == y.shape for r, y in zip(data.raw, data.labels, strict=True))""",
    ),
    (
        "md",
        """## Train every network into one bundle
`train_models` trains in a work folder beside the bundle and renames it into place only when
every network is finished, so the bundle is never half-written. The validation scores (StarDist
matching on the held-out volumes) go into the bundle's manifest `volltrack-models.json`.""",
    ),
    (
        "code",
        """settings = TrainSettings(
    voxel_size=voxel_size, patch_size=(8, 32, 32), patches_per_volume=2, batch_size=2,
    steps_per_epoch=STEPS_PER_EPOCH, stardist_epochs=EPOCHS, unet_epochs=EPOCHS,
    n2v_epochs=EPOCHS, n_rays=8, stardist_filters=4, unet_filters=4, n2v_filters=4,
    nms_candidates=(0.3,), validation_fraction=0.5,
)
bundle = train_models(data, work / "my-models", settings, held_out=held_out, recipe="synthetic")
print(sorted(p.name for p in bundle.iterdir()))
assert (bundle / "volltrack-models.json").is_file()
assert {"stardist", "unet", "n2v"} <= {p.name for p in bundle.iterdir()}""",
    ),
    (
        "code",
        """import json

manifest = json.loads((bundle / "volltrack-models.json").read_text())
print(json.dumps(manifest["training"]["validation"], indent=1)[:800])
assert manifest["format"] == "volltrack-models"
assert tuple(manifest["voxel_size_um"]) == tuple(voxel_size)""",
    ),
    (
        "md",
        """## Load the bundle and segment a frame
`load_models` validates the manifest and every network's configuration before building the
networks (a broken folder is a one-line `ModelError`), then loads the weights.""",
    ),
    (
        "code",
        """models = load_models(bundle)
frame, truth = held_out.raw[0], held_out.labels[0]
result = segment(frame, models)
print("cells found:", len(np.unique(result.labels)) - 1, "— in the ground truth:",
      len(np.unique(truth)) - 1)
assert result.labels.shape == frame.shape
assert result.labels.dtype.kind in "iu"
assert models.voxel_size == tuple(voxel_size)""",
    ),
    (
        "md",
        """With one epoch the networks have learnt little; the shipped bundle
(`volltrack.segmentation.shipped_models_path()`) is what `volltrack segment`, `volltrack run`
and `volltrack demo` use by default. Train on your own data with
`volltrack train --raw RAW_DIR --labels LABELS_DIR --voxel-size Z Y X --out my-models`, then
name the bundle in `volltrack.toml` (`[input] models = "my-models"`).""",
    ),
]

PREDICTION = [
    (
        "md",
        """# 2 · Segmenting a movie

`volltrack.segmentation.segment` segments one 3D frame: N2V denoising (when the bundle has it),
StarDist-3D instances and the U-Net foreground, fused by a marker-controlled watershed (VollSeg's
fusion, with its bugs fixed). `segment_movie` runs it frame by frame into a folder and is
resumable. Here: the shipped bundle on a small synthetic movie, scored against its ground
truth.""",
    ),
    (
        "code",
        """# parameters: small for CI
N_FRAMES = 2
SEED = 7""",
    ),
    (
        "code",
        """import tempfile
from pathlib import Path

import numpy as np

from volltrack.evaluation import segmentation_scores
from volltrack.segmentation import SegmentSettings, load_models, segment, segment_movie
from volltrack.synthetic import generate_movie, preset_settings, write_movie

work = Path(tempfile.mkdtemp(prefix="volltrack-prediction-"))
movie = generate_movie(preset_settings("small", n_frames=N_FRAMES, seed=SEED))
write_movie(movie, work / "movie")
models = load_models()  # the shipped bundle
print("bundle:", models.path.name, "voxel size", models.voxel_size,
      "thresholds", models.prob_thresh, models.nms_thresh, models.unet_threshold)
print("movie:", movie.raw.shape, "voxel size", movie.voxel_size)""",
    ),
    (
        "md",
        """## One frame
The result is a frozen dataclass whose fields always exist (None when not computed): the fused
labels, StarDist's own instances, the U-Net mask, the flooded probability landscape, the
watershed markers and the denoised image.""",
    ),
    (
        "code",
        """settings = SegmentSettings(voxel_size=movie.voxel_size)
result = segment(movie.raw[0], models, settings)
for name in ("labels", "stardist_labels", "foreground", "probability", "markers", "denoised"):
    value = getattr(result, name)
    print(f"{name:12s}", None if value is None else (value.shape, value.dtype))
assert result.labels.shape == movie.raw[0].shape""",
    ),
    (
        "code",
        """from matplotlib.figure import Figure

z = movie.raw.shape[1] // 2
fig = Figure(figsize=(9, 3))
for ax, image, title in zip(
    fig.subplots(1, 3),
    (movie.raw[0, z], result.labels[z], movie.labels[0, z]),
    ("raw", "volltrack labels", "ground truth"),
    strict=True,
):
    ax.imshow(image, cmap="gray" if title == "raw" else "tab20", interpolation="nearest")
    ax.set_title(title)
    ax.axis("off")
fig""",
    ),
    (
        "md",
        """## The whole movie, resumable
`segment_movie` writes each frame as it completes (`OUT/labels/t00000.tif`, …) and the TZYX
movies at the end, with its settings and the bundle's fingerprint in `segment.json`; a second
call skips the finished frames.""",
    ),
    (
        "code",
        """done = []
files = segment_movie(work / "movie" / "raw.tif", work / "segmentation", models, settings,
                      progress=lambda d, n, skipped: done.append(skipped))
print({k: v.name for k, v in files.items()})
assert done == [False] * N_FRAMES
again = []
segment_movie(work / "movie" / "raw.tif", work / "segmentation", models, settings,
              progress=lambda d, n, skipped: again.append(skipped))
assert again == [True] * N_FRAMES  # every frame was finished: nothing recomputed""",
    ),
    (
        "md",
        """## Scores against the ground truth
StarDist matching at IoU thresholds τ: AP = TP / (TP + FP + FN), precision, recall, F1,
panoptic quality; pooled over frames. The numbers are checked against `stardist.matching`.""",
    ),
    (
        "code",
        """from stardist.matching import matching_dataset

from volltrack.io import read_image

pred = read_image(files["labels"]).data
scores = segmentation_scores(list(movie.labels), list(pred), taus=(0.3, 0.5, 0.7))
pooled = scores.table[scores.table["scope"] == "pooled"]
print(pooled.pivot(index="metric", columns="tau", values="value").loc[
    ["ap", "precision", "recall", "f1", "panoptic_quality"]].round(3))
oracle = matching_dataset(list(movie.labels), list(pred), thresh=0.5, show_progress=False)
assert abs(scores.value("ap", 0.5) - oracle.accuracy) < 1e-9
assert np.array_equal(pred[0], result.labels)  # the movie's frame 0 is the frame above""",
    ),
]

TRACKING = [
    (
        "md",
        """# 3 · Tracking and track analysis

From a label movie to tracks and their analysis, through the same pipeline as
`volltrack run volltrack.toml`: measure → track (BTrackmate, TrackMate's LAP tracker, in this
Python process) → analyze → report. Here the labels are the synthetic movie's ground truth
(users bring their own labels the same way: `[input] labels = ...`), so the tracking can be
scored exactly.""",
    ),
    (
        "code",
        """# parameters: small for CI
N_FRAMES = 6
N_CELLS = 20
SEED = 4""",
    ),
    (
        "code",
        """import tempfile
from pathlib import Path

import volltrack
from volltrack.config import PipelineConfig
from volltrack.synthetic import generate_movie, preset_settings, write_movie

work = Path(tempfile.mkdtemp(prefix="volltrack-tracking-"))
movie = generate_movie(preset_settings("small", n_frames=N_FRAMES, n_cells=N_CELLS,
                                       n_divisions=3, seed=SEED))
write_movie(movie, work / "movie")
config = PipelineConfig.model_validate({
    "input": {"raw": str(work / "movie" / "raw.tif"), "labels": str(work / "movie" / "labels.tif"),
              "mask": str(work / "movie" / "tissue_mask.tif")},
    "output": {"dir": str(work / "results")},
    "track": {"tracker": {"LINKING_MAX_DISTANCE": 6.0, "GAP_CLOSING_MAX_DISTANCE": 8.0,
                          "ALLOW_TRACK_SPLITTING": True, "SPLITTING_MAX_DISTANCE": 8.0}},
    "analyze": {"figure_formats": ["png"]},
})
volltrack.save_config(config, work / "volltrack.toml")
print((work / "volltrack.toml").read_text()[:600])""",
    ),
    (
        "code",
        """result = volltrack.run_pipeline(work / "volltrack.toml")
for stage in result.stages:
    print(f"{stage.stage:8s} {stage.status:10s} {stage.seconds:5.1f} s")
assert result.ran == ("measure", "track", "analyze", "report")
# a second run finds nothing changed
assert volltrack.run_pipeline(work / "volltrack.toml").ran == ()""",
    ),
    (
        "md",
        """## The tracks: a TrackMate XML
`tracks.xml` opens in Fiji (*Load a TrackMate file*, TrackScheme). In Python it reads into
tables, and into a lineage of **tracklets** (chains between divisions).""",
    ),
    (
        "code",
        """from volltrack.analysis import lineage_from_trackmate
from volltrack.io import read_trackmate

data = read_trackmate(result.tracks_xml)
lineage = lineage_from_trackmate(data)
print(len(data.spots), "cells,", len(data.edges), "links,", len(lineage.tracks), "tracks,",
      len(lineage.tracklets), "tracklets")
print(lineage.tracklets[["tracklet_id", "track_id", "generation", "start_frame", "end_frame",
                         "start", "end"]].head())
assert len(data.spots) == sum(len(set(f[f > 0].tolist())) for f in movie.labels)""",
    ),
    (
        "md",
        """## Scored against the ground truth
The tracks are exported as a Cell Tracking Challenge result and scored by py-ctcmetrics
(DET, TRA, LNK, divisions), with link precision/recall on the matched cells.""",
    ),
    (
        "code",
        """from volltrack.evaluation import evaluate_tracking
from volltrack.io import export_ctc

export_ctc(result.tracks_xml, result.labels, work / "ctc" / "01_RES")
scores = evaluate_tracking(work / "movie" / "01_GT", work / "ctc" / "01_RES")
print(f"DET {scores.det:.3f}  TRA {scores.tra:.3f}  LNK {scores.lnk:.3f}  "
      f"divisions {scores.division_tp}/{scores.gt_divisions}")
print(f"links: precision {scores.links.link_precision:.3f}, recall {scores.links.link_recall:.3f}")
assert scores.valid
assert scores.det == 1.0  # the ground-truth labels: every cell is detected
assert scores.links.link_precision > 0.9 and scores.links.link_recall > 0.9""",
    ),
    (
        "md",
        """## Track analysis
`OUT/analysis/` holds the tables and figures of `volltrack analyze`: motion (speed, MSD),
population over time, divisions, the signed distance to the tissue boundary.""",
    ),
    (
        "code",
        """import pandas as pd

population = pd.read_csv(result.analysis_dir / "population.csv")
tracklets = pd.read_csv(result.analysis_dir / "tracklets.csv")
print(population.head())
print(sorted(p.name for p in result.analysis_dir.iterdir()))
assert len(population) == N_FRAMES
assert (tracklets["end"] == "division").sum() == (lineage.tracklets["end"] == "division").sum()""",
    ),
    (
        "code",
        """from volltrack.analysis import analyze_tracks, plot_msd

analysis = analyze_tracks(result.tracks_xml)
fig = plot_msd(analysis.msd, analysis.msd_ensemble)
fig""",
    ),
    (
        "md",
        """## The report
`OUT/report.html` is one self-contained file: cells per frame, divisions, track lengths,
example tracks and the settings used. Change a setting and run again: only what it affects
reruns.""",
    ),
    (
        "code",
        """html = result.report.read_text()
assert "data:image/png;base64," in html and "LINKING_MAX_DISTANCE" in html
changed = config.model_copy(update={"track": config.track.updated(LINKING_MAX_DISTANCE=5.0)})
volltrack.save_config(changed, work / "volltrack.toml", overwrite=True)
rerun = volltrack.run_pipeline(work / "volltrack.toml")
print("ran:", rerun.ran, "skipped:", rerun.skipped)
assert rerun.ran[0] == "track" and "measure" in rerun.skipped""",
    ),
]

NOTEBOOKS = {
    "01_training.ipynb": TRAINING,
    "02_prediction.ipynb": PREDICTION,
    "03_tracking_and_analysis.ipynb": TRACKING,
}


def build(cells) -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def main(folder: Path = HERE) -> int:
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(cells), folder / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
