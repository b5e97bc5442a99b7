"""Track analysis: tracklets and the division graph, motion, boundary distance, intensity, plots.

Start from a TrackMate file: ``lineage_from_trackmate(volltrack.io.read_trackmate(path))``, or
run everything with :func:`analyze_tracks` and :func:`write_analysis` (``volltrack analyze``).
Plots need matplotlib, imported only when a ``plot_*`` function runs.
"""

from volltrack.analysis._analyze import (
    AnalysisResult,
    AnalysisSettings,
    analyze_tracks,
    write_analysis,
)
from volltrack.analysis._boundary import (
    boundary_distance,
    signed_distance_map,
    signed_edt,
    tracklet_boundary_summary,
)
from volltrack.analysis._intensity import (
    intensity_series,
    intensity_spectra,
    measure_spot_intensity,
    spectrum,
)
from volltrack.analysis._lineage import (
    Lineage,
    add_spot_features,
    build_lineage,
    lineage_from_trackmate,
    to_napari_tracks,
)
from volltrack.analysis._motion import (
    ensemble_msd,
    msd,
    spot_motion,
    track_motion,
    tracklet_motion,
)
from volltrack.analysis._plots import (
    plot_boundary,
    plot_intensity,
    plot_msd,
    plot_population,
    plot_speed,
    save_figure,
)
from volltrack.analysis._population import division_localisation, population_over_time

__all__ = [
    "AnalysisResult",
    "AnalysisSettings",
    "Lineage",
    "add_spot_features",
    "analyze_tracks",
    "boundary_distance",
    "build_lineage",
    "division_localisation",
    "ensemble_msd",
    "intensity_series",
    "intensity_spectra",
    "lineage_from_trackmate",
    "measure_spot_intensity",
    "msd",
    "plot_boundary",
    "plot_intensity",
    "plot_msd",
    "plot_population",
    "plot_speed",
    "population_over_time",
    "save_figure",
    "signed_distance_map",
    "signed_edt",
    "spectrum",
    "spot_motion",
    "to_napari_tracks",
    "track_motion",
    "tracklet_boundary_summary",
    "tracklet_motion",
    "write_analysis",
]
