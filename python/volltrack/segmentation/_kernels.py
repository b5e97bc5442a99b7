"""Compiled kernels of the fusion: a seeded flood in a given order, and an exact distance transform.

They are written with numba (compiled on first use, cached on disk) because the fusion spent most
of its time in their library counterparts: scikit-image's watershed passes every voxel through a
binary heap, and SciPy's distance transform builds a full feature transform the fusion never uses.
Both are checked against those libraries (``tests/test_fusion_kernels.py``).

* :func:`flood` labels exactly as scikit-image's ``watershed`` with a mask, face connectivity, no
  compactness and no watershed line. There, a voxel takes the label of the neighbour that queues
  it, enters the queue at its own value or at the value being flooded if that is higher, and the
  queue yields by (value, age). Values therefore leave the queue in increasing order, and equal
  values in order of arrival. Here the values are first replaced by their place in sorted order
  (:func:`sort_order`); each place holds its single voxel or a first-in first-out list, a bit set
  records the occupied places, and a cursor that only moves forward finds the next one.
* :func:`squared_distance` is the exact squared Euclidean distance to the nearest zero voxel with
  anisotropic spacing, by the separable lower-envelope algorithm of Felzenszwalb & Huttenlocher
  (Theory of Computing 8, 2012). Axis 0 goes first, so each sum is formed in SciPy's order and the
  distances equal SciPy's bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable

import numba
import numpy as np
from numba.cpython.unsafe.numbers import trailing_zeros

__all__ = [
    "face_offsets",
    "flood",
    "flood_sorted",
    "group_maximum",
    "lookup",
    "sort_order",
    "squared_distance",
]


def face_offsets(shape: tuple[int, ...]) -> np.ndarray:
    """The flat-index offsets of the 6 face neighbours of a voxel in a C-ordered 3D array of
    ``shape``, in scikit-image's order: -z, -y, -x, +x, +y, +z."""
    strides = np.array([shape[1] * shape[2], shape[2], 1], dtype=np.int64)
    return np.concatenate([-strides, strides[::-1]])


@numba.njit(cache=True, nogil=True, inline="always")
def _mark(bits, position):
    bits[position >> 6] |= np.uint64(1) << np.uint64(position & 63)


@numba.njit(cache=True, nogil=True, inline="always")
def _append(voxel, position, bits, head, tail, after):
    """Queue ``voxel`` at the back of the list of ``position``."""
    after[voxel] = -1
    if head[position] < 0:
        head[position] = voxel
        _mark(bits, position)
    else:
        after[tail[position]] = voxel
    tail[position] = voxel


@numba.njit(cache=True, nogil=True, inline="always")
def _enter(voxel, code, bits, head, tail, after):
    """Queue ``voxel`` at the position of its own key: alone for an unshared key (its slot
    already names it), else at the back of the key's list."""
    if (code & 1) == 0:
        _mark(bits, code >> 1)
    else:
        _append(voxel, code >> 1, bits, head, tail, after)


@numba.njit(cache=True, nogil=True)
def _flood(state, offsets, slot, seeds, seed_codes):
    """Flood ``state`` in place.

    ``state`` is -1 outside the region, -2 - label for a labelled voxel, and the code of a voxel
    still to flood: 2 * position (+ 1 if other voxels share its key), where ``position`` is the
    first place of its key in the sorted order. ``slot[position]`` is the voxel of an unshared
    key, -1 for a shared one.

    A voxel enters the queue at the position of its key, or at the position being flooded if
    that is later (scikit-image raises a neighbour's value to the value being flooded), so the
    positions leave the queue in increasing order and a cursor finds the next one. A position
    holds the voxel of an unshared key (which enters before anything is flooded at its position;
    its slot is cleared when it leaves), then a first-in first-out list.
    """
    n_positions = slot.size
    head = np.full(n_positions, -1, dtype=slot.dtype)
    tail = np.empty(n_positions, dtype=slot.dtype)
    after = np.empty(state.size, dtype=slot.dtype)
    bits = np.zeros((n_positions + 63) >> 6, dtype=np.uint64)

    for i in range(seeds.size):  # seeds enter first, in raster order
        _enter(seeds[i], seed_codes[i], bits, head, tail, after)
    queued = seeds.size

    word = 0
    while queued > 0:
        while bits[word] == 0:
            word += 1
        current = word * 64 + trailing_zeros(bits[word])
        voxel = slot[current]
        if voxel >= 0:
            slot[current] = -1
        else:
            voxel = head[current]
            head[current] = after[voxel]
        if head[current] < 0:
            bits[word] &= ~(np.uint64(1) << np.uint64(current & 63))
        queued -= 1
        labelled = state[voxel]
        for j in range(offsets.size):
            other = voxel + offsets[j]
            code = state[other]
            if code < 0:
                continue
            state[other] = labelled
            position = code >> 1
            if position <= current:
                _append(other, current, bits, head, tail, after)
            elif (code & 1) == 0:
                _mark(bits, position)
            else:
                _append(other, position, bits, head, tail, after)
            queued += 1


