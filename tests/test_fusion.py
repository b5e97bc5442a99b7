"""The VollSeg fusion: constructed cases, regression tests for spec/vollseg.md §2.3, properties.

Regression tests run the original algorithm (``original_vollseg.original_fusion``, rewritten from
the spec) on the same input to show the bug happening there, then show ``fuse`` free of it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import ndimage as ndi

from original_vollseg import original_fusion
from volltrack._errors import InputError
from volltrack.segmentation import fuse, fuse_movie, fusion_markers, fusion_mask

ISO = (1.0, 1.0, 1.0)
FACES = ndi.generate_binary_structure(3, 1)


# ------------------------------------------------------------------------------------------
# shapes


def c_shape(shape, center, outer, inner, z_range, gap_half_width):
    """A thick ring in (y, x) around ``center``, open towards +x, over ``z_range``."""
    z, y, x = np.indices(shape)
    r = np.hypot(y - center[0], x - center[1])
    ring = (r <= outer) & (r >= inner) & (z >= z_range[0]) & (z < z_range[1])
    opening = (x > center[1]) & (np.abs(y - center[0]) <= gap_half_width)
    return ring & ~opening


def box(shape, lo, hi):
    out = np.zeros(shape, dtype=bool)
    out[lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]] = True
    return out


def labels_of(labels, region):
    values = np.unique(labels[region])
    return values[values > 0]


def same_partition(a, b):
    """Whether two label images are equal up to a renumbering of the labels."""
    if not np.array_equal(a > 0, b > 0):
        return False
    pairs = np.unique(np.stack([a[a > 0], b[b > 0]]), axis=1)
    return len(np.unique(pairs[0])) == pairs.shape[1] == len(np.unique(pairs[1]))


# ------------------------------------------------------------------------------------------
# seeds inside non-convex cells; components without StarDist objects (§2.3 bugs 2 and 3)


def test_c_shaped_component_without_stardist_is_labelled_whole():
    shape = (6, 32, 32)
    cell = c_shape(shape, (16, 16), 12, 7, (1, 5), 3)
    centroid = tuple(round(float(c)) for c in np.argwhere(cell).mean(axis=0))
    assert not cell[centroid], "the test needs a C whose centroid lies outside it"
    instances = np.zeros(shape, dtype=np.int32)
    landscape = np.zeros(shape)

    # Original: the centroid seed falls outside the mask, skimage drops it, the cell is lost.
    assert original_fusion(landscape, instances, cell)[cell].max() == 0

    labels = fuse(landscape, instances, cell, voxel_size=ISO)
    assert labels_of(labels, cell).tolist() == [1]
    assert np.array_equal(labels > 0, cell)


@pytest.mark.parametrize("covered_by_unet", [True, False])
def test_seed_of_c_shaped_stardist_object_lies_inside_it(covered_by_unet):
    shape = (6, 32, 32)
    cell = c_shape(shape, (16, 16), 12, 7, (1, 5), 3)
    instances = np.where(cell, 7, 0).astype(np.int32)
    foreground = cell if covered_by_unet else np.zeros(shape, dtype=bool)
    for landscape in (np.zeros(shape), np.random.default_rng(1).random(shape)):
        markers = fusion_markers(landscape, instances, foreground, voxel_size=ISO)
        seeds = np.argwhere(markers)
        assert len(seeds) == 1
        assert cell[tuple(seeds[0])]
        labels = fuse(landscape, instances, foreground, voxel_size=ISO)
        assert np.array_equal(labels, cell.astype(np.int32))


def test_c_shaped_unet_cell_around_a_detected_cell_is_not_lost():
    """Bug 3 (spec exp3): the neighbour's seed in the C's bounding box suppressed the C's seed."""
    shape = (6, 32, 32)
    c_cell = c_shape(shape, (16, 16), 13, 8, (1, 5), 3)
    core = box(shape, (1, 13, 13), (5, 20, 20))
    assert not (c_cell & ndi.binary_dilation(core, FACES)).any()
    foreground = c_cell | core
    instances = np.where(core, 3, 0).astype(np.int32)
    landscape = np.where(core, 0.9, 0.05)

    original = original_fusion(landscape, instances, foreground)
    assert original[c_cell].max() == 0  # the whole C-shaped cell is lost

    labels = fuse(landscape, instances, foreground, voxel_size=ISO)
    assert len(labels_of(labels, c_cell)) == 1
    assert len(labels_of(labels, core)) == 1
    assert labels_of(labels, c_cell) != labels_of(labels, core)
    assert np.array_equal(labels > 0, foreground)


