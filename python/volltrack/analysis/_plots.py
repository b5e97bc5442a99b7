"""Figures of the track analyses (matplotlib, no GUI: figures are drawn with the Agg renderer).

Each ``plot_*`` function takes the tables of the analysis functions and returns a
:class:`matplotlib.figure.Figure` that is not attached to pyplot (so nothing opens a window and
nothing leaks between calls); :func:`save_figure` writes it as PNG or SVG atomically. The
optional ``tracklet_ids`` restrict a plot to a selection (as the napari widget does).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from volltrack._errors import InputError

__all__ = [
    "plot_boundary",
    "plot_intensity",
    "plot_msd",
    "plot_population",
    "plot_speed",
    "save_figure",
]

_ROLE_COLOURS = {"root": "tab:green", "daughter": "tab:red", "merged": "tab:blue"}


def _figure(ncols: int, nrows: int = 1, size: tuple[float, float] | None = None):
    from matplotlib.figure import Figure

    # a fixed layout: matplotlib's layout engines cost more than drawing these figures
    fig = Figure(figsize=size or (5.0 * ncols, 3.8 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    fig.subplots_adjust(left=0.1 / ncols + 0.02, right=0.97, bottom=0.12 / nrows + 0.02,
                        top=1 - 0.08 / nrows, wspace=0.3, hspace=0.4)  # fmt: skip
    return fig, axes.ravel()


def _select(table: pd.DataFrame, tracklet_ids: Iterable[int] | None) -> pd.DataFrame:
    if tracklet_ids is None:
        return table
    return table[table["tracklet_id"].isin(list(tracklet_ids))]


def _unit(unit: str | None) -> str:
    return f" ({unit})" if unit else ""


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def plot_population(
    population: pd.DataFrame, *, time_units: str | None = None, space_units: str | None = None
):
    """Cells and tracks per frame, divisions per frame, mean speed, mean boundary distance."""
    fig, ax = _figure(2, 2)
    t = population["t"]
    xlabel = f"time{_unit(time_units)}"
    ax[0].plot(t, population["n_cells"], label="cells")
    ax[0].plot(t, population["n_tracks"], label="tracks")
    ax[0].set(xlabel=xlabel, ylabel="count", title="Population")
    ax[0].legend(frameon=False)
    ax[1].bar(t, population["n_divisions"], width=np.nanmin(np.diff(t)) if len(t) > 1 else 1.0)
    ax[1].set(xlabel=xlabel, ylabel="divisions", title="Divisions per frame")
    if "mean_speed" in population:
        ax[2].plot(t, population["mean_speed"])
        ax[2].fill_between(
            t,
            population["mean_speed"] - population["std_speed"],
            population["mean_speed"] + population["std_speed"],
            alpha=0.3,
        )
        speed_unit = f"{space_units}/{time_units}" if space_units and time_units else None
        ax[2].set(xlabel=xlabel, ylabel=f"speed{_unit(speed_unit)}", title="Mean speed (± SD)")
    else:
        _empty(ax[2], "no speeds")
    if "mean_distance_to_boundary" in population:
        ax[3].plot(t, population["mean_distance_to_boundary"])
        ax[3].axhline(0, color="0.5", lw=0.8)
        ax[3].set(
            xlabel=xlabel,
            ylabel=f"distance{_unit(space_units)}",
            title="Mean distance to tissue boundary",
        )
    else:
        _empty(ax[3], "no tissue mask given")
    return fig


def plot_speed(
    motion: pd.DataFrame,
    tracklet_ids: Iterable[int] | None = None,
    *,
    time_units: str | None = None,
    space_units: str | None = None,
):
    """Speed over time per tracklet, and the distribution of speeds."""
    fig, ax = _figure(2)
    motion = _select(motion, tracklet_ids).dropna(subset=["speed"])
    speed_unit = f"{space_units}/{time_units}" if space_units and time_units else None
    if not len(motion):
        _empty(ax[0], "no steps")
        _empty(ax[1], "no steps")
        return fig
    for _, g in motion.groupby("tracklet_id"):
        ax[0].plot(g["t"], g["speed"], lw=0.8, alpha=0.7)
    ax[0].set(xlabel=f"time{_unit(time_units)}", ylabel=f"speed{_unit(speed_unit)}")
    ax[0].set_title("Speed per tracklet")
    ax[1].hist(motion["speed"], bins=30)
    ax[1].set(xlabel=f"speed{_unit(speed_unit)}", ylabel="steps", title="Speeds")
    return fig


def plot_msd(
    per_tracklet: pd.DataFrame,
    ensemble: pd.DataFrame | None = None,
    tracklet_ids: Iterable[int] | None = None,
    *,
    time_units: str | None = None,
    space_units: str | None = None,
):
    """Lag-averaged MSD of each tracklet (thin lines) and pooled (thick), log-log axes."""
    fig, ax = _figure(1, size=(5.5, 4.2))
    a = ax[0]
    per_tracklet = _select(per_tracklet, tracklet_ids)
    if not len(per_tracklet):
        _empty(a, "no tracklet with two spots")
        return fig
    for _, g in per_tracklet.groupby("tracklet_id"):
        a.plot(g["lag"], g["msd"], color="0.6", lw=0.6, alpha=0.6)
    if ensemble is not None and len(ensemble):
        a.plot(ensemble["lag"], ensemble["msd"], color="tab:red", lw=2, label="all pairs")
        a.legend(frameon=False)
    a.set_xscale("log")
    a.set_yscale("log")
    area = f"{space_units}²" if space_units else None
    a.set(xlabel=f"lag{_unit(time_units)}", ylabel=f"MSD{_unit(area)}")
    a.set_title("Mean squared displacement")
    return fig


def plot_boundary(
    distances: pd.DataFrame,
    summary: pd.DataFrame,
    tracklet_ids: Iterable[int] | None = None,
    *,
    time_units: str | None = None,
    space_units: str | None = None,
):
    """Distance to the tissue boundary over time per tracklet; start vs end distance.

    In the right panel, tracklets starting at a root are green, daughters red, merged blue.
    """
    fig, ax = _figure(2)
    distances = _select(distances, tracklet_ids)
    summary = _select(summary, tracklet_ids)
    for _, g in distances.groupby("tracklet_id"):
        ax[0].plot(g["t"], g["distance_to_boundary"], lw=0.8, alpha=0.7)
    ax[0].axhline(0, color="0.3", lw=0.8)
    ax[0].set(
        xlabel=f"time{_unit(time_units)}",
        ylabel=f"signed distance{_unit(space_units)}",
        title="Distance to tissue boundary (> 0 inside)",
    )
    for role, colour in _ROLE_COLOURS.items():
        s = summary[summary["role"] == role]
        if len(s):
            ax[1].scatter(s["start_distance"], s["end_distance"], s=14, c=colour, label=role)
    finite = summary[["start_distance", "end_distance"]].to_numpy(np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size:
        lo, hi = float(finite.min()), float(finite.max())
        ax[1].plot([lo, hi], [lo, hi], color="0.5", lw=0.8, ls="--")
        ax[1].legend(frameon=False)
    ax[1].set(
        xlabel=f"start distance{_unit(space_units)}",
        ylabel=f"end distance{_unit(space_units)}",
        title="Start vs end localisation",
    )
    return fig


def plot_intensity(
    series: pd.DataFrame,
    spectra: pd.DataFrame,
    tracklet_ids: Iterable[int] | None = None,
    *,
    time_units: str | None = None,
):
    """A spot feature over time per tracklet, and its amplitude spectrum per tracklet."""
    fig, ax = _figure(2)
    series = _select(series, tracklet_ids)
    spectra = _select(spectra, tracklet_ids)
    name = str(series["feature"].iloc[0]) if len(series) else "value"
    for _, g in series.groupby("tracklet_id"):
        ax[0].plot(g["t"], g["value"], lw=0.8, alpha=0.7)
    ax[0].set(xlabel=f"time{_unit(time_units)}", ylabel=name, title=f"{name} over time")
    if len(spectra):
        for _, g in spectra.groupby("tracklet_id"):
            ax[1].plot(g["frequency"], g["amplitude"], lw=0.8, alpha=0.7)
        freq_unit = f"1/{time_units}" if time_units else None
        ax[1].set(
            xlabel=f"frequency{_unit(freq_unit)}",
            ylabel="amplitude",
            title="Spectrum (detrended, Hann window)",
        )
    else:
        _empty(ax[1], "no tracklet long enough for a spectrum")
    return fig


def save_figure(fig, path: str | os.PathLike[str]) -> Path:
    """Write ``fig`` to ``path`` (``.png`` at 150 dpi or ``.svg``) atomically; return the path."""
    from volltrack.io import atomic_path

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(f"{path}: figures are written as .png or .svg")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=150)
    return path
