"""The widget's plots and exports without Qt, built on :mod:`volltrack.analysis`."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from volltrack.napari._layers import TracksInfo

__all__ = ["PLOTS", "AnalysisPanel"]

#: The plots of the panel, in tab order.
PLOTS: tuple[str, ...] = ("distance to boundary", "intensity + FFT", "speed", "MSD")

_NOT_FEATURES = {
    "spot_id",
    "tracklet_id",
    "track_id",
    "frame",
    "t",
    "z",
    "y",
    "x",
    "frames_since_previous",
    "FRAME",
    "VISIBILITY",
}


def _message_figure(text: str):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.0, 3.8), layout="constrained")
    ax = fig.subplots()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_axis_off()
    return fig


class AnalysisPanel:
    """The analysis of one Tracks layer, and its plots for a selection of tracklets.

    The tables come from :func:`volltrack.analysis.analyze_tracks` (computed once per tissue
    mask and intensity feature) and the figures from the ``volltrack.analysis.plot_*``
    functions; exports go through :func:`volltrack.analysis.write_analysis`.

    Parameters
    ----------
    info : TracksInfo
        What the reader or the sample data stored in the Tracks layer.
    """

    def __init__(self, info: TracksInfo) -> None:
        self.info = info
        self.result = None
        self.settings = None
        self.mask_name: str | None = None
        self.feature: str | None = None

    def intensity_features(self) -> list[str]:
        """Numeric spot features to plot over time, ``MEAN_INTENSITY*`` ones first."""
        spots = self.info.lineage.spots
        names = [
            str(c)
            for c in spots.columns
            if c not in _NOT_FEATURES
            and spots[c].dtype.kind in "iuf"
            and np.isfinite(spots[c].to_numpy(np.float64)).any()
        ]
        return sorted(names, key=lambda c: (not c.startswith("MEAN_INTENSITY"), names.index(c)))

    def compute(
        self,
        mask: np.ndarray | None = None,
        feature: str | None = None,
        *,
        mask_name: str | None = None,
    ):
        """Run the analysis with a tissue mask (TZYX or TYX pixels) and one intensity feature."""
        from volltrack.analysis import AnalysisSettings, analyze_tracks

        settings = AnalysisSettings(channel_features=[feature] if feature else [])
        mask = None if mask is None else np.asarray(mask)
        self.result = analyze_tracks(self.info.trackmate, settings, mask=mask)
        self.settings = settings
        self.mask_name = mask_name if mask is not None else None
        self.feature = feature
        return self.result

    def figure(self, name: str, tracklet_ids: Iterable[int] | None = None):
        """The matplotlib Figure of one entry of :data:`PLOTS` for the given tracklets.

        ``tracklet_ids`` None means every tracklet.
        """
        from volltrack.analysis import plot_boundary, plot_intensity, plot_msd, plot_speed

        if name not in PLOTS:
            raise ValueError(f"plot must be one of {PLOTS}, got {name!r}")
        if self.result is None:
            self.compute()
        r = self.result
        ids = None if tracklet_ids is None else [int(i) for i in tracklet_ids]
        units = {"time_units": r.lineage.time_units, "space_units": r.lineage.space_units}
        if name == PLOTS[0]:
            if r.boundary is None:
                return _message_figure("choose a tissue mask layer")
            return plot_boundary(r.boundary, r.boundary_summary, ids, **units)
        if name == PLOTS[1]:
            if r.intensity is None:
                return _message_figure("no intensity feature")
            return plot_intensity(r.intensity, r.spectra, ids, time_units=units["time_units"])
        if name == PLOTS[2]:
            return plot_speed(r.spots, ids, **units)
        # the pooled MSD is over every tracklet: drawn only when every tracklet is shown
        return plot_msd(r.msd, r.msd_ensemble if ids is None else None, ids, **units)

    def figures(self, tracklet_ids: Iterable[int] | None = None) -> dict[str, object]:
        """:meth:`figure` of every entry of :data:`PLOTS`."""
        return {name: self.figure(name, tracklet_ids) for name in PLOTS}

    def export(
        self,
        out: str | os.PathLike[str],
        tracklet_ids: Iterable[int] | None = None,
        *,
        overwrite: bool = False,
        figure_formats: tuple[str, ...] = ("png", "svg"),
    ) -> list[Path]:
        """Write every table and figure (:func:`write_analysis`) into the folder ``out``, plus
        the panel's plots of the selection as ``selection_<plot>.png``."""
        from volltrack.analysis import save_figure, write_analysis

        if self.result is None:
            self.compute()
        settings = self.settings.model_copy(update={"figure_formats": list(figure_formats)})
        written = write_analysis(
            self.result, out, settings, overwrite=overwrite, source=self.info.source
        )
        if tracklet_ids is not None:
            for name, fig in self.figures(tracklet_ids).items():
                slug = name.replace(" + ", "_").replace(" ", "_").lower()
                written.append(save_figure(fig, Path(out) / f"selection_{slug}.png"))
        return written
