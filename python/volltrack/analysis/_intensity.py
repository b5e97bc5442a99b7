"""Intensity (or any numeric spot feature) over time, its spectrum per tracklet, raw intensities.

The spectrum of a tracklet is taken on the tracklet's own timestamps. A tracklet with a gap (or
with spots whose feature is NaN) is not evenly sampled; its series is then linearly interpolated
onto an even grid at the smallest time step it has, and the result says so (``resampled``).
Before the FFT the series is detrended (least-squares line removed) and multiplied by a
periodic Hann window; amplitudes are scaled so that a sinusoid of amplitude A that fits a whole
number of periods in the tracklet gives a peak of height A.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from volltrack._errors import InputError
from volltrack.analysis._lineage import Lineage

__all__ = ["intensity_series", "intensity_spectra", "measure_spot_intensity", "spectrum"]

_FIXED = {"spot_id", "tracklet_id", "track_id", "frame", "t", "z", "y", "x"}


def _check_feature(lineage: Lineage, feature: str) -> None:
    spots = lineage.spots
    if feature not in spots.columns or feature in _FIXED:
        numeric = [
            c for c in spots.columns if c not in _FIXED and pd.api.types.is_numeric_dtype(spots[c])
        ]
        raise InputError(
            f"spot feature {feature!r} not found; the spots have: {', '.join(numeric) or 'none'}"
        )


def intensity_series(lineage: Lineage, feature: str) -> pd.DataFrame:
    """A spot feature over time, one row per spot.

    Parameters
    ----------
    lineage : Lineage
    feature : str
        A numeric spot column, e.g. ``"MEAN_INTENSITY_CH1"``.

    Returns
    -------
    DataFrame
        ``spot_id``, ``tracklet_id``, ``track_id``, ``frame``, ``t``, ``feature`` (the name),
        ``value``.
    """
    _check_feature(lineage, feature)
    out = lineage.spots[["spot_id", "tracklet_id", "track_id", "frame", "t"]].copy()
    out["feature"] = feature
    out["value"] = lineage.spots[feature].to_numpy(np.float64)
    return out


def spectrum(
    t: np.ndarray, values: np.ndarray, *, min_samples: int = 8
) -> tuple[np.ndarray, np.ndarray, bool, float]:
    """Amplitude spectrum of one time series sampled at times ``t``.

    Parameters
    ----------
    t, values : ndarray
        Sample times (increasing) and values; NaN values are left out.
    min_samples : int
        Fewer valid samples give empty arrays.

    Returns
    -------
    frequency : ndarray
        0 to the Nyquist frequency, in 1 / time unit of ``t``.
    amplitude : ndarray
        Same length as ``frequency``.
    resampled : bool
        Whether the samples were uneven and interpolated onto an even grid.
    step : float
        The sampling step used (NaN when too few samples).
    """
    t = np.asarray(t, np.float64)
    values = np.asarray(values, np.float64)
    ok = np.isfinite(values) & np.isfinite(t)
    t, values = t[ok], values[ok]
    if len(t) < min_samples:
        return np.zeros(0), np.zeros(0), False, float("nan")
    steps = np.diff(t)
    if np.any(steps <= 0):
        raise InputError("sample times must increase strictly")
    step = float(steps.min())
    resampled = not np.allclose(steps, step, rtol=1e-6, atol=0)
    if resampled:
        n = int(np.floor((t[-1] - t[0]) / step + 1e-9)) + 1
        grid = t[0] + step * np.arange(n)
        values = np.interp(grid, t, values)
    from scipy.signal import detrend
    from scipy.signal.windows import hann

    x = detrend(values, type="linear")
    window = hann(len(x), sym=False)
    amplitude = 2.0 * np.abs(np.fft.rfft(x * window)) / window.sum()
    frequency = np.fft.rfftfreq(len(x), d=step)
    return frequency, amplitude, resampled, step


def intensity_spectra(
    lineage: Lineage, feature: str, *, min_samples: int = 8
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Detrended, Hann-windowed amplitude spectrum of a spot feature, per tracklet.

    Parameters
    ----------
    lineage : Lineage
    feature : str
        Numeric spot column.
    min_samples : int
        Tracklets with fewer valid samples get no spectrum.

    Returns
    -------
    spectra : DataFrame
        ``tracklet_id``, ``feature``, ``frequency`` (1 / time unit), ``amplitude``.
    summary : DataFrame
        One row per tracklet with a spectrum: ``tracklet_id``, ``feature``, ``n_samples``,
        ``step`` (sampling step used), ``resampled`` (bool), ``peak_frequency`` and
        ``peak_amplitude`` (the largest amplitude above frequency 0).
    """
    _check_feature(lineage, feature)
    spots = lineage.spots
    rows, summary = [], []
    for tid, group in spots.groupby("tracklet_id", sort=True):
        values = group[feature].to_numpy(np.float64)
        freq, amp, resampled, step = spectrum(
            group["t"].to_numpy(), values, min_samples=min_samples
        )
        if not len(freq):
            continue
        rows.append(
            pd.DataFrame(
                {"tracklet_id": tid, "feature": feature, "frequency": freq, "amplitude": amp}
            )
        )
        k = 1 + int(np.argmax(amp[1:])) if len(amp) > 1 else 0
        summary.append(
            {
                "tracklet_id": tid,
                "feature": feature,
                "n_samples": int(np.isfinite(values).sum()),
                "step": step,
                "resampled": resampled,
                "peak_frequency": float(freq[k]),
                "peak_amplitude": float(amp[k]),
            }
        )
    spectra = (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(
            {
                "tracklet_id": pd.Series(dtype=np.int64),
                "feature": pd.Series(dtype=object),
                "frequency": pd.Series(dtype=np.float64),
                "amplitude": pd.Series(dtype=np.float64),
            }
        )
    )
    columns = [
        "tracklet_id",
        "feature",
        "n_samples",
        "step",
        "resampled",
        "peak_frequency",
        "peak_amplitude",
    ]
    return spectra, pd.DataFrame(summary, columns=columns)