def test_stardist_object_missed_by_unet_is_rescued_despite_a_unet_centroid_in_its_box():
    """Rescue step: the original paints an object only when no U-Net centroid is in its box."""
    shape = (6, 32, 32)
    missed = c_shape(shape, (16, 16), 13, 8, (1, 5), 3)
    unet_cell = box(shape, (1, 13, 13), (5, 20, 20))
    instances = np.where(missed, 4, 0).astype(np.int32)
    landscape = np.where(missed, 0.8, 0.1)

    assert original_fusion(landscape, instances, unet_cell)[missed].max() == 0

    assert np.array_equal(fusion_mask(instances, unet_cell), unet_cell | missed)
    labels = fuse(landscape, instances, unet_cell, voxel_size=ISO)
    assert len(labels_of(labels, missed)) == 1
    assert len(labels_of(labels, unet_cell)) == 1
    assert labels.max() == 2


def test_shell_around_a_core_both_labelled_and_the_gap_stays_empty():
    shape = (20, 20, 20)  # far enough from the origin for the original's corner seed
    shell = box(shape, (3, 3, 3), (17, 17, 17)) & ~box(shape, (5, 5, 5), (15, 15, 15))
    core = box(shape, (7, 7, 7), (13, 13, 13))
    gap = box(shape, (5, 5, 5), (15, 15, 15)) & ~core
    foreground = shell | core
    instances = np.where(core, 9, 0).astype(np.int32)
    landscape = np.where(core, 0.9, 0.2)

    original = original_fusion(landscape, instances, foreground)
    assert original[shell].max() == 0  # the core's seed lies in the shell's bounding box

    labels = fuse(landscape, instances, foreground, voxel_size=ISO)
    assert len(labels_of(labels, shell)) == 1
    assert len(labels_of(labels, core)) == 1
    assert labels_of(labels, shell) != labels_of(labels, core)
    assert labels[gap].max() == 0  # not "filled" by the shell: it borders the core too


def test_touching_shell_and_core_keep_two_labels():
    """Bug 2: their centroids round to one voxel; the later seed overwrites the earlier one."""
    shape = (15, 15, 15)
    core = box(shape, (5, 5, 5), (10, 10, 10))
    shell = box(shape, (2, 2, 2), (13, 13, 13)) & ~core
    instances = np.zeros(shape, dtype=np.int32)
    instances[shell] = 1
    instances[core] = 2
    # A max-ray-distance-like landscape: the distance to each object's own border.
    landscape = sum(ndi.distance_transform_edt(instances == k) for k in (1, 2))
    foreground = shell | core

    original = original_fusion(landscape, instances, foreground)
    assert len(labels_of(original, foreground)) == 1  # shell and core merged

    labels = fuse(landscape, instances, foreground, voxel_size=ISO)
    assert same_partition(labels, instances)


def test_adjacent_thin_objects_are_not_merged_by_seed_dilation():
    """Bug 2: the radius-2 ball of a higher seed ID covers a lower seed two voxels away; in a
    thin process nothing of the lower seed's own ball survives, so its object is lost."""
    shape = (3, 3, 24)
    foreground = box(shape, (1, 1, 8), (2, 2, 16))  # a one-voxel-thin process
    instances = np.zeros(shape, dtype=np.int32)
    instances[1, 1, 8:10] = 1
    instances[1, 1, 10:12] = 2
    landscape = np.zeros(shape)
    landscape[1, 1, 8:12] = [0.9, 0.6, 0.6, 0.9]

    assert len(labels_of(original_fusion(landscape, instances, foreground), foreground)) == 1

    labels = fuse(landscape, instances, foreground, voxel_size=ISO)
    assert labels[1, 1, 8:16].tolist() == [1, 1, 2, 2, 2, 2, 2, 2]


def test_no_spurious_object_from_an_origin_seed():
    """Bug 4: the (0, 0, 0) 'background' seed makes an extra object when the mask reaches it."""
    shape = (12, 12, 12)
    foreground = box(shape, (0, 0, 0), (10, 10, 10))
    instances = np.where(box(shape, (4, 4, 4), (7, 7, 7)), 5, 0).astype(np.int32)
    landscape = ndi.distance_transform_edt(foreground) / 5.0

    assert len(labels_of(original_fusion(landscape, instances, foreground), foreground)) == 2

    labels = fuse(landscape, instances, foreground, voxel_size=ISO)
    assert np.array_equal(labels, foreground.astype(np.int32))


