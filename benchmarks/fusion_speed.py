"""``volltrack.segmentation.fuse`` vs the original VollSeg fusion: wall time and accuracy.

Not a test: timings are noisy, so this script prints figures measured in one run on one machine.

The scene is a synthetic tissue (default 64 x 256 x 256 voxels): Voronoi cells inside an
ellipsoidal organoid, with

* a U-Net foreground that is every cell except a few the U-Net "missed";
* StarDist instances that are one-voxel erosions of most cells (some cells are "missed");
* a landscape like a StarDist probability: each detected cell's depth, normalised, plus noise.

Both fusions get the same arrays (a float32 landscape unless ``--landscape float64``). The
original is ``tests/original_vollseg.py`` (the v8-32.4.0 algorithm written from spec/vollseg.md
§2.1), with its rescue painting vectorised per object, so it is if anything faster than the
released code. Each is timed ``--repeat`` times; the best time is reported, with AP at IoU 0.5
against the ground truth when ``stardist`` is installed, and the number of foreground components
(face-connected components of the U-Net foreground) and of ground-truth cells of the foreground
that are left without any label.

With ``--vollseg-path DIR`` (a folder holding the released ``vollseg`` package, e.g. from
``pip install --no-deps --target DIR vollseg==32.4.0``) the released ``WatershedwithMask3D`` is
timed too, called as ``VollSeg3D`` calls it (float64 probability, ``uint16`` StarDist labels and
``uint16`` U-Net mask, ``seedpool=True``). Its module ``vollseg/utils.py`` cannot be imported
without torch, OpenCV and cellpose (module-level imports the fusion never uses), so the script
executes the released source of ``WatershedwithMask3D``, ``SeedPool``, ``UnetStarMask`` and
``NMSLabel`` as written, taken from the installed files, with the skimage/numpy names they use.

Usage::

    PYTHONPATH=python python benchmarks/fusion_speed.py [--shape 64 256 256] [--cells 300]
        [--landscape float32|float64|saturated] [--vollseg-path /tmp/vollseg-32.4.0]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import re
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


def load_vollseg_fusion(path):
    """``WatershedwithMask3D`` of an installed vollseg and its version (module docstring)."""
    from skimage import measure, morphology
    from skimage.measure import label
    from skimage.segmentation import watershed
    from skimage.util import map_array

    package = Path(path) / "vollseg"
    version = re.search(r'version = "([^"]+)"', (package / "_version.py").read_text()).group(1)
    namespace = {
        "np": np,
        "measure": measure,
        "morphology": morphology,
        "label": label,
        "watershed": watershed,
        "map_array": map_array,
    }
    wanted = (
        ("seedpool.py", "SeedPool"),
        ("unetstarmask.py", "UnetStarMask"),
        ("nmslabel.py", "NMSLabel"),
        ("utils.py", "WatershedwithMask3D"),
    )
    for file, name in wanted:
        tree = ast.parse((package / file).read_text())
        (node,) = [
            n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name == name
        ]
        code = compile(ast.Module(body=[node], type_ignores=[]), str(package / file), "exec")
        exec(code, namespace)  # the released source, run as written
    return namespace["WatershedwithMask3D"], version


def unlabelled(labels, foreground, truth):
    """Foreground components and foreground ground-truth cells with no labelled voxel."""
    components, n = ndi.label(foreground)
    labelled = (labels > 0).astype(np.uint8)
    lost_components = int((ndi.maximum(labelled, components, np.arange(1, n + 1)) == 0).sum())
    cells = np.unique(truth[foreground])
    cells = cells[cells > 0]
    lost_cells = int((ndi.maximum(labelled, truth, cells) == 0).sum())
    return n, lost_components, len(cells), lost_cells


def compare(a, b):
    """How two label images differ: label counts, voxels labelled in one only, same partition."""
    both = (a > 0) & (b > 0)
    only = int(((a > 0) != (b > 0)).sum())
    pairs = np.unique(np.stack([a[both], b[both]]), axis=1).shape[1] if both.any() else 0
    na, nb = len(np.unique(a[a > 0])), len(np.unique(b[b > 0]))
    same = only == 0 and pairs == na == nb
    return na, nb, only, pairs, same


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
        "--landscape",
        choices=("float32", "float64", "saturated"),
        default="float32",
        help="float64: the landscape plus a 1e-9 jitter, as float64 values no float32 holds; "
        "saturated: every value above 0.7 set to exactly 1.0 (large plateaus)",
    )
    parser.add_argument(
        "--missed-cell-radius",
        type=float,
        default=3.0,
        help="µm; also time fuse(..., missed_cell_radius=this)",
    )
    parser.add_argument(
        "--vollseg-path",
        type=Path,
        default=None,
        help="folder holding the released vollseg package (pip install --no-deps --target)",
    )
    args = parser.parse_args(argv)

    truth, landscape, instances, foreground = synthetic_scene(args.shape, args.cells, args.seed)
    if args.landscape == "float64":
        jitter = np.random.default_rng(args.seed).random(landscape.shape)
        landscape = landscape.astype(np.float64) + 1e-9 * jitter
    elif args.landscape == "saturated":
        landscape = np.where(landscape > 0.7, np.float32(1.0), landscape)
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
    results = [
        ("fuse", ours),
        ("fuse + missed", missed),
        ("original", theirs),
        ("original, paper", paper),
    ]
    if args.vollseg_path is not None:
        released, version = load_vollseg_fusion(args.vollseg_path)
        probability = landscape.astype(np.float64)  # VollSeg3D's upsampled probability

        def call_released():
            with contextlib.redirect_stdout(io.StringIO()):  # NMSLabel prints a line
                labels, _markers = released(
                    probability,
                    instances.astype("uint16"),
                    foreground.astype("uint16"),
                    nms_thresh=0.3,  # unused on this path (supressregions)
                    seedpool=True,
                )
            return labels

        t_released, real = best_time(call_released, args.repeat)
        n_real = len(np.unique(real)) - 1
        print(f"vollseg {version} released {t_released:8.2f} s   {n_real:5d} labels")
        print(f"time released / fuse    {t_released / t_new:8.2f}")
        na, nb, only, pairs, same = compare(real, theirs)
        print(
            f"released vs tests/original_vollseg.py: {na} vs {nb} labels, {only} voxels labelled "
            f"in one only, {pairs} label pairs on common voxels, identical partition: {same}"
        )
        results.append((f"vollseg {version}", real))
    results.append(("StarDist only", instances))
    for name, labels in results:
        n, lost, n_cells, lost_cells = unlabelled(labels, foreground, truth)
        print(
            f"{name:16s} unlabelled: {lost} of {n} foreground components, "
            f"{lost_cells} of {n_cells} foreground cells"
        )
    try:
        from stardist.matching import matching
    except ImportError:
        print("(stardist not installed: no accuracy figures)")
        return 0
    for name, labels in results:
        m = matching(truth, labels, thresh=0.5)
        print(
            f"{name:16s} AP@0.5 {m.accuracy:.3f}  F1 {m.f1:.3f}  tp {m.tp} fp {m.fp} fn {m.fn}  "
            f"PQ {m.panoptic_quality:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