def flood(key: np.ndarray, markers: np.ndarray) -> np.ndarray:
    """Seeded flood of a 3D volume with face connectivity, in the order of ``key``.

    Parameters
    ----------
    key : (Z, Y, X) ndarray of float
        The flooding order, as scikit-image's watershed floods ``key``: a voxel reached from a
        voxel being flooded at level k is flooded at its own key or at k, whichever is higher;
        levels go in increasing order, equal levels in order of arrival. Voxels where ``key``
        is NaN are not flooded.
    markers : (Z, Y, X) ndarray of int
        Seed labels (> 0), 0 elsewhere. Seeds where ``key`` is NaN are ignored.

    Returns
    -------
    labels : (Z, Y, X) ndarray of int32
        Each voxel of the region reachable from a seed gets the label of the seed whose flood
        reaches it first; every other voxel is 0.
    """
    region = ~np.isnan(key)
    return flood_sorted(region, *sort_order(key[region]), markers)


def sort_order(
    values: np.ndarray, tiebreak: Callable[[np.ndarray], np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The positions of ``values`` in increasing order, and whether each one's key is new.

    The key is the value, then (if given) ``tiebreak(positions)``, the values of a second key at
    those positions, asked only for positions whose value is shared; remaining ties keep the
    positions' order. ``new[i]`` is True where the key of ``order[i]`` differs from the previous
    one's.
    """
    values = np.asarray(values)
    n = values.size
    narrow = values.astype(np.float32, copy=False)
    if n < 2**32 and (values.dtype == np.float32 or np.array_equal(narrow, values)):
        # Sort one 64-bit word per value, the float's order-preserving bit pattern above its
        # position: a plain sort of such words is several times faster than an argsort.
        words = np.sort(_sortable_words((narrow + np.float32(0.0)).view(np.uint32)))
        order = (words & np.uint64(0xFFFFFFFF)).astype(np.intp)
        ordered = words >> np.uint64(32)
        in_position_order = True
    else:
        order = np.argsort(values)  # introsort: fast, but equal values come in any order
        ordered = values[order]
        in_position_order = False
    new = np.ones(n, dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    if new.all() or (tiebreak is None and in_position_order):
        return order, new
    shared = ~new
    shared[:-1] |= ~new[1:]
    tied = order[shared]
    group = np.cumsum(new)[shared]
    if tiebreak is None:
        order[shared] = tied[np.lexsort((tied, group))]
        return order, new
    second = np.asarray(tiebreak(tied))
    within = np.lexsort((tied, second, group))
    order[shared] = tied[within]
    second = second[within]
    changed = np.zeros(tied.size, dtype=bool)
    changed[1:] = second[1:] != second[:-1]
    new[shared] |= changed
    return order, new


def flood_sorted(
    region: np.ndarray, order: np.ndarray, new: np.ndarray, markers: np.ndarray
) -> np.ndarray:
    """:func:`flood` of the voxels of ``region``, given as :func:`sort_order` of their keys in
    raster order."""
    markers = markers.astype(np.int32, copy=False)
    if markers.size and markers.min() < 0:
        raise ValueError("markers must be labels >= 0")
    if order.size == 0:
        return np.zeros(markers.shape, dtype=np.int32)
    padded_region = np.pad(region, 1)
    # Codes are 2 * position + 1 at most: int32 while positions stay below 2**30.
    index = np.int32 if padded_region.size < 2**30 else np.int64
    state = np.full(padded_region.shape, -1, dtype=index)
    slot = np.empty(order.size, dtype=index)
    voxels = np.flatnonzero(padded_region).astype(index)
    _encode(voxels, order, new, state.ravel(), slot)

    inner = (slice(1, -1),) * 3
    seeded = (markers != 0) & region
    seeds = np.flatnonzero(np.pad(seeded, 1)).astype(index)
    seed_codes = state.ravel()[seeds]
    state[inner][seeded] = -2 - markers[seeded]
    _flood(state.ravel(), face_offsets(state.shape), slot, seeds, seed_codes)
    labels = np.empty(markers.shape, dtype=np.int32)
    _decode(state, labels)
    return labels


@numba.njit(cache=True, nogil=True)
def _sortable_words(floats):
    """Per float32 (given as its bits; no -0.0), an unsigned integer of the same order, shifted
    above the value's position."""
    words = np.empty(floats.size, dtype=np.uint64)
    for i in range(floats.size):
        bits = np.uint64(floats[i])
        if bits >> np.uint64(31):
            bits = ~bits & np.uint64(0xFFFFFFFF)
        else:
            bits |= np.uint64(0x80000000)
        words[i] = (bits << np.uint64(32)) | np.uint64(i)
    return words


@numba.njit(cache=True, nogil=True)
def _encode(voxels, order, new, state, slot):
    """Write the code of each region voxel into ``state`` and the voxel of each unshared key
    into ``slot`` (see :func:`_flood`)."""
    n = order.size
    start = 0
    for i in range(n):
        if new[i]:
            start = i
        shared = not new[i] or (i + 1 < n and not new[i + 1])
        voxel = voxels[order[i]]
        state[voxel] = 2 * start + (1 if shared else 0)
        slot[i] = -1 if shared else voxel


@numba.njit(cache=True, nogil=True)
def _decode(state, labels):
    """The labels of a flooded (padded) state: -2 - label where labelled, else 0."""
    nz, ny, nx = labels.shape
    for z in range(nz):
        for y in range(ny):
            for x in range(nx):
                code = state[z + 1, y + 1, x + 1]
                labels[z, y, x] = -2 - code if code <= -2 else 0


@numba.njit(cache=True, nogil=True)
def _envelope_1d(f, step, out, where, bounds):
    """Lower envelope of the parabolas ``f[q] + (step * (p - q))**2`` at every p (inf: none)."""
    n = f.size
    k = -1
    for q in range(n):
        if f[q] == np.inf:
            continue
        fq = f[q] + (step * q) ** 2
        s = -np.inf
        while k >= 0:
            v = where[k]
            s = (fq - (f[v] + (step * v) ** 2)) / (2.0 * step * step * (q - v))
            if s <= bounds[k]:
                k -= 1
                s = -np.inf
            else:
                break
        k += 1
        where[k] = q
        bounds[k] = s
    if k < 0:
        for p in range(n):
            out[p] = np.inf
        return
    j = 0
    for p in range(n):
        while j < k and bounds[j + 1] < p:
            j += 1
        d = step * (p - where[j])
        out[p] = f[where[j]] + d * d


@numba.njit(cache=True, nogil=True)
def _squared_distance(inside, sampling):
    nz, ny, nx = inside.shape
    # Axis 0 from binary input: the number of steps to the nearest zero along z, counted by a
    # sweep down and a sweep up over whole planes (contiguous memory), then squared as the lower
    # envelope would square it.
    dist = np.empty(inside.shape, dtype=np.float64)
    for z in range(nz):
        for y in range(ny):
            for x in range(nx):
                if not inside[z, y, x]:
                    dist[z, y, x] = 0.0
                elif z == 0:
                    dist[z, y, x] = np.inf
                else:
                    dist[z, y, x] = dist[z - 1, y, x] + 1.0
    for z in range(nz - 2, -1, -1):
        for y in range(ny):
            for x in range(nx):
                dist[z, y, x] = min(dist[z, y, x], dist[z + 1, y, x] + 1.0)
    step = sampling[0]
    for z in range(nz):
        for y in range(ny):
            for x in range(nx):
                d = step * dist[z, y, x]
                dist[z, y, x] = d * d
    _envelope_lines(dist.transpose((0, 2, 1)), sampling[1])  # axis 1
    _envelope_lines(dist, sampling[2])  # axis 2
    return dist


@numba.njit(cache=True, nogil=True)
def _envelope_lines(lines, step):
    """Replace each line ``lines[a, b, :]`` by its lower envelope (see :func:`_envelope_1d`)."""
    n0, n1, n = lines.shape
    f = np.empty(n, dtype=np.float64)
    out = np.empty(n, dtype=np.float64)
    where = np.empty(n, dtype=np.int64)
    bounds = np.empty(n, dtype=np.float64)
    for a in range(n0):
        for b in range(n1):
            for i in range(n):
                f[i] = lines[a, b, i]
            _envelope_1d(f, step, out, where, bounds)
            for i in range(n):
                lines[a, b, i] = out[i]


def squared_distance(inside: np.ndarray, sampling: tuple[float, float, float]) -> np.ndarray:
    """Squared Euclidean distance (in the units of ``sampling``) from each voxel to the nearest
    voxel where ``inside`` is False; inf everywhere when there is none."""
    return _squared_distance(
        np.ascontiguousarray(inside, dtype=np.bool_), np.asarray(sampling, dtype=np.float64)
    )


@numba.njit(cache=True, nogil=True)
def _group_maximum(groups, values, top):
    for i in range(groups.size):
        if values[i] > top[groups[i]]:
            top[groups[i]] = values[i]


def group_maximum(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """The largest value of each group 0..n_groups (-inf for a group with no value), as float64."""
    top = np.full(n_groups + 1, -np.inf)
    _group_maximum(groups, np.asarray(values, dtype=np.float64), top)
    return top


@numba.njit(cache=True, nogil=True)
def _lookup(table, index, out):
    for i in range(index.size):
        out[i] = table[index[i]]


def lookup(table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``table[index]`` for a 1D table and an integer array of any shape (values in range).

    NumPy converts the index to intp before gathering; for a volume of labels into a small table
    this loop is several times faster.
    """
    out = np.empty(index.shape, dtype=table.dtype)
    _lookup(table, np.ascontiguousarray(index).ravel(), out.ravel())
    return out