def test_more_than_255_cells_keep_distinct_labels():
    """Bug 9: labels are int32 throughout, nothing wraps at 256."""
    shape = (3, 2 * 18, 2 * 20)
    foreground = np.zeros(shape, dtype=bool)
    foreground[1, ::2, ::2] = True  # 360 isolated voxels
    instances = np.zeros(shape, dtype=np.int32)
    labels = fuse(np.zeros(shape), instances, foreground, voxel_size=ISO)
    assert labels.dtype == np.int32
    assert labels.max() == 360
    assert np.array_equal(np.sort(labels[foreground]), np.arange(1, 361))


# ------------------------------------------------------------------------------------------
# the landscape is flooded as floating point (§2.3 bug 1)


def test_fractional_landscape_places_the_boundary():
    """Bug 1 (spec exp1): the uint16 cast made the probability flat, the split a midpoint one."""
    shape = (2, 3, 80)
    instances = np.zeros(shape, dtype=np.int32)
    instances[:, :, 18:23] = 1
    instances[:, :, 53:58] = 2
    foreground = np.zeros(shape, dtype=bool)
    foreground[:, :, 5:76] = True
    x = np.arange(80, dtype=np.float64)
    profile = np.where(
        x <= 32.5,
        0.9 - 0.8 * np.abs(x - 20) / 12.5,
        0.1 + 0.8 * (1 - np.abs(x - 55) / 22.5),
    )
    landscape = np.broadcast_to(np.clip(profile, 0.01, 0.99), shape).copy()

    expected = np.zeros(shape, dtype=np.int32)
    expected[:, :, 5:33] = 1
    expected[:, :, 33:76] = 2
    assert same_partition(original_fusion(landscape, instances, foreground), expected)
    cast = original_fusion(landscape, instances, foreground, cast_uint16=True)
    left = cast[0, 0] == cast[0, 0, 20]
    assert 36 <= np.flatnonzero(left).max() <= 38  # the midpoint of the two seeds

    labels = fuse(landscape, instances, foreground, voxel_size=ISO)
    assert np.array_equal(labels, expected)
    # Values far below 1 decide the boundary just the same: nothing is rounded to integers.
    tiny = fuse(landscape * 2.0**-30, instances, foreground, voxel_size=ISO)
    assert np.array_equal(tiny, expected)


def test_flat_landscape_is_flooded_as_a_distance_transform():
    """Where the landscape is flat, depth in the mask orders the flooding: a dumbbell splits in
    its neck, not at the geodesic midpoint of the seeds (inside the long lobe), where two
    breadth-first fronts would meet."""
    shape = (7, 7, 40)
    left = box(shape, (0, 0, 0), (7, 7, 7))
    neck = box(shape, (3, 3, 7), (4, 4, 9))
    right = box(shape, (0, 0, 9), (7, 7, 40))
    foreground = left | neck | right
    instances = np.zeros(shape, dtype=np.int32)
    instances[left] = 1
    instances[:, :, 30:] = 2  # StarDist saw only the far end of the long lobe
    markers = fusion_markers(np.ones(shape), instances, foreground, voxel_size=ISO)
    assert np.argwhere(markers).tolist() == [[3, 3, 3], [3, 3, 30]]  # deepest voxels, first
    labels = fuse(np.ones(shape), instances, foreground, voxel_size=ISO)
    assert labels_of(labels, left).tolist() == [1]
    assert labels_of(labels, right).tolist() == [2]


# ------------------------------------------------------------------------------------------
# physical units and anisotropy (§2.3 bugs 6 and 7)