def measure_spot_intensity(
    lineage: Lineage,
    image: np.ndarray,
    voxel_size: tuple[float, float, float],
    *,
    radius: float | None = None,
    prefix: str = "RAW_MEAN_INTENSITY",
) -> pd.DataFrame:
    """Mean intensity of a raw movie in a ball around every spot.

    Parameters
    ----------
    lineage : Lineage
    image : ndarray
        TZYX, or TCZYX for several channels; frame ``k`` of the tracks is ``image[k]``.
    voxel_size : tuple of float
        (z, y, x) voxel size in the lineage's space units.
    radius : float, optional
        Ball radius in space units; default the spot's ``RADIUS`` feature, else one voxel.
    prefix : str
        Column name; ``_CH1``, ``_CH2`` ... is appended (one column per channel).

    Returns
    -------
    DataFrame
        ``spot_id`` and one column per channel (``RAW_MEAN_INTENSITY_CH1``, ...), NaN for a spot
        whose ball lies outside the image.
    """
    image = np.asarray(image) if not isinstance(image, np.memmap) else image
    if image.ndim == 4:
        image = image[:, None]
    if image.ndim != 5:
        raise InputError(f"raw image has shape {image.shape}: expected TZYX or TCZYX")
    spots = lineage.spots
    frames = spots["frame"].to_numpy()
    if len(frames) and frames.max() >= image.shape[0]:
        raise InputError(
            f"raw image has {image.shape[0]} frames, but the tracks use frame {int(frames.max())}"
        )
    size = np.asarray(voxel_size, np.float64)
    centre = spots[["z", "y", "x"]].to_numpy(np.float64) / size
    if radius is not None:
        radii = np.full(len(spots), float(radius))
    elif "RADIUS" in spots.columns:
        radii = spots["RADIUS"].to_numpy(np.float64)
    else:
        radii = np.full(len(spots), float(size.min()))
    radii = np.where(np.isfinite(radii) & (radii > 0), radii, size.min())
    n_channels = image.shape[1]
    out = np.full((len(spots), n_channels), np.nan)
    shape = np.asarray(image.shape[2:])
    for i in range(len(spots)):
        r_vox = radii[i] / size
        lo = np.maximum(np.floor(centre[i] - r_vox).astype(int), 0)
        hi = np.minimum(np.ceil(centre[i] + r_vox).astype(int) + 1, shape)
        if np.any(hi <= lo):
            continue
        grids = np.meshgrid(
            *[np.arange(a, b) for a, b in zip(lo, hi, strict=True)], indexing="ij", sparse=True
        )
        d2 = sum(((g - c) * s) ** 2 for g, c, s in zip(grids, centre[i], size, strict=True))
        ball = d2 <= radii[i] ** 2
        if not ball.any():
            continue
        block = image[frames[i], :, lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]]
        out[i] = block[:, ball].mean(axis=1)
    table = pd.DataFrame({"spot_id": spots["spot_id"].to_numpy()})
    for c in range(n_channels):
        table[f"{prefix}_CH{c + 1}"] = out[:, c]
    return table
