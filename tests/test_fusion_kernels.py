"""The fusion's compiled kernels against their external oracles.

* ``flood`` must label exactly as scikit-image's ``watershed`` (face connectivity, a mask, no
  compactness) on the same surface and markers;
* ``squared_distance`` must equal SciPy's ``distance_transform_edt`` squared, bit for bit, with
  anisotropic sampling;
* ``sort_order`` must give NumPy's stable lexicographic order;
* ``group_maximum`` must equal ``scipy.ndimage.maximum``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import ndimage as ndi
from skimage.segmentation import watershed

from volltrack.segmentation._kernels import flood, group_maximum, sort_order, squared_distance

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

shapes = st.tuples(st.integers(1, 7), st.integers(1, 9), st.integers(1, 9))


@st.composite
def flood_inputs(draw):
    """A surface (with many exact ties when ``levels`` is small), a mask and markers."""
    shape = draw(shapes)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    levels = draw(st.sampled_from([2, 5, 1000, None]))
    surface = rng.random(shape)
    if levels is not None:
        surface = np.floor(surface * levels) / levels
    mask = rng.random(shape) < draw(st.sampled_from([0.6, 0.9, 1.0]))
    n_seeds = draw(st.integers(0, 6))
    markers = np.zeros(shape, dtype=np.int32)
    picked = rng.choice(markers.size, size=min(n_seeds, markers.size), replace=False)
    markers.ravel()[picked] = rng.permutation(len(picked)) + 1
    # Seeds with values of their own: scikit-image gives every seed the same age, so the order
    # in which its heap returns two seeds of equal value is not part of its definition.
    surface.ravel()[picked] = -1.0 - np.arange(len(picked)) / 7
    return surface, mask, markers


@PROPERTY
@given(flood_inputs())
def test_flood_equals_scikit_image_watershed(inputs):
    surface, mask, markers = inputs
    expected = watershed(surface, markers, connectivity=1, mask=mask)
    got = flood(np.where(mask, surface, np.nan), markers)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, expected)


def test_flood_equals_scikit_image_on_a_cell_sized_volume():
    """A smooth surface over 345,600 voxels: thousands of words in the queue's bit set."""
    rng = np.random.default_rng(7)
    shape = (24, 120, 120)
    surface = ndi.gaussian_filter(rng.random(shape), 2)
    mask = surface > np.quantile(surface, 0.2)
    markers = np.zeros(shape, dtype=np.int32)
    picked = rng.choice(np.flatnonzero(mask), size=40, replace=False)
    markers.ravel()[picked] = np.arange(1, 41)
    expected = watershed(surface, markers, connectivity=1, mask=mask)
    np.testing.assert_array_equal(flood(np.where(mask, surface, np.nan), markers), expected)


def test_flood_ignores_markers_outside_the_region_and_leaves_unreached_voxels():
    key = np.full((1, 1, 6), np.nan)
    key[0, 0, [0, 3, 4]] = 0.0  # voxels 3 and 4 may be flooded, but no seed reaches them
    markers = np.zeros((1, 1, 6), dtype=np.int32)
    markers[0, 0, 0] = 4
    markers[0, 0, 1] = 9  # outside the region: dropped, as scikit-image drops it
    np.testing.assert_array_equal(flood(key, markers)[0, 0], [4, 0, 0, 0, 0, 0])


@PROPERTY
@given(
    shapes,
    st.integers(0, 2**32 - 1),
    st.sampled_from([(1.0, 1.0, 1.0), (2.0, 0.5, 0.5), (0.7, 0.31, 0.29), (3.0, 1.0, 0.1)]),
)
def test_squared_distance_equals_scipy(shape, seed, sampling):
    rng = np.random.default_rng(seed)
    inside = np.pad(rng.random(shape) < 0.8, 1)
    expected = ndi.distance_transform_edt(inside, sampling=sampling) ** 2
    got = squared_distance(inside, sampling)
    np.testing.assert_array_equal(np.sqrt(got), np.sqrt(expected))


def test_squared_distance_without_outside_is_infinite():
    assert np.all(squared_distance(np.ones((2, 3, 4), dtype=bool), (1.0, 1.0, 1.0)) == np.inf)


@PROPERTY
@given(
    st.lists(st.sampled_from([0.0, -0.0, 1.5, -2.25, 3.0, 1e-30, 7.0e8]), max_size=60),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_sort_order_is_a_stable_lexicographic_sort(values, wide, with_tiebreak, seed):
    values = np.asarray(values, dtype=np.float64 if wide else np.float32)
    if wide and values.size:
        values[0] += 1e-12 if values[0] else 0.0  # not representable as float32: the other path
    second = np.random.default_rng(seed).integers(0, 3, size=values.size).astype(float)
    asked = []

    def tiebreak(positions):
        asked.append(positions)
        return second[positions]

    order, new = sort_order(values, tiebreak if with_tiebreak else None)
    keys = (values, second) if with_tiebreak else (values,)
    expected = np.lexsort((np.arange(values.size), *reversed(keys)))
    np.testing.assert_array_equal(order, expected)
    sorted_keys = np.stack([k[expected] for k in keys]) if values.size else np.zeros((1, 0))
    expected_new = np.ones(values.size, dtype=bool)
    expected_new[1:] = np.any(sorted_keys[:, 1:] != sorted_keys[:, :-1], axis=0)
    np.testing.assert_array_equal(new, expected_new)
    if asked:  # the tie-break is asked for tied values only
        _, counts = np.unique(values, return_counts=True)
        assert asked[0].size == counts[counts > 1].sum()


@pytest.mark.parametrize("seed", range(5))
def test_group_maximum_equals_scipy(seed):
    rng = np.random.default_rng(seed)
    groups = rng.integers(1, 30, size=500)
    values = rng.normal(size=500)
    top = group_maximum(groups, values, 31)
    present = np.unique(groups)
    np.testing.assert_array_equal(top[present], ndi.maximum(values, groups, present))
    assert np.all(top[np.setdiff1d(np.arange(32), present)] == -np.inf)


def test_flood_refuses_negative_markers():
    with pytest.raises(ValueError, match="markers must be labels >= 0"):
        flood(np.zeros((1, 1, 2)), np.array([[[-1, 0]]], dtype=np.int32))