def test_volume_filter_in_cubic_micrometres_with_anisotropic_voxels():
    shape = (12, 40, 60)
    small = box(shape, (1, 2, 2), (5, 7, 7))  # 100 voxels
    medium = box(shape, (1, 2, 20), (5, 12, 30))  # 400 voxels
    large = box(shape, (1, 20, 20), (9, 32, 32))  # 1152 voxels
    foreground = small | medium | large
    instances = np.zeros(shape, dtype=np.int32)
    landscape = np.zeros(shape)
    voxel_size = (2.0, 0.5, 0.5)  # 0.5 µm³ per voxel

    kept = fuse(landscape, instances, foreground, voxel_size=voxel_size, min_volume=100)
    assert np.array_equal(kept > 0, medium | large)  # 50 µm³ < 100 µm³ <= 200, 576 µm³
    kept = fuse(
        landscape, instances, foreground, voxel_size=voxel_size, min_volume=100, max_volume=500
    )
    assert np.array_equal(kept, medium.astype(np.int32))
    kept = fuse(landscape, instances, foreground, voxel_size=voxel_size, min_volume=50)
    assert kept.max() == 3  # 50 µm³ is kept: the bounds are inclusive


def test_min_volume_is_3d_not_per_slice():
    """Bug 7: a per-slice area filter removes a thin but long cell; the 3D volume keeps it."""
    shape = (24, 12, 12)
    column = box(shape, (2, 4, 4), (22, 7, 7))  # 20 slices of 3 x 3: 180 voxels
    instances = np.where(column, 1, 0).astype(np.int32)
    landscape = np.where(column, 0.9, 0.0)

    assert original_fusion(landscape, instances, column, min_size_per_slice=25).max() == 0

    labels = fuse(landscape, instances, column, voxel_size=ISO, min_volume=25)
    assert np.array_equal(labels, column.astype(np.int32))


def test_seed_of_a_seedless_component_is_deepest_in_micrometres():
    """Bug 6: depth is measured with the voxel size, so anisotropy moves the seed."""
    shape = (13, 26, 40)
    cube = box(shape, (2, 8, 2), (11, 17, 11))  # 9 x 9 x 9 voxels
    slab = box(shape, (5, 2, 16), (8, 25, 39))  # 3 x 23 x 23 voxels
    bridge = box(shape, (6, 12, 11), (7, 13, 16))
    foreground = cube | slab | bridge
    instances = np.zeros(shape, dtype=np.int32)
    landscape = np.zeros(shape)

    iso = np.argwhere(fusion_markers(landscape, instances, foreground, voxel_size=ISO))
    aniso = np.argwhere(fusion_markers(landscape, instances, foreground, voxel_size=(4, 1, 1)))
    assert len(iso) == len(aniso) == 1
    assert cube[tuple(iso[0])]
    assert slab[tuple(aniso[0])]


# ------------------------------------------------------------------------------------------
# hole filling


def test_hollow_cell_is_filled_and_pockets_open_to_the_border_are_not():
    shape = (12, 12, 12)
    hollow = box(shape, (2, 2, 2), (10, 10, 10)) & ~box(shape, (4, 4, 4), (8, 8, 8))
    cup = box(shape, (0, 2, 2), (6, 10, 10)) & ~box(shape, (0, 4, 4), (4, 8, 8))
    instances = np.zeros(shape, dtype=np.int32)
    landscape = np.zeros(shape)

    filled = fuse(landscape, instances, hollow, voxel_size=ISO)
    assert np.array_equal(filled, box(shape, (2, 2, 2), (10, 10, 10)).astype(np.int32))
    unfilled = fuse(landscape, instances, hollow, voxel_size=ISO, fill_holes=False)
    assert np.array_equal(unfilled, hollow.astype(np.int32))
    # The cup's cavity opens onto the z = 0 face of the volume: it is not a hole.
    assert np.array_equal(fuse(landscape, instances, cup, voxel_size=ISO), cup.astype(np.int32))


def test_fragment_below_min_volume_inside_a_cell_is_absorbed():
    shape = (14, 14, 14)
    outer = box(shape, (1, 1, 1), (13, 13, 13))
    fragment = box(shape, (6, 6, 6), (8, 8, 8))
    gap = box(shape, (5, 5, 5), (9, 9, 9)) & ~fragment
    foreground = outer & ~gap
    instances = np.zeros(shape, dtype=np.int32)
    labels = fuse(np.zeros(shape), instances, foreground, voxel_size=ISO, min_volume=10)
    assert np.array_equal(labels, outer.astype(np.int32))


