"""The whole track analysis of a TrackMate file: tables and figures, written atomically."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from volltrack._errors import InputError
from volltrack.analysis._boundary import boundary_distance, tracklet_boundary_summary
from volltrack.analysis._intensity import (
    intensity_series,
    intensity_spectra,
    measure_spot_intensity,
)
from volltrack.analysis._lineage import Lineage, add_spot_features, lineage_from_trackmate
from volltrack.analysis._motion import (
    ensemble_msd,
    msd,
    spot_motion,
    track_motion,
    tracklet_motion,
)
from volltrack.analysis._population import division_localisation, population_over_time

__all__ = ["AnalysisResult", "AnalysisSettings", "analyze_tracks", "write_analysis"]


class AnalysisSettings(BaseModel):
    """Settings of ``volltrack analyze`` (unknown keys are rejected)."""

    model_config = ConfigDict(extra="forbid")

    all_tracks: bool = Field(
        False, description="analyse every track, not only those in FilteredTracks"
    )
    mask: Path | None = Field(
        None,
        description="tissue mask TIFF (TZYX, or TYX for a 2D outline per frame; non-zero = "
        "tissue) for the signed distance to the tissue boundary; none: no boundary analysis",
    )
    raw: Path | None = Field(
        None,
        description="raw movie TIFF (TZYX or with channels); adds RAW_MEAN_INTENSITY_CH<n>, the "
        "mean in a ball of the spot's RADIUS",
    )
    voxel_size: tuple[float, float, float] | None = Field(
        None,
        description="(z, y, x) voxel size of the mask and raw images in the XML's space units; "
        "default: each image file's calibration, else the XML's ImageData",
    )
    time_interval: float | None = Field(
        None,
        gt=0,
        description="time between frames; replaces the XML's frame times (POSITION_T) when "
        "given, e.g. for a file whose ImageData says 1 frame",
    )
    time_units: str | None = Field(
        None, description="unit of time_interval (default 's' when time_interval is given)"
    )
    channel_features: list[str] = Field(
        default_factory=list,
        description="spot features analysed over time with their spectrum; empty: every "
        "MEAN_INTENSITY* feature present (and the raw intensities)",
    )
    spectrum_min_samples: int = Field(
        8, ge=4, description="tracklets with fewer valid samples get no spectrum"
    )
    table_format: Literal["csv", "parquet"] = Field("csv", description="format of the tables")
    figure_formats: list[Literal["png", "svg"]] = Field(
        default_factory=lambda: ["png", "svg"], description="formats of each figure"
    )


@dataclass(frozen=True)
class AnalysisResult:
    """Every table of the analysis. Fields always exist; None when not computed.

    Attributes
    ----------
    lineage : Lineage
        Tracklets, links and tracks (see :class:`Lineage`).
    spots : DataFrame
        ``lineage.spots`` with the motion columns of :func:`spot_motion` and, with a mask,
        ``distance_to_boundary`` and ``inside``.
    tracklets : DataFrame
        ``lineage.tracklets`` with :func:`tracklet_motion` (and, with a mask,
        :func:`tracklet_boundary_summary`) columns.
    tracks : DataFrame
        ``lineage.tracks`` with :func:`track_motion` columns.
    msd, msd_ensemble, population, divisions : DataFrame
        :func:`msd`, :func:`ensemble_msd`, :func:`population_over_time`,
        :func:`division_localisation`.
    boundary : DataFrame or None
        :func:`boundary_distance` (None without a mask).
    boundary_summary : DataFrame or None
        :func:`tracklet_boundary_summary` (None without a mask).
    intensity : DataFrame or None
        :func:`intensity_series` of every analysed feature, stacked (None when none).
    spectra, spectrum_peaks : DataFrame or None
        :func:`intensity_spectra` of every analysed feature, stacked.
    notes : tuple of str
        What was not computed and why, and what was resampled.
    """

    lineage: Lineage
    spots: pd.DataFrame
    tracklets: pd.DataFrame
    tracks: pd.DataFrame
    msd: pd.DataFrame
    msd_ensemble: pd.DataFrame
    population: pd.DataFrame
    divisions: pd.DataFrame
    boundary: pd.DataFrame | None
    boundary_summary: pd.DataFrame | None
    intensity: pd.DataFrame | None
    spectra: pd.DataFrame | None
    spectrum_peaks: pd.DataFrame | None
    notes: tuple[str, ...]


def _image_as(path: Path, kind: str, letters: str):
    from volltrack.io import read_image

    image = read_image(path, memmap=True)
    axes = image.axes.upper()
    unknown = [a for a in axes if a not in letters]
    if unknown or len(set(axes)) != len(axes):
        raise InputError(f"{path}: {kind} has axes {image.axes!r}; expected some of {letters}")
    order = [axes.index(a) for a in letters if a in axes]
    return (
        np.transpose(image.data, order),
        "".join(a for a in letters if a in axes),
        image.voxel_size,
    )


def _load_mask(path: Path):
    data, axes, voxel = _image_as(path, "tissue mask", "TZYX")
    if axes not in ("TZYX", "TYX"):
        raise InputError(f"{path}: tissue mask has axes {axes}; expected TZYX or TYX")
    return data, voxel


def _load_raw(path: Path):
    data, axes, voxel = _image_as(path, "raw image", "TCZYX")
    if axes == "TZYX":
        return data[:, None], voxel
    if axes != "TCZYX":
        raise InputError(f"{path}: raw image has axes {axes}; expected TZYX or TCZYX")
    return data, voxel


def _voxel_size(settings, file_voxel, data, what: str, notes: list[str]):
    """The voxel size of an image: the setting, else the file's calibration, else the XML's."""
    if settings.voxel_size is not None:
        return tuple(settings.voxel_size)
    if file_voxel is not None:
        if data.voxel_size is not None and not np.allclose(file_voxel, data.voxel_size):
            notes.append(
                f"{what}: voxel size {tuple(file_voxel)} from the image file, not the XML's "
                f"ImageData {tuple(data.voxel_size)}"
            )
        return tuple(file_voxel)
    if data.voxel_size is None:
        raise InputError(f"{data.path}: no voxel size in <ImageData>; cannot use the {what}")
    return tuple(data.voxel_size)


def analyze_tracks(
    source,
    settings: AnalysisSettings | None = None,
    *,
    mask: np.ndarray | None = None,
    raw: np.ndarray | None = None,
    progress: Callable[[str], None] | None = None,
) -> AnalysisResult:
    """Analyse tracks: lineage, motion, MSD, population, divisions, boundary, intensity.

    Parameters
    ----------
    source : path-like or TrackMateData
        A TrackMate XML file, or what :func:`volltrack.io.read_trackmate` returned.
    settings : AnalysisSettings, optional
    mask, raw : ndarray, optional
        Arrays used instead of ``settings.mask`` / ``settings.raw`` (mask TZYX or TYX; raw
        TZYX or TCZYX).
    progress : callable, optional
        Called with the name of each step as it starts.

    Returns
    -------
    AnalysisResult
    """
    from volltrack.io import TrackMateData, read_trackmate

    settings = settings or AnalysisSettings()
    say = progress or (lambda _step: None)
    say("reading tracks")
    data = (
        source
        if isinstance(source, TrackMateData)
        else read_trackmate(source, all_tracks=settings.all_tracks)
    )
    notes: list[str] = []
    lineage = lineage_from_trackmate(
        data, time_interval=settings.time_interval, time_units=settings.time_units
    )
    mask_voxel = raw_voxel = None
    if mask is None and settings.mask is not None:
        mask, mask_voxel = _load_mask(settings.mask)
    if raw is None and settings.raw is not None:
        raw, raw_voxel = _load_raw(settings.raw)
    if raw is not None:
        say("measuring raw intensities")
        voxel = _voxel_size(settings, raw_voxel, data, "raw image", notes)
        lineage = add_spot_features(lineage, measure_spot_intensity(lineage, raw, voxel))
    say("motion")
    motion = spot_motion(lineage)
    per_msd = msd(lineage)
    boundary = summary = None
    if mask is not None:
        say("distance to the tissue boundary")
        voxel = _voxel_size(settings, mask_voxel, data, "tissue mask", notes)
        boundary = boundary_distance(lineage, mask, voxel)
        summary = tracklet_boundary_summary(lineage, boundary)
    else:
        notes.append("no tissue mask: the distance to the tissue boundary was not computed")
    say("intensity spectra")
    features = list(settings.channel_features)
    if not features:
        features = [
            c
            for c in lineage.spots.columns
            if (c.startswith("MEAN_INTENSITY") or c.startswith("RAW_MEAN_INTENSITY"))
            and lineage.spots[c].notna().any()
        ]
    series, spectra, peaks = [], [], []
    for feature in features:
        series.append(intensity_series(lineage, feature))
        sp, pk = intensity_spectra(lineage, feature, min_samples=settings.spectrum_min_samples)
        spectra.append(sp)
        peaks.append(pk)
        n_res = int(pk["resampled"].sum())
        if n_res:
            notes.append(
                f"{feature}: {n_res} tracklet(s) with gaps were interpolated onto an even time "
                "grid for their spectrum"
            )
    if not features:
        notes.append("no intensity feature: no spectra (use --channel-feature or --raw)")
    say("statistics")
    spots = lineage.spots.merge(
        motion.drop(columns=["tracklet_id", "track_id", "frame", "t"]), on="spot_id"
    )
    tracklets = lineage.tracklets.merge(
        tracklet_motion(lineage, motion).drop(columns=["track_id", "generation", "n_spots"]),
        on="tracklet_id",
    )
    if boundary is not None:
        spots = spots.merge(boundary[["spot_id", "distance_to_boundary", "inside"]], on="spot_id")
        tracklets = tracklets.merge(
            summary[["tracklet_id", "role", "start_distance", "end_distance", "change"]],
            on="tracklet_id",
        )
    tracks = lineage.tracks.merge(
        track_motion(lineage, motion).drop(columns=["dividing", "n_divisions", "n_spots"]),
        on="track_id",
    )
    return AnalysisResult(
        lineage=lineage,
        spots=spots,
        tracklets=tracklets,
        tracks=tracks,
        msd=per_msd,
        msd_ensemble=ensemble_msd(per_msd),
        population=population_over_time(lineage, motion, boundary),
        divisions=division_localisation(lineage, boundary),
        boundary=boundary,
        boundary_summary=summary,
        intensity=pd.concat(series, ignore_index=True) if series else None,
        spectra=pd.concat(spectra, ignore_index=True) if spectra else None,
        spectrum_peaks=pd.concat(peaks, ignore_index=True) if peaks else None,
        notes=tuple(notes),
    )


def _tidy(table: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """Tuple columns (parent/children ids) as ';'-joined text for CSV, lists for Parquet."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object and len(out) and isinstance(out[column].iloc[0], tuple):
            if fmt == "csv":
                out[column] = out[column].map(lambda v: ";".join(str(int(i)) for i in v))
            else:
                out[column] = out[column].map(lambda v: [int(i) for i in v])
    return out


