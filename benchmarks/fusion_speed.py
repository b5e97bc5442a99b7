"""``volltrack.segmentation.fuse`` vs the original VollSeg fusion: wall time and accuracy.

Not a test: timings are noisy, so this script prints figures measured in one run on one machine.

The scene is a synthetic tissue (default 64 x 256 x 256 voxels): Voronoi cells inside an
ellipsoidal organoid, with

* a U-Net foreground that is every cell except a few the U-Net "missed";
* StarDist instances that are one-voxel erosions of most cells (some cells are "missed");
* a landscape like a StarDist probability: each detected cell's depth, normalised, plus noise.

Both fusions get the same float32 arrays. The original is ``tests/original_vollseg.py`` (the
v8-32.4.0 algorithm written from spec/vollseg.md §2.1), with its rescue painting vectorised per
object, so it is if anything faster than the released code. Each is timed ``--repeat`` times; the
best time is reported, with AP at IoU 0.5 against the ground truth when ``stardist`` is installed.

Usage::

    PYTHONPATH=python python benchmarks/fusion_speed.py [--shape 64 256 256] [--cells 300]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import ndimage as ndi

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "tests"))

from original_vollseg import original_fusion  # noqa: E402
from volltrack.segmentation import fuse  # noqa: E402


def synthetic_scene(shape, n_cells, seed):
    """Ground truth, landscape, StarDist instances and U-Net foreground of a synthetic tissue."""
    rng = np.random.default_rng(seed)
    shape = np.asarray(shape)
    grid = np.indices(tuple(shape), dtype=np.float32)
    centre = (shape - 1) / 2
    radii = shape * 0.45
    inside = sum(((g - c) / r) ** 2 for g, c, r in zip(grid, centre, radii, strict=True)) <= 1
    del grid
    points = np.argwhere(inside)[rng.choice(int(inside.sum()), n_cells, replace=False)]
    sites = np.ones(tuple(shape), dtype=bool)
    sites[tuple(points.T)] = False
    _, nearest = ndi.distance_transform_edt(sites, return_indices=True)
    site_id = np.zeros(tuple(shape), dtype=np.int32)
    site_id[tuple(points.T)] = np.arange(1, n_cells + 1)
    truth = np.where(inside, site_id[tuple(nearest)], 0).astype(np.int32)
    del nearest, sites

    # Depth of each voxel inside its own cell, normalised per cell: a probability-like landscape.
    border = np.zeros(truth.shape, dtype=bool)
    for axis in range(3):
        a = [slice(None)] * 3
        b = [slice(None)] * 3
        a[axis] = slice(1, None)
        b[axis] = slice(None, -1)
        differ = truth[tuple(a)] != truth[tuple(b)]
        border[tuple(a)] |= differ
        border[tuple(b)] |= differ
    depth = ndi.distance_transform_edt(~border & (truth > 0)).astype(np.float32)
    deepest = ndi.maximum(depth, truth, index=np.arange(n_cells + 1))
    deepest[0] = 1
    normalised = depth / np.maximum(deepest[truth], 1).astype(np.float32)

    detected = rng.random(n_cells + 1) < 0.85
    detected[0] = False
    unet_missed = rng.random(n_cells + 1) < 0.03
    unet_missed[0] = False
    instances = np.where(detected[truth] & (depth >= 1), truth * 7 + 1000, 0).astype(np.int32)
    landscape = np.where(detected[truth], normalised, 0.05).astype(np.float32)
    landscape += 0.03 * rng.random(truth.shape, dtype=np.float32)
    foreground = (truth > 0) & ~unet_missed[truth]
    return truth, landscape, instances, foreground


def best_time(function, repeat):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", type=int, nargs=3, default=(64, 256, 256))
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--missed-cell-radius",
        type=float,
        default=3.0,
        help="µm; also time fuse(..., missed_cell_radius=this)",
    )
    args = parser.parse_args(argv)

    truth, landscape, instances, foreground = synthetic_scene(args.shape, args.cells, args.seed)
    n_objects = len(np.unique(instances)) - 1
    print(
        f"scene {tuple(args.shape)} = {truth.size / 1e6:.1f} Mvoxels, {args.cells} cells, "
        f"{n_objects} StarDist objects, {int(foreground.sum()) / 1e6:.2f} Mvoxels foreground"
    )
    voxel_size = (1.0, 1.0, 1.0)
    t_new, ours = best_time(
        lambda: fuse(landscape, instances, foreground, voxel_size=voxel_size), args.repeat
    )
    t_old, theirs = best_time(
        lambda: original_fusion(landscape, instances, foreground), args.repeat
    )
    t_missed, missed = best_time(
        lambda: fuse(
            landscape,
            instances,
            foreground,
            voxel_size=voxel_size,
            missed_cell_radius=args.missed_cell_radius,
        ),
        args.repeat,
    )
    t_cast, paper = best_time(
        lambda: original_fusion(landscape, instances, foreground, rescue=False, cast_uint16=True),
        args.repeat,
    )
    print(f"volltrack fuse          {t_new:8.2f} s   {ours.max():5d} labels")
    print(f"  + missed_cell_radius  {t_missed:8.2f} s   {missed.max():5d} labels")
    print(f"original (v8-32.4)      {t_old:8.2f} s   {theirs.max():5d} labels")
    print(f"original (paper, cast)  {t_cast:8.2f} s   {paper.max():5d} labels")
    print(f"time original / fuse    {t_old / t_new:8.2f}")
    try:
        from stardist.matching import matching
    except ImportError:
        print("(stardist not installed: no accuracy figures)")
        return 0
    results = (
        ("fuse", ours),
        ("fuse + missed", missed),
        ("original", theirs),
        ("original, paper", paper),
        ("StarDist only", instances),
    )
    for name, labels in results:
        m = matching(truth, labels, thresh=0.5)
        print(
            f"{name:16s} AP@0.5 {m.accuracy:.3f}  F1 {m.f1:.3f}  tp {m.tp} fp {m.fp} fn {m.fn}  "
            f"PQ {m.panoptic_quality:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