def test_volume_bounds_apply_to_filled_volumes():
    shape = (12, 12, 12)
    hollow = box(shape, (2, 2, 2), (10, 10, 10)) & ~box(shape, (4, 4, 4), (8, 8, 8))
    instances = np.zeros(shape, dtype=np.int32)
    # 448 voxels as a shell, 512 once filled.
    labels = fuse(np.zeros(shape), instances, hollow, voxel_size=ISO, max_volume=500)
    assert labels.max() == 0
    labels = fuse(np.zeros(shape), instances, hollow, voxel_size=ISO, max_volume=512)
    assert labels.max() == 1


# ------------------------------------------------------------------------------------------
# cells StarDist missed next to cells it found (the reverse side of §2.3 bug 3)


def missed_neighbour_scene(seed):
    """Two touching 8 x 12 x 12 cells in one U-Net component; StarDist finds only the first (as
    its one-voxel erosion), so the second has nothing but low, noisy probability."""
    rng = np.random.default_rng(seed)
    shape = (12, 16, 32)
    truth = np.zeros(shape, dtype=np.int32)
    truth[2:10, 2:14, 2:14] = 1
    truth[2:10, 2:14, 14:26] = 2
    found = truth == 1
    instances = np.where(ndi.binary_erosion(found, FACES), 3, 0).astype(np.int32)
    depth = ndi.distance_transform_edt(found)
    landscape = depth / depth.max() + 0.05 * rng.random(shape)
    return truth, landscape, instances, truth > 0


@pytest.mark.parametrize("seed", range(3))
def test_missed_cell_next_to_a_found_one_gets_its_own_label(seed):
    truth, landscape, instances, foreground = missed_neighbour_scene(seed)

    # VollSeg's rule (the default): the component has a seed, so the missed cell is swallowed.
    merged = fuse(landscape, instances, foreground, voxel_size=ISO)
    assert np.array_equal(merged, foreground.astype(np.int32))

    labels = fuse(landscape, instances, foreground, voxel_size=ISO, missed_cell_radius=2.0)
    assert labels.max() == 2
    for k in (1, 2):
        cell = truth == k
        best = np.bincount(labels[cell]).argmax()
        iou = (cell & (labels == best)).sum() / (cell | (labels == best)).sum()
        assert iou > 0.8


def test_thin_margins_around_found_cells_make_no_extra_seed():
    truth, landscape, instances, foreground = missed_neighbour_scene(0)
    found = truth == 1
    # StarDist found both cells, each a voxel short of its border: 2-voxel gaps between them.
    instances = np.where(ndi.binary_erosion(found, FACES), 3, 0).astype(np.int32)
    instances[ndi.binary_erosion(truth == 2, FACES)] = 8
    markers = fusion_markers(
        landscape, instances, foreground, voxel_size=ISO, missed_cell_radius=1.5
    )
    assert markers.max() == 2
    assert np.count_nonzero(markers) == 2
    labels = fuse(landscape, instances, foreground, voxel_size=ISO, missed_cell_radius=1.5)
    assert labels.max() == 2


def test_missed_cell_radius_is_in_micrometres():
    _, landscape, instances, foreground = missed_neighbour_scene(1)
    # The missed cell is 8 voxels tall (z) and 12 wide (y, x): with 1 µm voxels its deepest
    # voxel is 4 µm from the mask's outside (along z), so a 3 µm core exists and a 4.5 µm one
    # does not. With 0.25 µm z voxels the cell is 2 µm tall: no core of 1.5 µm.
    iso = {"voxel_size": (1.0, 1.0, 1.0)}
    assert fuse(landscape, instances, foreground, missed_cell_radius=3.0, **iso).max() == 2
    assert fuse(landscape, instances, foreground, missed_cell_radius=4.5, **iso).max() == 1
    flat = {"voxel_size": (0.25, 1.0, 1.0)}
    assert fuse(landscape, instances, foreground, missed_cell_radius=1.5, **flat).max() == 1
    assert fuse(landscape, instances, foreground, missed_cell_radius=0.75, **flat).max() == 2


# ------------------------------------------------------------------------------------------
# end to end against ground truth, scored by StarDist's own matching