def check_table_format(fmt: str) -> None:
    """Raise InputError when ``fmt`` is ``"parquet"`` and pyarrow cannot be imported."""
    if fmt != "parquet":
        return
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            f"Parquet tables need pyarrow (pip install 'volltrack[export]'): {reason}"
        ) from None


def write_analysis(
    result: AnalysisResult,
    out: str | os.PathLike[str],
    settings: AnalysisSettings | None = None,
    *,
    overwrite: bool = False,
    source: str | None = None,
) -> list[Path]:
    """Write the tables and figures of ``result`` into the folder ``out``, all or nothing.

    Everything is written into a temporary folder next to ``out``, which then replaces ``out``;
    a failure leaves ``out`` as it was.

    Returns
    -------
    list of Path
        The files written (paths inside ``out``).

    Raises
    ------
    InputError
        ``out`` exists and ``overwrite`` is False, or is a file.
    """
    from volltrack._version import __version__
    from volltrack.analysis import _plots
    from volltrack.io import replace_folder, temporary_folder

    settings = settings or AnalysisSettings()
    check_table_format(settings.table_format)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    if out.exists() and not overwrite:
        raise InputError(f"{out}: already exists (use --overwrite to replace it)")
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_folder(out)
    fmt = settings.table_format
    tables = {
        "spots": result.spots,
        "tracklets": result.tracklets,
        "tracks": result.tracks,
        "links": result.lineage.links,
        "divisions": result.divisions,
        "msd": result.msd,
        "msd_ensemble": result.msd_ensemble,
        "population": result.population,
        "intensity": result.intensity,
        "intensity_spectra": result.spectra,
        "intensity_peaks": result.spectrum_peaks,
    }
    names: list[str] = []
    try:
        for name, table in tables.items():
            if table is None:
                continue
            path = tmp / f"{name}.{fmt}"
            tidy = _tidy(table, fmt)
            if fmt == "csv":
                tidy.to_csv(path, index=False)
            else:
                tidy.to_parquet(path, index=False)
            names.append(path.name)
        lin = result.lineage
        units = {"time_units": lin.time_units, "space_units": lin.space_units}
        figures = {
            "population": _plots.plot_population(result.population, **units),
            "speed": _plots.plot_speed(result.spots, **units),
            "msd": _plots.plot_msd(result.msd, result.msd_ensemble, **units),
        }
        if result.boundary is not None:
            figures["boundary"] = _plots.plot_boundary(
                result.boundary, result.boundary_summary, **units
            )
        if result.intensity is not None:
            for feature, series in result.intensity.groupby("feature", sort=False):
                spectra = result.spectra[result.spectra["feature"] == feature]
                figures[f"intensity_{feature}"] = _plots.plot_intensity(
                    series, spectra, time_units=lin.time_units
                )
        for name, fig in figures.items():
            for ext in settings.figure_formats:
                fig.savefig(tmp / f"{name}.{ext}", format=ext, dpi=150)
                names.append(f"{name}.{ext}")
        manifest = {
            "volltrack": __version__,
            "source": source,
            "settings": json.loads(settings.model_dump_json()),
            "units": units,
            "counts": {
                "spots": len(result.spots),
                "tracklets": len(result.tracklets),
                "tracks": len(result.tracks),
                "divisions": int(lin.tracks["n_divisions"].sum()) if len(lin.tracks) else 0,
                "merges": int(lin.tracks["n_merges"].sum()) if len(lin.tracks) else 0,
            },
            "notes": list(result.notes),
            "files": sorted(names),
        }
        (tmp / "analysis.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        names.append("analysis.json")
        replace_folder(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise
    return [out / n for n in sorted(names)]
