"""Synthetic membrane-labelled 3D+t movies with exact ground truth.

The cells are a Laguerre (power, weighted Voronoi) tessellation of moving seeds, computed in
physical coordinates (µm, anisotropic voxels) inside an ellipsoidal or irregular tissue, with a
smooth random warp so that cell faces are curved. Seeds drift, random-walk and repel each other;
cells divide (a mother at frame ``t`` becomes two daughters at ``t + 1``), enter at the tissue
surface, leave it, or leave the field of view. The membrane channel is the cell boundaries blurred
by an anisotropic Gaussian PSF under uneven illumination, with background and Poisson + Gaussian
noise; an optional nuclear channel holds one blob per cell.

The ground truth is exact: ``labels`` are the cells the image was drawn from, in the Cell Tracking
Challenge (CTC) convention. A CTC track is contiguous in time, so a *missed detection* (a cell left
out of the ground-truth labels in one frame, for testing gap closing) splits the cell's track in
two: the part after the gap is a new CTC track whose parent is the part before it. The true
identity of every cell, gaps and divisions included, is kept in :attr:`SyntheticMovie.lineage`.

Examples
--------
>>> from volltrack.synthetic import SyntheticSettings, generate_movie
>>> movie = generate_movie(SyntheticSettings(n_frames=3, n_cells=8, n_divisions=1, seed=1))
>>> movie.raw.shape, movie.labels.shape
((3, 12, 96, 96), (3, 12, 96, 96))
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from scipy import ndimage
from scipy.spatial import cKDTree

from volltrack._errors import InputError

__all__ = [
    "LAYOUT",
    "PRESETS",
    "SyntheticMovie",
    "SyntheticSettings",
    "generate_movie",
    "movie_summary",
    "preset_settings",
    "write_movie",
]

Triple = tuple[float, float, float]


class SyntheticSettings(BaseModel):
    """Settings of a synthetic movie; all lengths in µm, times in s, intensities in photons.

    Unknown keys are rejected. The defaults give a small movie (12×96×96 voxels, 10 frames,
    30 cells, 3 divisions) that is generated in about a second.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    shape: tuple[int, int, int] = Field(
        (12, 96, 96), description="image shape (Z, Y, X) in voxels; each at least 4"
    )
    n_frames: int = Field(10, ge=1, le=2000, description="number of time points")
    n_cells: int = Field(30, ge=1, le=5000, description="number of cells in the first frame")
    voxel_size: Triple = Field((2.0, 0.5, 0.5), description="voxel size (z, y, x) in µm; each > 0")
    time_interval: float = Field(60.0, gt=0, description="time between frames in s")
    n_divisions: int = Field(
        3,
        ge=0,
        le=5000,
        description="number of division events; each happens at a random frame 1..n_frames-1",
    )
    drift: Triple = Field(
        (0.0, 0.15, 0.25), description="global drift of tissue and cells (z, y, x) in µm/frame"
    )
    random_walk_sigma: float = Field(
        0.3, ge=0, le=20, description="per-cell random-walk step, σ per axis in µm/frame"
    )
    repulsion: float = Field(
        0.5,
        ge=0,
        le=1,
        description="fraction of the overlap below the minimum seed spacing removed per "
        "relaxation step (0 turns repulsion off)",
    )
    tissue_shape: Literal["ellipsoid", "irregular", "full"] = Field(
        "irregular",
        description="'ellipsoid', 'irregular' (noise-perturbed ellipsoid) or 'full' (the whole "
        "image is tissue, no background)",
    )
    tissue_fill: float = Field(
        0.85, gt=0.1, le=1.0, description="tissue semi-axes as a fraction of half the image extent"
    )
    tissue_roughness: float = Field(
        0.15, ge=0, le=0.5, description="relative amplitude of the 'irregular' surface perturbation"
    )
    tissue_growth: float = Field(
        0.0, ge=-0.05, le=0.05, description="relative change of the tissue semi-axes per frame"
    )
    cell_roughness: float = Field(
        0.8, ge=0, le=5, description="amplitude in µm of the smooth warp that curves cell faces"
    )
    size_variation: float = Field(
        0.1, ge=0, le=0.3, description="relative spread of cell radii (power-diagram weights)"
    )
    enter_rate: float = Field(
        0.0, ge=0, le=100, description="expected number of cells entering per frame (Poisson)"
    )
    leave_rate: float = Field(
        0.0, ge=0, le=100, description="expected number of cells leaving the tissue per frame"
    )
    missed_detection_prob: float = Field(
        0.0,
        ge=0,
        le=0.5,
        description="probability per cell and inner frame that the cell is missing from the "
        "ground-truth labels (never two frames in a row, never a track's first or last frame)",
    )
    membrane_thickness: float = Field(
        1.0, gt=0, le=10, description="thickness of the membrane band in µm before blurring"
    )
    psf_sigma: Triple = Field(
        (1.0, 0.3, 0.3), description="Gaussian PSF σ (z, y, x) in µm; each >= 0"
    )
    signal: float = Field(
        200.0, gt=0, le=1e5, description="expected photons per voxel on a membrane (before PSF)"
    )
    cytoplasm: float = Field(
        0.05, ge=0, le=1, description="cytoplasm brightness as a fraction of the membrane signal"
    )
    background: float = Field(
        10.0, ge=0, le=1e5, description="expected background photons per voxel"
    )
    illumination_amplitude: float = Field(
        0.2, ge=0, le=0.9, description="relative amplitude of the smooth uneven illumination"
    )
    poisson_noise: bool = Field(True, description="draw photon counts from a Poisson law")
    gain: float = Field(1.0, gt=0, le=1000, description="camera gain in grey levels per photon")
    read_noise: float = Field(2.0, ge=0, le=1e4, description="Gaussian read noise σ, grey levels")
    dtype: Literal["uint16", "float32"] = Field(
        "uint16", description="pixel type of the raw channels"
    )
    nuclei: bool = Field(False, description="also render a nuclear channel")
    nucleus_radius: float = Field(
        0.4, gt=0, le=0.6, description="nucleus radius as a fraction of the mean cell radius"
    )
    seed: int = Field(0, ge=0, le=2**63 - 1, description="seed of the random number generator")

    @field_validator("shape")
    @classmethod
    def _check_shape(cls, v: tuple[int, int, int]) -> tuple[int, int, int]:
        if min(v) < 4 or max(v) > 4096:
            raise ValueError(f"each of shape (Z, Y, X) must be in 4..4096, got {v}")
        return v

    @field_validator("voxel_size")
    @classmethod
    def _check_voxel(cls, v: Triple) -> Triple:
        if min(v) <= 0 or not all(np.isfinite(v)):
            raise ValueError(f"voxel_size (z, y, x) must be finite and > 0, got {v}")
        return v

    @field_validator("psf_sigma")
    @classmethod
    def _check_psf(cls, v: Triple) -> Triple:
        if min(v) < 0 or not all(np.isfinite(v)):
            raise ValueError(f"psf_sigma (z, y, x) must be finite and >= 0, got {v}")
        return v

    @field_validator("drift")
    @classmethod
    def _check_drift(cls, v: Triple) -> Triple:
        if not all(np.isfinite(v)) or max(abs(x) for x in v) > 100:
            raise ValueError(f"drift (z, y, x) must be finite, at most 100 µm/frame, got {v}")
        return v

    @model_validator(mode="after")
    def _check_frames(self) -> SyntheticSettings:
        if self.n_frames == 1 and self.n_divisions > 0:
            raise ValueError("n_divisions must be 0 when n_frames is 1 (a division spans 2 frames)")
        if self.shape[0] * self.shape[1] * self.shape[2] * self.n_frames > 2_000_000_000:
            raise ValueError(
                f"movie too large: shape {self.shape} × {self.n_frames} frames exceeds 2e9 voxels"
            )
        return self


