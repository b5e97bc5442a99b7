"""Label-safe augmentation of training patches and the U-Net targets derived from instances.

Geometric changes are exact index operations (flips along Z, Y, X; 90° rotations in the YX
plane), applied identically to the image and to its labels, so label IDs are never interpolated,
invented or lost. Intensity changes (scale, offset, Gaussian noise) touch the image only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

__all__ = ["Augmenter", "foreground_target", "tissue_target"]


@dataclass
class Augmenter:
    """A seeded, label-safe random augmentation of an (image, labels) patch pair.

    Call it as ``x2, y2 = augmenter(x, y)`` (the signature StarDist's and CSBDeep's ``train``
    expect). The first three axes of ``x`` and ``y`` are (Z, Y, X); trailing axes (channels)
    are kept. ``y`` may be None (denoiser patches).

    Parameters
    ----------
    seed : int
        Seed of the random generator (each call draws a new transform from it).
    flips : bool
        Flip each of Z, Y, X with probability 1/2.
    rotate90 : bool
        Rotate in the YX plane by a random multiple of 90° (multiples of 180° when the patch is
        not square in YX). Only valid when the Y and X voxel sizes are equal; the caller decides.
    scale_range : tuple of float
        Image intensities are multiplied by a factor drawn uniformly from this range.
    offset_range : tuple of float
        ... then shifted by an offset drawn uniformly from this range (normalised units).
    noise_sigma : float
        ... then Gaussian noise with σ drawn uniformly from [0, noise_sigma] is added.
    """

    seed: int = 0
    flips: bool = True
    rotate90: bool = True
    scale_range: tuple[float, float] = (0.8, 1.2)
    offset_range: tuple[float, float] = (-0.1, 0.1)
    noise_sigma: float = 0.05
    _rng: np.random.Generator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)

    def geometry(self, shape: tuple[int, ...]) -> tuple[tuple[int, ...], int]:
        """Draw a geometric transform: (axes to flip, number of 90° YX rotations)."""
        rng = self._rng
        flip_axes = tuple(a for a in range(3) if self.flips and rng.random() < 0.5)
        k = 0
        if self.rotate90:
            k = int(rng.integers(4)) if shape[1] == shape[2] else 2 * int(rng.integers(2))
        return flip_axes, k

    @staticmethod
    def apply_geometry(a: np.ndarray, flip_axes: tuple[int, ...], k: int) -> np.ndarray:
        """Apply flips and ``k`` 90° YX rotations to ``a`` (an exact index permutation)."""
        if flip_axes:
            a = np.flip(a, axis=flip_axes)
        if k % 4:
            a = np.rot90(a, k=k, axes=(1, 2))
        return np.ascontiguousarray(a)

    def __call__(
        self, x: np.ndarray, y: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        x = np.asarray(x)
        if y is not None and np.shape(y)[:3] != x.shape[:3]:
            raise ValueError(f"image {x.shape} and labels {np.shape(y)} differ in ZYX shape")
        flip_axes, k = self.geometry(x.shape)
        x2 = self.apply_geometry(x, flip_axes, k)
        y2 = None if y is None else self.apply_geometry(np.asarray(y), flip_axes, k)
        rng = self._rng
        scale = rng.uniform(*self.scale_range)
        offset = rng.uniform(*self.offset_range)
        sigma = rng.uniform(0.0, self.noise_sigma) if self.noise_sigma > 0 else 0.0
        dtype = x2.dtype if np.issubdtype(x2.dtype, np.floating) else np.float32
        x2 = x2.astype(dtype, copy=False) * dtype.type(scale) + dtype.type(offset)
        if sigma > 0:
            x2 = x2 + rng.normal(0.0, sigma, size=x2.shape).astype(dtype)
        return x2.astype(dtype, copy=False), y2


def foreground_target(labels: np.ndarray, voxel_size: tuple[float, float, float]) -> np.ndarray:
    """Binary U-Net target from instance labels, with boundaries eroded so touching cells separate.

    A voxel is foreground when it belongs to a cell and does not touch another cell (contacts
    with background are kept, so the tissue surface is not shrunk):

    - anisotropic voxels (Z size >= 1.5 × the YX size): in the YX plane a voxel is removed when
      one of its 4 neighbours belongs to another cell (both sides of a contact, about the
      membrane's width); across Z only the lower voxel of a contact is removed (another cell
      among the 3×3 voxels above), so a cell a few slices thick keeps most of its slices;
    - near-isotropic voxels: a voxel is removed when one of its 26 neighbours belongs to another
      cell.

    Either way no two remaining voxels of different cells are 26-connected, so the connected
    components of the target are the (eroded) cells.

    Parameters
    ----------
    labels : ndarray of int, shape (Z, Y, X)
        Instance labels, 0 = background.
    voxel_size : tuple of float
        (z, y, x) voxel size in µm.

    Returns
    -------
    ndarray of float32, shape (Z, Y, X)
        1 inside cells, 0 on cell-cell boundaries and background.
    """
    labels = np.asarray(labels).astype(np.int64, copy=False)
    vz, vy, vx = (float(v) for v in voxel_size)
    big = np.iinfo(np.int64).max
    cells = np.where(labels > 0, labels, big)  # background never counts as "another cell"

    def other_cell(footprint: np.ndarray, mode: str) -> np.ndarray:
        hi = ndimage.maximum_filter(labels, footprint=footprint, mode=mode, cval=0)
        lo = ndimage.minimum_filter(cells, footprint=footprint, mode=mode, cval=big)
        return ((hi > 0) & (hi != labels)) | ((lo != big) & (lo != labels))

    if vz < 1.5 * min(vy, vx):
        boundary = other_cell(np.ones((3, 3, 3), bool), "nearest")
    else:
        plane = np.zeros((3, 3, 3), bool)
        plane[1, 1, :] = plane[1, :, 1] = True
        above = np.zeros((3, 3, 3), bool)
        above[2] = True
        boundary = other_cell(plane, "nearest") | other_cell(above, "constant")
    return ((labels > 0) & ~boundary).astype(np.float32)


def tissue_target(labels: np.ndarray) -> np.ndarray:
    """Binary tissue-ROI target: every voxel of a cell, with enclosed holes filled (float32)."""
    return ndimage.binary_fill_holes(np.asarray(labels) > 0).astype(np.float32)