def synthetic_tissue(seed):
    """Ground truth: four touching box cells in one block, an isolated C-shaped cell and an
    isolated small cell. StarDist 'detects' the box cells and the small cell as their one-voxel
    erosions and misses the C; its landscape is each detected cell's normalised depth plus noise;
    the U-Net foreground is every cell, the block as one piece."""
    rng = np.random.default_rng(seed)
    shape = (20, 64, 64)
    truth = np.zeros(shape, dtype=np.int32)
    k = 0
    for y0 in (4, 16):
        for x0 in (4, 16):
            k += 1
            truth[2:10, y0 : y0 + 12, x0 : x0 + 12] = k
    truth[c_shape(shape, (44, 44), 14, 8, (6, 16), 3)] = 5
    truth[12:18, 6:14, 8:14] = 6
    instances = np.zeros(shape, dtype=np.int32)
    landscape = np.zeros(shape)
    for k in (1, 2, 3, 4, 6):
        cell = truth == k
        instances[ndi.binary_erosion(cell, FACES)] = 10 * k
        depth = ndi.distance_transform_edt(cell)
        landscape += depth / depth.max()
    landscape += 0.02 * rng.random(shape)
    return truth, landscape, instances, truth > 0


@pytest.mark.dl
def test_fusion_recovers_every_cell_of_a_synthetic_tissue():
    matching = pytest.importorskip("stardist.matching").matching
    for seed in range(3):
        truth, landscape, instances, foreground = synthetic_tissue(seed)
        labels = fuse(landscape, instances, foreground, voxel_size=(2.0, 0.5, 0.5), min_volume=5)
        ours = matching(truth, labels, thresh=0.8)
        assert (ours.tp, ours.fp, ours.fn) == (6, 0, 0)
        assert ours.mean_matched_score > 0.9

        stardist_only = matching(truth, instances, thresh=0.8)
        assert stardist_only.tp == 0  # the erosions match no cell at IoU 0.8
        original = matching(truth, original_fusion(landscape, instances, foreground), thresh=0.5)
        assert original.fn >= 1  # the C-shaped cell is lost


# ------------------------------------------------------------------------------------------
# movie helper, validation, import weight


def test_fuse_movie_equals_fusing_each_frame():
    rng = np.random.default_rng(3)
    scenes = [random_scene(rng, (6, 14, 14)) for _ in range(3)]
    landscape, instances, foreground = (np.stack(parts) for parts in zip(*scenes, strict=True))
    movie = fuse_movie(landscape, instances, foreground, voxel_size=(2, 1, 1), min_volume=4)
    assert movie.dtype == np.int32
    for t, (land, inst, fg) in enumerate(scenes):
        expected = fuse(land, inst, fg, voxel_size=(2, 1, 1), min_volume=4)
        assert np.array_equal(movie[t], expected)


GOOD = (np.zeros((4, 5, 6)), np.zeros((4, 5, 6), dtype=np.int32), np.zeros((4, 5, 6), bool))


@pytest.mark.parametrize(
    ("arrays", "kwargs", "message"),
    [
        ((np.zeros((5, 6)), GOOD[1], GOOD[2]), {}, r"landscape must be a 3D .* got shape \(5, 6\)"),
        (
            (GOOD[0], np.zeros((4, 5, 7), np.int32), GOOD[2]),
            {},
            r"same shape; got landscape \(4, 5, 6\), instances \(4, 5, 7\), foreground \(4, 5, 6\)",
        ),
        ((GOOD[0], GOOD[1].astype(float), GOOD[2]), {}, r"instances must be an integer .* float64"),
        ((GOOD[0], GOOD[1] - 1, GOOD[2]), {}, r"non-negative .* element \(0, 0, 0\)"),
        ((GOOD[0], GOOD[1], GOOD[2] + 2), {}, r"foreground must be a boolean or 0/1 mask"),
        ((GOOD[0].astype(bool), GOOD[1], GOOD[2]), {}, r"landscape must be a real-valued"),
        ((GOOD[0] * np.nan, GOOD[1], GOOD[2]), {}, r"landscape must be finite"),
        (GOOD, {"voxel_size": (1, 1)}, r"voxel_size must be three positive"),
        (GOOD, {"voxel_size": (1, 0, 1)}, r"voxel_size must be three positive"),
        (GOOD, {"voxel_size": "abc"}, r"voxel_size must be three positive"),
        (GOOD, {"min_volume": -1}, r"min_volume"),
        (GOOD, {"min_volume": 10, "max_volume": 5}, r"max_volume"),
        (GOOD, {"rescue_overlap": 1.5}, r"rescue_overlap"),
        (GOOD, {"missed_cell_radius": 0}, r"missed_cell_radius"),
    ],
)
def test_bad_input_is_rejected_with_the_shapes(arrays, kwargs, message):
    kwargs = {"voxel_size": ISO, **kwargs}
    with pytest.raises(InputError, match=message):
        fuse(*arrays, **kwargs)