#: Named presets: ``small`` (the defaults) and ``demo`` (≈100 cells, 15 frames, 8 divisions,
#: cells entering and leaving, rare missed detections).
PRESETS: dict[str, dict[str, object]] = {
    "small": {},
    "demo": {
        "shape": (24, 128, 128),
        "n_frames": 15,
        "n_cells": 100,
        "n_divisions": 8,
        "enter_rate": 0.2,
        "leave_rate": 0.2,
        "missed_detection_prob": 0.005,
    },
}


def preset_settings(name: str, **overrides: object) -> SyntheticSettings:
    """Return the settings of a named preset, with some fields replaced.

    Parameters
    ----------
    name : str
        One of :data:`PRESETS` (``"small"``, ``"demo"``).
    **overrides
        Fields of :class:`SyntheticSettings` to replace.

    Returns
    -------
    SyntheticSettings
        The validated settings.

    Raises
    ------
    InputError
        If the preset is unknown or an override is invalid.
    """
    if name not in PRESETS:
        raise InputError(f"unknown preset {name!r}; expected one of {sorted(PRESETS)}")
    values = {**PRESETS[name], **overrides}
    try:
        return SyntheticSettings(**values)
    except ValueError as exc:  # pydantic.ValidationError derives from ValueError
        raise InputError(_one_line(exc)) from None


def _one_line(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = []
        for err in errors():
            loc = ".".join(str(x) for x in err.get("loc", ()))
            parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
        return "invalid synthetic settings: " + "; ".join(parts)
    return str(exc).replace("\n", " ")


@dataclass(frozen=True)
class SyntheticMovie:
    """A synthetic movie and its exact ground truth. Every field always exists.

    Attributes
    ----------
    raw : ndarray, shape (T, Z, Y, X)
        Membrane channel, ``settings.dtype``.
    nuclei : ndarray, shape (T, Z, Y, X), or None
        Nuclear channel when ``settings.nuclei`` is set, else None.
    labels : ndarray of int32, shape (T, Z, Y, X)
        Ground-truth labels; the value of a voxel is the CTC track label of its cell, 0 outside
        cells and for missed detections.
    tissue_mask : ndarray of bool, shape (T, Z, Y, X)
        True inside the tissue; every labelled voxel is inside it.
    tracks : pandas.DataFrame
        The CTC track table (``man_track.txt``): columns ``label, start, end, parent`` (int64,
        parent 0 for none) plus ``cell_id`` (the true identity) and ``parent_kind``
        (``"none"``, ``"division"`` or ``"gap"``).
    lineage : pandas.DataFrame
        One row per true cell: ``cell_id, start, end, parent_cell_id`` (0 for none),
        ``start_reason`` (``initial``, ``division``, ``entered``), ``end_reason`` (``division``,
        ``left_tissue``, ``left_image``, ``squeezed_out``, ``movie_end``) and ``n_missed``.
    cells : pandas.DataFrame
        One row per true cell per frame: ``frame, cell_id, label`` (0 when missed),
        ``detected``, seed position ``seed_z, seed_y, seed_x`` (µm), centroid
        ``centroid_z, centroid_y, centroid_x`` (µm), ``n_voxels`` and ``volume_um3``.
    settings : SyntheticSettings
        The settings the movie was generated from.
    """

    raw: np.ndarray
    nuclei: np.ndarray | None
    labels: np.ndarray
    tissue_mask: np.ndarray
    tracks: pd.DataFrame
    lineage: pd.DataFrame
    cells: pd.DataFrame
    settings: SyntheticSettings

    @property
    def voxel_size(self) -> Triple:
        """Voxel size (z, y, x) in µm."""
        return self.settings.voxel_size

    @property
    def time_interval(self) -> float:
        """Time between frames in s."""
        return self.settings.time_interval


# --------------------------------------------------------------------------------------------
# smooth random fields


class _FourierField:
    """A smooth random field: a sum of random plane waves, values clipped to [-1, 1]."""

    def __init__(
        self, rng: np.random.Generator, n_comp: int, wavelength: float, n_modes: int = 8
    ) -> None:
        directions = rng.normal(size=(n_modes, 3))
        directions /= np.linalg.norm(directions, axis=1, keepdims=True)
        lengths = wavelength * rng.uniform(0.7, 1.3, size=n_modes)
        self.k = directions * (2 * np.pi / lengths)[:, None]
        self.phase = rng.uniform(0, 2 * np.pi, size=(n_modes, n_comp))
        self.scale = 1.0 / (1.5 * np.sqrt(n_modes / 2.0))

    def __call__(self, pts: np.ndarray) -> np.ndarray:
        out = np.zeros((pts.shape[0], self.phase.shape[1]))
        for k, phase in zip(self.k, self.phase, strict=True):
            out += np.cos((pts @ k)[:, None] + phase[None, :])
        return np.clip(out * self.scale, -1.0, 1.0)


# --------------------------------------------------------------------------------------------
# the simulation


@dataclass
class _Cell:
    cell_id: int
    start: int
    parent: int
    start_reason: str
    end: int | None = None
    end_reason: str = ""


class _Simulator:
    def __init__(self, s: SyntheticSettings) -> None:
        self.s = s
        root = np.random.SeedSequence(s.seed)
        (
            self.rng_motion,
            self.rng_fields,
            self.rng_noise,
            self.rng_missed,
            self.rng_nuclei_noise,
        ) = (np.random.default_rng(c) for c in root.spawn(5))
        self.vs = np.asarray(s.voxel_size, dtype=float)
        self.shape = tuple(s.shape)
        self.extent = np.asarray(self.shape) * self.vs  # physical size of the box
        grid = np.indices(self.shape, dtype=float).reshape(3, -1).T
        self.pts = grid * self.vs  # voxel centres in µm, (N, 3)
        self.centre0 = (np.asarray(self.shape) - 1) * self.vs / 2.0
        self.semi0 = s.tissue_fill * self.extent / 2.0
        mean_semi = float(np.mean(self.semi0))
        self.tissue_field = _FourierField(self.rng_fields, 1, wavelength=1.2 * mean_semi)
        r0 = self._radius(s.n_cells, 0)
        self.warp_field = _FourierField(self.rng_fields, 3, wavelength=2.5 * r0)
        self.illum_field = _FourierField(
            self.rng_fields, 1, wavelength=2.0 * float(self.extent.max())
        )
        self.illumination = np.clip(
            1.0 + s.illumination_amplitude * self.illum_field(self.pts)[:, 0], 0.05, None
        ).reshape(self.shape)
        self.cells: dict[int, _Cell] = {}
        self.next_id = 1

    # geometry ---------------------------------------------------------------------------
    def _scale(self, t: int) -> float:
        return (1.0 + self.s.tissue_growth) ** t

    def _centre(self, t: int) -> np.ndarray:
        return self.centre0 + t * np.asarray(self.s.drift)

    def _tissue_volume(self, t: int) -> float:
        if self.s.tissue_shape == "full":
            return float(np.prod(self.extent))
        semi = self.semi0 * self._scale(t)
        return float(4.0 / 3.0 * np.pi * np.prod(semi))

    def _radius(self, n: int, t: int) -> float:
        return float((self._tissue_volume(t) / max(n, 1) * 3.0 / (4.0 * np.pi)) ** (1.0 / 3.0))

    def _tissue_mask(self, t: int) -> np.ndarray:
        if self.s.tissue_shape == "full":
            return np.ones(self.shape, dtype=bool)
        semi = self.semi0 * self._scale(t)
        q = (self.pts - self._centre(t)) / semi
        r2 = np.einsum("ij,ij->i", q, q)
        if self.s.tissue_shape == "irregular" and self.s.tissue_roughness > 0:
            local = self.pts - t * np.asarray(self.s.drift)
            limit = 1.0 + self.s.tissue_roughness * self.tissue_field(local)[:, 0]
            inside = r2 < limit**2
        else:
            inside = r2 < 1.0
        return inside.reshape(self.shape)

    def _confine_semi(self, t: int, radius: float) -> np.ndarray:
        semi = self.semi0 * self._scale(t)
        rough = self.s.tissue_roughness if self.s.tissue_shape == "irregular" else 0.0
        conf = semi * (1.0 - rough) - 0.6 * radius
        return np.maximum(conf, 0.15 * semi)

    def _confine(self, pos: np.ndarray, t: int, radius: float) -> np.ndarray:
        if self.s.tissue_shape == "full":
            margin = np.minimum(0.5 * radius, self.extent / 4.0)
            lo = margin - self.vs / 2.0
            hi = self.extent - self.vs / 2.0 - margin
            return np.clip(pos, lo, hi)
        c, qhat, norm, allowed = self._surface(pos, t, radius)
        out = norm > allowed
        if np.any(out):
            semi = self.semi0 * self._scale(t)
            pos = pos.copy()
            pos[out] = c + semi * qhat[out] * (0.999 * allowed[out])[:, None]
        return pos

    def _surface(
        self, pos: np.ndarray, t: int, radius: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Centre, direction and ellipsoidal norm of ``pos``, and the largest norm a seed may
        have there: the local tissue surface less a margin of 0.6 cell radii."""
        semi = self.semi0 * self._scale(t)
        c = self._centre(t)
        q = (pos - c) / semi
        norm = np.linalg.norm(q, axis=1)
        qhat = q / np.maximum(norm, 1e-12)[:, None]
        qhat[norm < 1e-12] = (1.0, 0.0, 0.0)
        phys = np.linalg.norm(semi * qhat, axis=1)
        surface = np.ones(len(pos))
        if self.s.tissue_shape == "irregular" and self.s.tissue_roughness > 0 and len(pos):
            local = pos - t * np.asarray(self.s.drift)
            surface = 1.0 + self.s.tissue_roughness * self.tissue_field(local)[:, 0]
        allowed = np.maximum(surface - 0.6 * radius / phys, 0.25)
        return c, qhat, norm, allowed

    def _boundary_norm(self, pos: np.ndarray, t: int, radius: float) -> np.ndarray:
        if self.s.tissue_shape == "full":
            q = (pos - self.extent / 2.0) / (self.extent / 2.0)
            return np.max(np.abs(q), axis=1)
        _, _, norm, allowed = self._surface(pos, t, radius)
        return norm / allowed

    def _sample_in_tissue(self, n: int, t: int, radius: float, shell: float = 0.0) -> np.ndarray:
        """Uniform points in the confinement region (``shell`` > 0: only its outer shell)."""
        rng = self.rng_motion
        if self.s.tissue_shape == "full":
            pts = rng.uniform(0, 1, size=(n, 3)) * self.extent - self.vs / 2.0
            if shell > 0:  # push one coordinate to a face
                axis = rng.integers(0, 3, size=n)
                side = rng.integers(0, 2, size=n)
                pts[np.arange(n), axis] = np.where(side == 1, self.extent[axis], 0.0)
            return self._confine(pts, t, radius)
        d = rng.normal(size=(n, 3))
        d /= np.linalg.norm(d, axis=1, keepdims=True)
        lo = (1.0 - shell) ** 3 if shell > 0 else 0.0
        r = rng.uniform(lo, 1.0, size=n) ** (1.0 / 3.0) * 0.98
        return self._centre(t) + d * r[:, None] * self._confine_semi(t, radius)

    def _in_image(self, pos: np.ndarray) -> np.ndarray:
        lo = -self.vs / 2.0
        hi = self.extent - self.vs / 2.0
        return np.all((pos >= lo) & (pos < hi), axis=1)

    def _relax(
        self, pos: np.ndarray, t: int, radius: float, n_iter: int, in_tissue: bool = True
    ) -> np.ndarray:
        dmin = 1.65 * radius
        strength = self.s.repulsion
        for _ in range(n_iter):
            if strength > 0 and len(pos) > 1:
                pairs = cKDTree(pos).query_pairs(dmin, output_type="ndarray")
                if len(pairs):
                    i, j = pairs[:, 0], pairs[:, 1]
                    d = pos[j] - pos[i]
                    dist = np.linalg.norm(d, axis=1)
                    zero = dist < 1e-9
                    if np.any(zero):
                        d[zero] = self.rng_motion.normal(size=(int(zero.sum()), 3))
                        dist[zero] = np.linalg.norm(d[zero], axis=1)
                        dist[zero] = np.maximum(dist[zero], 1e-9)
                    push = (strength * (dmin - np.minimum(dist, dmin)) / 2.0)[:, None] * (
                        d / dist[:, None]
                    )
                    delta = np.zeros_like(pos)
                    np.add.at(delta, i, -push)
                    np.add.at(delta, j, push)
                    pos = pos + delta
            if in_tissue:
                pos = self._confine(pos, t, radius)
        return pos

    # rendering --------------------------------------------------------------------------
    def _assign(
        self, pos: np.ndarray, weights: np.ndarray, ids: np.ndarray, mask: np.ndarray, t: int
    ) -> np.ndarray:
        """Label image (cell ids) of the warped power diagram of ``pos`` inside ``mask``."""
        out = np.zeros(self.shape, dtype=np.int32)
        if len(ids) == 0:
            return out
        flat = np.flatnonzero(mask.ravel())
        const = np.einsum("ij,ij->i", pos, pos) - weights
        result = np.empty(flat.size, dtype=np.int64)
        drift_cum = t * np.asarray(self.s.drift)
        chunk = max(1, 4_000_000 // max(len(ids), 1))
        for a in range(0, flat.size, chunk):
            p = self.pts[flat[a : a + chunk]]
            if self.s.cell_roughness > 0:
                p = p + self.s.cell_roughness * self.warp_field(p - drift_cum)
            power = const[None, :] - 2.0 * (p @ pos.T)
            result[a : a + chunk] = np.argmin(power, axis=1)
        out.ravel()[flat] = ids[result]
        return out

    def _cleanup_fragments(self, lab: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Give voxels of detached pieces of a cell to their nearest other cell."""
        from skimage.measure import label as cc_label

        comps = cc_label(lab, background=0, connectivity=1)
        n = int(comps.max())
        if n == 0:
            return lab
        comp_label = np.zeros(n + 1, dtype=np.int64)
        comp_label[comps.ravel()] = lab.ravel()
        sizes = np.bincount(comps.ravel(), minlength=n + 1)
        sizes[0] = 0
        order = np.lexsort((-sizes[1:], comp_label[1:])) + 1
        keep = np.zeros(n + 1, dtype=bool)
        seen: set[int] = set()
        for c in order:
            if comp_label[c] not in seen:
                keep[c] = True
                seen.add(int(comp_label[c]))
        fragment = ~keep[comps] & (comps > 0)
        if not np.any(fragment):
            return lab
        out = lab.copy()
        out[fragment] = 0
        _, idx = ndimage.distance_transform_edt(out == 0, sampling=self.vs, return_indices=True)
        nearest = out[tuple(idx)]
        out[fragment] = nearest[fragment]
        out[~mask] = 0
        return out

    def _paint_balls(
        self, lab: np.ndarray, pos: np.ndarray, ids: np.ndarray, radius: float, mask: np.ndarray
    ) -> np.ndarray:
        """Paint a ball around each seed in ``pos`` (used only for cells left too small)."""
        out = lab.copy()
        rad_vox = np.ceil(radius / self.vs).astype(int)
        for p, cid in zip(pos, ids, strict=True):
            centre = np.round(p / self.vs).astype(int)
            lo = np.maximum(centre - rad_vox, 0)
            hi = np.minimum(centre + rad_vox + 1, self.shape)
            if np.any(hi <= lo):
                continue
            sl = tuple(slice(a, b) for a, b in zip(lo, hi, strict=True))
            zz, yy, xx = np.meshgrid(
                *[np.arange(a, b) for a, b in zip(lo, hi, strict=True)], indexing="ij"
            )
            d2 = (
                ((zz * self.vs[0] - p[0]) ** 2)
                + ((yy * self.vs[1] - p[1]) ** 2)
                + ((xx * self.vs[2] - p[2]) ** 2)
            )
            ball = d2 <= radius**2
            ci = np.clip(centre, 0, np.asarray(self.shape) - 1)
            ball[tuple(ci - lo)] = True
            ball &= mask[sl]
            out[sl][ball] = cid
        return out

    def _render_labels(
        self,
        pos: np.ndarray,
        rel: np.ndarray,
        ids: np.ndarray,
        radius: float,
        mask: np.ndarray,
        t: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Labels of one frame and the ids of cells that got no voxel at all."""
        weights = (rel * radius) ** 2
        lab = self._assign(pos, weights, ids, mask, t)
        if self.s.cell_roughness > 0:
            lab = self._cleanup_fragments(lab, mask)
        counts = np.bincount(lab.ravel(), minlength=int(ids.max(initial=0)) + 1)
        small = counts[ids] < 8
        if np.any(small):
            lab = self._paint_balls(lab, pos[small], ids[small], 0.35 * radius, mask)
            counts = np.bincount(lab.ravel(), minlength=int(ids.max(initial=0)) + 1)
        return lab, ids[counts[ids] == 0]

    def _render_raw(
        self, lab: np.ndarray, mask: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        s = self.s
        edge = np.zeros(self.shape, dtype=bool)
        for axis in range(3):
            a = [slice(None)] * 3
            b = [slice(None)] * 3
            a[axis] = slice(None, -1)
            b[axis] = slice(1, None)
            diff = lab[tuple(a)] != lab[tuple(b)]
            edge[tuple(a)] |= diff
            # the surface of the tissue towards the background is drawn on the cell side
            edge[tuple(b)] |= diff & (lab[tuple(a)] == 0)
        edge &= lab > 0
        if np.any(edge):
            dist = ndimage.distance_transform_edt(~edge, sampling=self.vs)
            band = (dist <= s.membrane_thickness / 2.0).astype(np.float64)
        else:
            band = np.zeros(self.shape)
        band += s.cytoplasm * (lab > 0)
        return self._image(band, rng)

    def _image(self, density: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        s = self.s
        sigma = np.asarray(s.psf_sigma) / self.vs
        if np.any(sigma > 0):
            density = ndimage.gaussian_filter(density, sigma=sigma, mode="nearest")
        expected = s.background + s.signal * self.illumination * density
        counts = rng.poisson(expected).astype(np.float64) if s.poisson_noise else expected
        img = counts * s.gain
        if s.read_noise > 0:
            img = img + rng.normal(0.0, s.read_noise, size=img.shape)
        if s.dtype == "uint16":
            return np.clip(np.rint(img), 0, 65535).astype(np.uint16)
        return img.astype(np.float32)

    def _render_nuclei(
        self,
        lab: np.ndarray,
        pos: np.ndarray,
        ids: np.ndarray,
        radius: float,
        rng: np.random.Generator,
    ) -> np.ndarray:
        lookup = np.zeros(int(ids.max(initial=0)) + 1, dtype=np.int64)
        lookup[ids] = np.arange(len(ids))
        flat = lab.ravel()
        inside = np.flatnonzero(flat)
        density = np.zeros(flat.size)
        if inside.size:
            own = pos[lookup[flat[inside]]]
            d2 = np.einsum("ij,ij->i", self.pts[inside] - own, self.pts[inside] - own)
            density[inside] = d2 <= (self.s.nucleus_radius * radius) ** 2
        return self._image(density.reshape(self.shape), rng)

    # the movie --------------------------------------------------------------------------
    def run(self, progress: Callable[[int, int], None] | None) -> SyntheticMovie:
        s = self.s
        T = s.n_frames
        rng = self.rng_motion
        raw = np.empty((T, *self.shape), dtype=np.dtype(s.dtype))
        nuclei = np.empty((T, *self.shape), dtype=np.dtype(s.dtype)) if s.nuclei else None
        true_ids = np.empty((T, *self.shape), dtype=np.int32)
        tissue = np.empty((T, *self.shape), dtype=bool)
        rows: list[tuple[int, int, float, float, float]] = []

        # division schedule: frames at which daughters appear
        div_frames = np.sort(rng.integers(1, T, size=s.n_divisions)) if T > 1 else np.array([])
        div_count = np.bincount(div_frames.astype(int), minlength=T)

        # frame 0
        radius = self._radius(s.n_cells, 0)
        pos = self._initial_seeds(s.n_cells, radius)
        target = 1.0 + s.size_variation * rng.uniform(-1, 1, size=s.n_cells)
        rel = target.copy()
        ids = np.array([self._new_cell(0, 0, "initial") for _ in range(s.n_cells)], dtype=np.int64)
        born = np.zeros(s.n_cells, dtype=np.int64)

        for t in range(T):
            undo: dict[int, tuple] = {}
            if t > 0:
                pos, rel, target, ids, born, undo = self._events(
                    t, pos, rel, target, ids, born, int(div_count[t])
                )
            radius = self._radius(len(ids), t)
            if t > 0:
                pos = pos + np.asarray(s.drift) + s.random_walk_sigma * rng.normal(size=pos.shape)
                if s.tissue_shape == "full":
                    pos = self._confine(pos, t, radius)
                pos = self._relax(pos, t, radius, n_iter=10)
                rel = rel + 0.3 * (target - rel)
                # cells whose seed left the image end (a newborn one never existed)
                while np.any(gone := ~self._in_image(pos)):
                    pos, rel, target, ids, born = self._drop(
                        t, ids[gone], undo, pos, rel, target, ids, born, "left_image"
                    )
            mask = self._tissue_mask(t)
            # render; drop cells that got no voxel (undo a division whose daughter got none)
            while True:
                lab, empty = self._render_labels(pos, rel, ids, radius, mask, t)
                if empty.size == 0:
                    break
                pos, rel, target, ids, born = self._drop(
                    t, empty, undo, pos, rel, target, ids, born, "squeezed_out"
                )
            true_ids[t] = lab
            tissue[t] = mask
            raw[t] = self._render_raw(lab, mask, self.rng_noise)
            if nuclei is not None:
                nuclei[t] = self._render_nuclei(lab, pos, ids, radius, self.rng_nuclei_noise)
            rows.extend((t, int(c), *map(float, p)) for c, p in zip(ids, pos, strict=True))
            if progress is not None:
                progress(t + 1, T)
        for cid in ids:
            self._end(int(cid), T - 1, "movie_end")
        return self._ground_truth(raw, nuclei, true_ids, tissue, rows)

    def _new_cell(self, t: int, parent: int, reason: str) -> int:
        cid = self.next_id
        self.next_id += 1
        self.cells[cid] = _Cell(cid, t, parent, reason)
        return cid

    def _end(self, cid: int, t: int, reason: str) -> None:
        cell = self.cells[cid]
        cell.end, cell.end_reason = t, reason

    def _initial_seeds(self, n: int, radius: float) -> np.ndarray:
        pts = np.empty((0, 3))
        for _ in range(n):
            cand = self._sample_in_tissue(16, 0, radius)
            if len(pts):
                d = np.min(np.linalg.norm(cand[:, None, :] - pts[None, :, :], axis=2), axis=1)
                best = cand[int(np.argmax(d))]
            else:
                best = cand[0]
            pts = np.vstack([pts, best])
        return self._relax(pts, 0, radius, n_iter=30)

    def _events(self, t, pos, rel, target, ids, born, n_div):
        s = self.s
        rng = self.rng_motion
        undo: dict[int, tuple] = {}
        radius = self._radius(len(ids), t)
        # divisions: mothers end at t-1, daughters start at t
        if n_div and len(ids):
            age = t - born
            old = np.flatnonzero(age >= 2)
            pool = old if old.size >= n_div else np.arange(len(ids))
            mothers = rng.choice(pool, size=min(n_div, pool.size), replace=False)
            new_pos, new_rel, new_target, new_ids = [], [], [], []
            for m in sorted(mothers.tolist()):
                mid = int(ids[m])
                self._end(mid, t - 1, "division")
                axis = rng.normal(size=3)
                axis /= np.linalg.norm(axis)
                offset = 0.55 * radius * rel[m] * axis
                pair = []
                for sign in (1.0, -1.0):
                    did = self._new_cell(t, mid, "division")
                    pair.append(did)
                    new_pos.append(pos[m] + sign * offset)
                    new_rel.append(max(0.75, rel[m] * 0.8))
                    new_target.append(1.0 + s.size_variation * rng.uniform(-1, 1))
                    new_ids.append(did)
                for did in pair:
                    undo[did] = (mid, pos[m].copy(), rel[m], target[m], born[m], tuple(pair))
            keep = np.ones(len(ids), dtype=bool)
            keep[mothers] = False
            pos = np.vstack([pos[keep], np.asarray(new_pos).reshape(-1, 3)])
            rel = np.concatenate([rel[keep], new_rel])
            target = np.concatenate([target[keep], new_target])
            ids = np.concatenate([ids[keep], np.asarray(new_ids, dtype=np.int64)])
            born = np.concatenate([born[keep], np.full(len(new_ids), t, dtype=np.int64)])
        # leaving: cells near the tissue surface (never a newborn), at least one cell stays
        n_leave = int(rng.poisson(s.leave_rate)) if s.leave_rate > 0 else 0
        if n_leave and len(ids) > 1:
            cand = np.flatnonzero(born < t)
            if cand.size:
                norm = self._boundary_norm(pos[cand], t, radius)
                k = max(3, cand.size // 5)
                near = cand[np.argsort(-norm)[:k]]
                n_leave = min(n_leave, near.size, len(ids) - 1)
                leave = rng.choice(near, size=n_leave, replace=False)
                for i in leave:
                    self._end(int(ids[i]), t - 1, "left_tissue")
                keep = np.ones(len(ids), dtype=bool)
                keep[leave] = False
                pos, rel, target, ids, born = (a[keep] for a in (pos, rel, target, ids, born))
        # entering: new cells in the outer shell of the tissue
        n_enter = int(rng.poisson(s.enter_rate)) if s.enter_rate > 0 else 0
        for _ in range(n_enter):
            cand = self._sample_in_tissue(16, t, radius, shell=0.3)
            if len(pos):
                d = np.min(np.linalg.norm(cand[:, None, :] - pos[None, :, :], axis=2), axis=1)
                best = cand[int(np.argmax(d))]
            else:
                best = cand[0]
            cid = self._new_cell(t, 0, "entered")
            size = 1.0 + s.size_variation * rng.uniform(-1, 1)
            pos = np.vstack([pos, best])
            rel = np.append(rel, size)
            target = np.append(target, size)
            ids = np.append(ids, cid)
            born = np.append(born, t)
        return pos, rel, target, ids, born, undo

    def _drop(self, t, gone, undo, pos, rel, target, ids, born, reason):
        """Take cells out at frame ``t``: old cells end at ``t - 1`` with ``reason``; a cell
        born at ``t`` never existed, and a division whose daughter goes does not happen."""
        restore = []
        drop = {int(c) for c in gone}
        for cid in gone.tolist():
            if cid not in self.cells:  # the sibling of a daughter handled just before
                continue
            cell = self.cells[cid]
            if cid in undo:  # a newborn daughter goes: the division does not happen
                mid, mpos, mrel, mtarget, mborn, pair = undo[cid]
                drop.update(pair)
                if mid not in [r[0] for r in restore]:
                    restore.append((mid, mpos, mrel, mtarget, mborn))
                for d in pair:
                    self.cells.pop(d, None)
            elif cell.start == t:  # an entering cell that goes at once never existed
                self.cells.pop(cid, None)
            else:
                self._end(cid, t - 1, reason)
        keep = ~np.isin(ids, list(drop))
        pos, rel, target, ids, born = (a[keep] for a in (pos, rel, target, ids, born))
        for mid, mpos, mrel, mtarget, mborn in restore:
            cell = self.cells[mid]
            cell.end, cell.end_reason = None, ""
            pos = np.vstack([pos, mpos + np.asarray(self.s.drift)])
            rel = np.append(rel, mrel)
            target = np.append(target, mtarget)
            ids = np.append(ids, mid)
            born = np.append(born, mborn)
        return pos, rel, target, ids, born

    # ground truth -----------------------------------------------------------------------
    def _ground_truth(self, raw, nuclei, true_ids, tissue, rows) -> SyntheticMovie:
        s = self.s
        cells = sorted(self.cells.values(), key=lambda c: c.cell_id)
        # missed detections: inner frames of a cell, never two in a row
        missed: dict[int, list[int]] = {}
        for c in cells:
            gaps: list[int] = []
            if s.missed_detection_prob > 0:
                for t in range(c.start + 1, c.end):
                    if gaps and gaps[-1] == t - 1:
                        continue
                    if self.rng_missed.random() < s.missed_detection_prob:
                        gaps.append(t)
            missed[c.cell_id] = gaps
        # CTC segments
        segments = []  # (start, end, cell_id, index within cell)
        for c in cells:
            bounds = []
            a = c.start
            for gap in missed[c.cell_id]:
                bounds.append((a, gap - 1))
                a = gap + 1
            bounds.append((a, c.end))
            for k, (a, b) in enumerate(bounds):
                segments.append((a, b, c.cell_id, k))
        segments.sort(key=lambda x: (x[0], x[2], x[3]))
        seg_label = {(cid, k): i + 1 for i, (_, _, cid, k) in enumerate(segments)}
        n_seg = {c.cell_id: len(missed[c.cell_id]) + 1 for c in cells}
        track_rows = []
        for a, b, cid, k in segments:
            if k > 0:
                parent, kind = seg_label[(cid, k - 1)], "gap"
            elif self.cells[cid].parent:
                mother = self.cells[cid].parent
                parent, kind = seg_label[(mother, n_seg[mother] - 1)], "division"
            else:
                parent, kind = 0, "none"
            track_rows.append((seg_label[(cid, k)], a, b, parent, cid, kind))
        tracks = pd.DataFrame(
            track_rows, columns=["label", "start", "end", "parent", "cell_id", "parent_kind"]
        ).astype(
            {
                "label": "int64",
                "start": "int64",
                "end": "int64",
                "parent": "int64",
                "cell_id": "int64",
            }
        )
        lineage = pd.DataFrame(
            [
                (
                    c.cell_id,
                    c.start,
                    c.end,
                    c.parent,
                    c.start_reason,
                    c.end_reason,
                    len(missed[c.cell_id]),
                )
                for c in cells
            ],
            columns=[
                "cell_id",
                "start",
                "end",
                "parent_cell_id",
                "start_reason",
                "end_reason",
                "n_missed",
            ],
        ).astype(
            {
                "cell_id": "int64",
                "start": "int64",
                "end": "int64",
                "parent_cell_id": "int64",
                "n_missed": "int64",
            }
        )
        # labels: true ids -> CTC labels per frame, 0 for missed detections
        T = s.n_frames
        max_id = max((c.cell_id for c in cells), default=0)
        labels = np.empty_like(true_ids)
        frame_label: dict[tuple[int, int], int] = {}
        for c in cells:
            gaps = set(missed[c.cell_id])
            k = 0
            for t in range(c.start, c.end + 1):
                if t in gaps:
                    k += 1
                    continue
                frame_label[(t, c.cell_id)] = seg_label[(c.cell_id, k)]
        cell_rows = []
        vol = float(np.prod(self.vs))
        for t in range(T):
            lut = np.zeros(max_id + 1, dtype=np.int32)
            in_frame = [(cid, lab) for (tt, cid), lab in frame_label.items() if tt == t]
            for cid, lab in in_frame:
                lut[cid] = lab
            labels[t] = lut[true_ids[t]]
            flat = true_ids[t].ravel()
            counts = np.bincount(flat, minlength=max_id + 1)
            sums = [
                np.bincount(flat, weights=self.pts[:, a], minlength=max_id + 1) for a in range(3)
            ]
            for _tt, cid, z, y, x in (r for r in rows if r[0] == t):
                n = int(counts[cid])
                cen = [sums[a][cid] / n if n else np.nan for a in range(3)]
                lab = frame_label.get((t, cid), 0)
                cell_rows.append((t, cid, lab, lab > 0, z, y, x, *cen, n, n * vol))
        cells_df = pd.DataFrame(
            cell_rows,
            columns=[
                "frame",
                "cell_id",
                "label",
                "detected",
                "seed_z",
                "seed_y",
                "seed_x",
                "centroid_z",
                "centroid_y",
                "centroid_x",
                "n_voxels",
                "volume_um3",
            ],
        ).astype(
            {
                "frame": "int64",
                "cell_id": "int64",
                "label": "int64",
                "detected": bool,
                "n_voxels": "int64",
            }
        )
        return SyntheticMovie(
            raw=raw,
            nuclei=nuclei,
            labels=labels,
            tissue_mask=tissue,
            tracks=tracks,
            lineage=lineage,
            cells=cells_df,
            settings=s,
        )


def generate_movie(
    settings: SyntheticSettings | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SyntheticMovie:
    """Generate a synthetic membrane-labelled 3D+t movie with exact ground truth.

    Parameters
    ----------
    settings : SyntheticSettings, optional
        The settings; the defaults (a small movie) when omitted. Use :func:`preset_settings` for
        the named presets.
    progress : callable, optional
        Called as ``progress(frames_done, n_frames)`` after each frame.

    Returns
    -------
    SyntheticMovie
        Images, labels, tissue mask and the track, lineage and per-frame cell tables.
        The result depends only on ``settings`` (the seed included).

    Raises
    ------
    InputError
        If ``settings`` is not a :class:`SyntheticSettings`.

    Notes
    -----
    A cell is the set of tissue voxels ``x`` minimising ``|x + w(x) - s_i|² - r_i²`` over the
    seeds ``s_i`` (a power diagram in µm; ``w`` is a smooth warp of amplitude
    ``cell_roughness``). Seeds are pushed at least 1.65 mean radii apart (as far as the
    repulsion allows) and kept 0.6 radii inside the tissue surface, so every cell normally
    contains its seed. A cell left with fewer than 8 voxels gets a small ball around its seed;
    a cell left with none is taken out (``squeezed_out``), a cell born in that frame never
    existed, and a division whose daughter would get no voxel (or leave the image at birth)
    does not happen. Each frame is rendered from the true cells; missed detections are only
    removed from ``labels`` afterwards, so ``raw`` still shows them.
    """
    if settings is None:
        settings = SyntheticSettings()
    if not isinstance(settings, SyntheticSettings):
        raise InputError(f"settings must be a SyntheticSettings, got {type(settings).__name__}")
    return _Simulator(settings).run(progress)


#: Files and folders :func:`write_movie` writes inside its output folder.
LAYOUT: dict[str, str] = {
    "raw.tif": "membrane channel, TZYX ImageJ hyperstack (calibrated: µm, s)",
    "nuclei.tif": "nuclear channel, TZYX ImageJ hyperstack (only with nuclei=True)",
    "labels.tif": "ground-truth labels (CTC track labels), TZYX uint16 ImageJ hyperstack",
    "tissue_mask.tif": "tissue mask, TZYX uint8 (255 inside) ImageJ hyperstack",
    "gt_tracks.csv": "CTC tracks: label,start,end,parent,cell_id,parent_kind",
    "gt_lineage.csv": "true cells: cell_id,start,end,parent_cell_id,start_reason,end_reason,...",
    "gt_cells.csv": "one row per true cell per frame (seed, centroid in µm, volume, detected)",
    "01/": "CTC raw: t000.tif … one ZYX membrane TIFF per frame",
    "01_GT/TRA/": "CTC tracking ground truth: man_track.txt, man_track000.tif …",
    "01_GT/SEG/": "CTC segmentation ground truth: man_seg000.tif … (every frame)",
    "params.json": "settings, versions and a summary; written last",
}


def movie_summary(movie: SyntheticMovie) -> dict[str, object]:
    """Counts that describe a movie's ground truth.

    Returns
    -------
    dict
        ``n_frames``, ``cells_per_frame`` (true cells, missed detections included),
        ``labels_per_frame`` (cells in the GT labels), ``n_cells_total`` (true identities),
        ``n_ctc_tracks``, ``n_divisions``, ``n_entered``, ``n_left``, ``n_missed_detections``.
    """
    lin = movie.lineage
    per_frame = (
        movie.cells.groupby("frame").size().reindex(range(movie.settings.n_frames), fill_value=0)
    )
    detected = (
        movie.cells[movie.cells["detected"]]
        .groupby("frame")
        .size()
        .reindex(range(movie.settings.n_frames), fill_value=0)
    )
    return {
        "n_frames": int(movie.settings.n_frames),
        "cells_per_frame": [int(v) for v in per_frame],
        "labels_per_frame": [int(v) for v in detected],
        "n_cells_total": len(lin),
        "n_ctc_tracks": len(movie.tracks),
        "n_divisions": int((lin["end_reason"] == "division").sum()),
        "n_entered": int((lin["start_reason"] == "entered").sum()),
        "n_left": int(lin["end_reason"].isin(["left_tissue", "left_image"]).sum()),
        "n_missed_detections": int(lin["n_missed"].sum()),
    }


def _versions() -> dict[str, str]:
    import scipy
    import skimage
    import tifffile

    from volltrack._version import __version__

    return {
        "volltrack": __version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-image": skimage.__version__,
        "tifffile": tifffile.__version__,
        "pandas": pd.__version__,
    }


def write_movie(
    movie: SyntheticMovie,
    folder: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> dict[str, Path]:
    """Write a synthetic movie and its ground truth into a folder (layout in :data:`LAYOUT`).

    Parameters
    ----------
    movie : SyntheticMovie
        The movie from :func:`generate_movie`.
    folder : path-like
        Output folder; created if missing. It must be empty unless ``overwrite`` is set.
    overwrite : bool
        Replace the files of an earlier movie in a non-empty folder. Only the names of the
        layout are touched; frame files of an earlier, longer movie are removed.

    Returns
    -------
    dict
        File or folder name (as in :data:`LAYOUT`) -> path written.

    Raises
    ------
    InputError
        If the folder is not empty and ``overwrite`` is not set, or is a file.
    """
    from volltrack.io import (
        write_ctc_ground_truth,
        write_imagej_tzyx,
        write_text_atomic,
    )

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not overwrite:
        raise InputError(f"{folder}: folder is not empty (use overwrite to replace its movie)")
    folder.mkdir(parents=True, exist_ok=True)
    if overwrite:
        _remove_layout(folder)
    s = movie.settings
    vs, dt = s.voxel_size, s.time_interval
    out: dict[str, Path] = {}
    out["raw.tif"] = write_imagej_tzyx(folder / "raw.tif", movie.raw, vs, dt)
    if movie.nuclei is not None:
        out["nuclei.tif"] = write_imagej_tzyx(folder / "nuclei.tif", movie.nuclei, vs, dt)
    out["labels.tif"] = write_imagej_tzyx(folder / "labels.tif", movie.labels, vs, dt)
    out["tissue_mask.tif"] = write_imagej_tzyx(
        folder / "tissue_mask.tif", movie.tissue_mask, vs, dt
    )
    for name, table in (
        ("gt_tracks.csv", movie.tracks),
        ("gt_lineage.csv", movie.lineage),
        ("gt_cells.csv", movie.cells),
    ):
        out[name] = write_text_atomic(folder / name, table.to_csv(index=False))
    out["01/"] = _write_ctc_raw(folder / "01", movie.raw)
    write_ctc_ground_truth(folder / "01_GT", movie.labels, movie.tracks)
    out["01_GT/TRA/"] = folder / "01_GT" / "TRA"
    out["01_GT/SEG/"] = folder / "01_GT" / "SEG"
    params = {
        "generator": "volltrack.synthetic.generate_movie",
        "settings": s.model_dump(mode="json"),
        "versions": _versions(),
        "layout": {k: v for k, v in LAYOUT.items() if k in out or k == "params.json"},
        "summary": movie_summary(movie),
    }
    out["params.json"] = write_text_atomic(
        folder / "params.json", json.dumps(params, indent=2) + "\n"
    )
    return out


def _write_ctc_raw(folder: Path, raw: np.ndarray) -> Path:
    import tifffile

    from volltrack.io import atomic_path, ctc_frame_digits

    folder.mkdir(parents=True, exist_ok=True)
    digits = ctc_frame_digits(raw.shape[0])
    for t in range(raw.shape[0]):
        with atomic_path(folder / f"t{t:0{digits}d}.tif") as tmp:
            tifffile.imwrite(tmp, raw[t], photometric="minisblack")
    return folder


def _remove_layout(folder: Path) -> None:
    for name in (
        "params.json",
        "raw.tif",
        "nuclei.tif",
        "labels.tif",
        "tissue_mask.tif",
        "gt_tracks.csv",
        "gt_lineage.csv",
        "gt_cells.csv",
    ):
        (folder / name).unlink(missing_ok=True)
    patterns = {
        folder / "01": r"t\d{3,4}\.tif",
        folder / "01_GT" / "TRA": r"man_track(\d{3,4}\.tif|\.txt)",
        folder / "01_GT" / "SEG": r"man_seg\d{3,4}\.tif",
    }

    for sub, pattern in patterns.items():
        if sub.is_dir():
            for f in sub.iterdir():
                if f.is_file() and re.fullmatch(pattern, f.name):
                    f.unlink()