def test_fuse_movie_wants_4d():
    with pytest.raises(InputError, match=r"4D \(t, z, y, x\) array; got shape \(4, 5, 6\)"):
        fuse_movie(*GOOD, voxel_size=ISO)


def test_foreground_may_be_0_1_numbers():
    rng = np.random.default_rng(5)
    land, inst, fg = random_scene(rng, (6, 14, 14))
    expected = fuse(land, inst, fg, voxel_size=ISO)
    for dtype in (np.uint8, np.int64, np.float32):
        assert np.array_equal(fuse(land, inst, fg.astype(dtype), voxel_size=ISO), expected)


def test_stardist_ids_of_any_integer_type_and_size():
    rng = np.random.default_rng(11)
    landscape, instances, foreground = random_scene(rng, (6, 14, 14))
    expected = fuse(landscape, instances, foreground, voxel_size=ISO)
    ids = np.unique(instances[instances > 0])
    huge = np.zeros(instances.shape, dtype=np.uint64)
    for k, new in zip(ids, rng.choice(2**20, ids.size, replace=False), strict=True):
        huge[instances == k] = np.uint64(2**63) + np.uint64(new)
    assert np.array_equal(fuse(landscape, huge, foreground, voxel_size=ISO), expected)


@pytest.mark.parametrize("shape", [(0, 4, 4), (1, 1, 1), (1, 6, 1)])
def test_degenerate_volumes(shape):
    zeros = np.zeros(shape)
    empty = fuse(zeros, zeros.astype(np.int32), zeros.astype(bool), voxel_size=ISO)
    assert empty.shape == shape
    assert empty.dtype == np.int32
    assert not empty.any()
    full = fuse(zeros, zeros.astype(np.int32), np.ones(shape, bool), voxel_size=ISO)
    assert np.array_equal(full, np.ones(shape, np.int32))


def test_fusion_mask_quotes_its_own_arrays():
    with pytest.raises(
        InputError, match=r"^instances and foreground must have the same shape; got instances"
    ):
        fusion_mask(np.zeros((3, 4, 5), np.int32), np.zeros((3, 4, 6), bool))


def test_segmentation_imports_without_deep_learning():
    code = (
        "import sys, volltrack.segmentation as s; s.fuse; "
        "heavy = [m for m in ('tensorflow', 'stardist', 'csbdeep', 'keras') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    python_dir = Path(__file__).resolve().parents[1] / "python"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(python_dir)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------------------------------
# properties on random scenes


def random_scene(rng, shape, ties=False):
    """Foreground from random boxes minus random boxes; StarDist objects from random boxes
    (later ones overwrite earlier ones, so objects can be non-convex or even split) with
    scattered IDs; a random landscape, quantised to few levels when ``ties``."""
    foreground = np.zeros(shape, dtype=bool)
    for _ in range(rng.integers(1, 5)):
        lo = rng.integers(0, shape)
        hi = lo + rng.integers(1, np.array(shape) // 2 + 2)
        foreground[tuple(slice(a, b) for a, b in zip(lo, hi, strict=True))] = True
    for _ in range(rng.integers(0, 3)):
        lo = rng.integers(0, shape)
        hi = lo + rng.integers(1, 4, size=3)
        foreground[tuple(slice(a, b) for a, b in zip(lo, hi, strict=True))] = False
    instances = np.zeros(shape, dtype=np.int32)
    for label in rng.choice(np.arange(1, 5000), size=rng.integers(0, 6), replace=False):
        lo = rng.integers(0, shape)
        hi = lo + rng.integers(1, 6, size=3)
        instances[tuple(slice(a, b) for a, b in zip(lo, hi, strict=True))] = label
    landscape = rng.random(shape)
    if ties:
        landscape = np.floor(landscape * 3) / 3
    return landscape, instances, foreground


def expected_mask(instances, foreground, rescue_overlap=0.5):
    mask = foreground.copy()
    for k in np.unique(instances[instances > 0]):
        obj = instances == k
        if foreground[obj].sum() < rescue_overlap * obj.sum():
            mask |= obj
    return mask


scenes = st.tuples(st.integers(0, 2**32 - 1), st.booleans())
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHAPE = (6, 14, 14)


@PROPERTY
@given(scenes, st.sampled_from([None, 1.0, 2.5]))
def test_every_foreground_voxel_and_every_stardist_object_gets_a_label(scene, radius):
    seed, ties = scene
    landscape, instances, foreground = random_scene(np.random.default_rng(seed), SHAPE, ties)
    mask = expected_mask(instances, foreground)
    assert np.array_equal(fusion_mask(instances, foreground), mask)
    options = {"voxel_size": (2, 1, 1), "missed_cell_radius": radius}

    labels = fuse(landscape, instances, foreground, fill_holes=False, **options)
    assert labels.dtype == np.int32
    assert np.array_equal(labels > 0, mask)  # every mask voxel, and nothing else
    assert np.array_equal(np.unique(labels[labels > 0]), np.arange(1, labels.max() + 1))

    # Every StarDist object holds a seed of its own, and every seed keeps its own label.
    markers = fusion_markers(landscape, instances, foreground, **options)
    assert np.array_equal(labels[markers > 0], markers[markers > 0])
    for k in np.unique(instances[instances > 0]):
        assert markers[instances == k].any()

    # Labels refine the mask components; a component without StarDist voxels is one label.
    components, n = ndi.label(mask, FACES)
    for c in range(1, n + 1):
        inside = components == c
        found = labels_of(labels, inside)
        assert len(found) >= 1
        assert not (labels[~inside] == found[:, None]).any()
        if radius is None and not (instances[inside] > 0).any():
            assert len(found) == 1

    filled = fuse(landscape, instances, foreground, **options)
    assert np.all(filled[mask] > 0)
    assert np.array_equal(filled[labels > 0], labels[labels > 0])


@PROPERTY
@given(
    scenes,
    st.sampled_from([np.uint16, np.int32, np.int64, np.uint64]),
    st.sampled_from([None, 1.5]),
)
def test_result_does_not_depend_on_stardist_ids(scene, dtype, radius):
    seed, ties = scene
    rng = np.random.default_rng(seed)
    landscape, instances, foreground = random_scene(rng, SHAPE, ties)
    ids = np.unique(instances)
    new_ids = np.concatenate([[0], rng.choice(np.arange(1, 60000), ids.size - 1, replace=False)])
    lookup = np.zeros(instances.max() + 1, dtype=np.int64)
    lookup[ids] = new_ids
    permuted = lookup[instances].astype(dtype)

    options = {"voxel_size": (1, 0.5, 0.5), "min_volume": 1, "missed_cell_radius": radius}
    labels = fuse(landscape, instances, foreground, **options)
    again = fuse(landscape, permuted, foreground, **options)
    assert same_partition(labels, again)
    assert np.array_equal(labels, again)  # numbered by seed position, so even the IDs agree


@PROPERTY
@given(scenes, st.sampled_from([2.0**-40, 2.0**-8, 2.0**20]))
def test_only_the_order_of_landscape_values_matters(scene, scale):
    """A strictly increasing rescaling gives the same labels; an integer cast would not."""
    seed, ties = scene
    landscape, instances, foreground = random_scene(np.random.default_rng(seed), SHAPE, ties)
    labels = fuse(landscape, instances, foreground, voxel_size=ISO)
    scaled = fuse(landscape * scale, instances, foreground, voxel_size=ISO)
    assert np.array_equal(labels, scaled)
    as_float32 = fuse(landscape.astype(np.float32), instances, foreground, voxel_size=ISO)
    assert np.array_equal(labels, as_float32)


@PROPERTY
@given(scenes)
def test_inputs_are_not_modified_and_results_repeat(scene):
    seed, ties = scene
    landscape, instances, foreground = random_scene(np.random.default_rng(seed), SHAPE, ties)
    copies = [a.copy() for a in (landscape, instances, foreground)]
    first = fuse(landscape, instances, foreground, voxel_size=(3, 1, 1), min_volume=6)
    fusion_markers(landscape, instances, foreground, voxel_size=(3, 1, 1))
    fusion_mask(instances, foreground)
    for original, after in zip(copies, (landscape, instances, foreground), strict=True):
        assert np.array_equal(original, after)
        assert original.dtype == after.dtype
    assert np.array_equal(
        first, fuse(landscape, instances, foreground, voxel_size=(3, 1, 1), min_volume=6)
    )
