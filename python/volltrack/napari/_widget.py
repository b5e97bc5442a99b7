"""The track analysis dock widget: Qt glue over ``_selection``, ``_panel`` and ``_movie``."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from qtpy.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from volltrack._errors import InputError
from volltrack.napari._layers import pixel_tracks, tracks_info
from volltrack.napari._movie import export_movie
from volltrack.napari._panel import PLOTS, AnalysisPanel
from volltrack.napari._selection import KINDS, TrackSelection, color_by_choices

__all__ = ["TrackAnalysisWidget"]

_ALL = "all"
_NO_MASK = "(none)"


class TrackAnalysisWidget(QWidget):
    """Choose tracks, plot their analyses, colour them, export tables, plots and movies.

    Parameters
    ----------
    napari_viewer : napari.Viewer
        Injected by napari.
    """

    def __init__(self, napari_viewer) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        super().__init__()
        self.viewer = napari_viewer
        self._canvas_class = FigureCanvasQTAgg
        self.layer = None
        self.selection: TrackSelection | None = None
        self.panel: AnalysisPanel | None = None
        self.shown_track_ids: np.ndarray | None = None
        self._updating = False
        self._stale: set[str] = set()

        self.tracks_combo = QComboBox()
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(list(KINDS))
        self.id_combo = QComboBox()
        self.longest_spin = QSpinBox()
        self.longest_spin.setRange(1, 100000)
        self.longest_spin.setValue(10)
        self.longest_button = QPushButton("Show longest N")
        self.color_combo = QComboBox()
        self.mask_combo = QComboBox()
        self.feature_combo = QComboBox()
        self.status = QLabel("")
        self.status.setWordWrap(True)

        select = QFormLayout()
        select.addRow("Tracks layer", self.tracks_combo)
        select.addRow("Tracks", self.kind_combo)
        select.addRow("Track id", self.id_combo)
        longest = QHBoxLayout()
        longest.addWidget(self.longest_spin)
        longest.addWidget(self.longest_button)
        select.addRow("Longest", longest)
        select.addRow("Colour by", self.color_combo)
        select.addRow("Tissue mask", self.mask_combo)
        select.addRow("Intensity", self.feature_combo)
        select_box = QGroupBox("Selection")
        select_box.setLayout(select)

        self.tabs = QTabWidget()
        self.canvases: dict[str, object] = {}
        for name in PLOTS:
            page = QWidget()
            page.setLayout(QVBoxLayout())
            self.tabs.addTab(page, name)

        self.export_button = QPushButton("Export CSV/plots…")
        self.start_spin = QSpinBox()
        self.end_spin = QSpinBox()
        self.fps_spin = QSpinBox()
        self.fps_spin.setRange(1, 60)
        self.fps_spin.setValue(5)
        self.movie_button = QPushButton("Export movie…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        movie = QFormLayout()
        movie.addRow("From frame", self.start_spin)
        movie.addRow("To frame", self.end_spin)
        movie.addRow("Frames/s", self.fps_spin)
        movie.addRow(self.movie_button)
        movie.addRow(self.progress)
        movie_box = QGroupBox("Movie (napari-animation)")
        movie_box.setLayout(movie)

        # inside a scroll area, so that the dock never squeezes the viewer's canvas
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(select_box)
        layout.addWidget(self.tabs, stretch=1)
        layout.addWidget(self.export_button)
        layout.addWidget(movie_box)
        layout.addWidget(self.status)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.tracks_combo.currentTextChanged.connect(self._on_tracks_layer)
        self.kind_combo.currentTextChanged.connect(self._on_kind)
        self.id_combo.currentTextChanged.connect(self._on_id)
        self.longest_button.clicked.connect(lambda: self.show_longest(self.longest_spin.value()))
        self.color_combo.currentTextChanged.connect(self._on_color)
        self.mask_combo.currentTextChanged.connect(lambda _t: self._recompute())
        self.feature_combo.currentTextChanged.connect(lambda _t: self._recompute())
        self.export_button.clicked.connect(self._on_export_clicked)
        self.movie_button.clicked.connect(self._on_movie_clicked)
        self.tabs.currentChanged.connect(self._draw_tab)
        self.viewer.layers.events.inserted.connect(self._refresh_layers)
        self.viewer.layers.events.removed.connect(self._refresh_layers)
        self.viewer.dims.events.range.connect(self._refresh_frames)
        self._refresh_layers()
        self._refresh_frames()

    # ----- layers -----------------------------------------------------------------------
    def _refresh_layers(self, _event=None) -> None:
        from napari.layers import Image, Labels

        tracks = [ly.name for ly in self.viewer.layers if tracks_info(ly) is not None]
        masks = [_NO_MASK] + [
            ly.name for ly in self.viewer.layers if isinstance(ly, (Labels, Image))
        ]
        current = self.tracks_combo.currentText()
        self._set_items(self.tracks_combo, tracks, current)
        mask = self.mask_combo.currentText()
        if mask in ("", _NO_MASK):  # prefer a layer that looks like a tissue mask
            mask = next((m for m in masks if "mask" in m.lower()), _NO_MASK)
        self._set_items(self.mask_combo, masks, mask)
        if self.tracks_combo.currentText() != current or self.layer is None:
            self._on_tracks_layer(self.tracks_combo.currentText())
        elif self.panel is not None:
            wanted = self.mask_combo.currentText()
            if (None if wanted == _NO_MASK else wanted) != self.panel.mask_name:
                self._recompute()

    def _refresh_frames(self, _event=None) -> None:
        n = int(self.viewer.dims.nsteps[0]) if self.viewer.dims.ndim else 1
        for spin in (self.start_spin, self.end_spin):
            spin.setRange(0, max(n - 1, 0))
        self.end_spin.setValue(max(n - 1, 0))

    def _set_items(self, combo: QComboBox, items: list[str], current: str | None) -> None:
        self._updating = True
        try:
            combo.clear()
            combo.addItems(items)
            if current in items:
                combo.setCurrentText(current)
        finally:
            self._updating = False

    def _on_tracks_layer(self, name: str) -> None:
        if self._updating:
            return
        layer = next((ly for ly in self.viewer.layers if ly.name == name), None)
        info = tracks_info(layer) if layer is not None else None
        if info is None:
            self.layer = self.selection = self.panel = None
            return
        self.layer = layer
        data, graph, features = pixel_tracks(info.lineage, info.voxel_size, info.two_d)
        self.selection = TrackSelection(info.lineage, data, graph, features)
        self.panel = AnalysisPanel(info)
        self._set_items(self.color_combo, color_by_choices(features), layer.color_by)
        feats = self.panel.intensity_features()
        self._set_items(self.feature_combo, feats, feats[0] if feats else None)
        self._fill_ids()
        self.shown_track_ids = self.selection.track_ids("all")
        self._recompute()

    # ----- selection --------------------------------------------------------------------
    def _fill_ids(self) -> None:
        ids = self.selection.track_ids(self.kind_combo.currentText())
        self._set_items(self.id_combo, [_ALL, *map(str, ids)], _ALL)

    def _on_kind(self, kind: str) -> None:
        if self._updating or self.selection is None:
            return
        self._fill_ids()
        self.show_tracks(self.selection.track_ids(kind))

    def _on_id(self, text: str) -> None:
        if self._updating or self.selection is None or not text:
            return
        kind = self.kind_combo.currentText()
        ids = self.selection.track_ids(kind) if text == _ALL else [int(text)]
        self.show_tracks(ids)

    def show_longest(self, n: int) -> None:
        """Show the ``n`` longest tracks of the chosen kind."""
        if self.selection is not None:
            self.show_tracks(self.selection.longest(n, self.kind_combo.currentText()))

    def show_tracks(self, track_ids) -> None:
        """Show only these tracks (TrackMate track ids) and plot their tracklets."""
        ids = np.asarray(list(track_ids), dtype=np.int64)
        if not len(ids):
            self.status.setText("no track of this kind")
            return
        self.selection.apply(self.layer, ids)
        self.shown_track_ids = ids
        self.update_plots()

    def _on_color(self, name: str) -> None:
        if self._updating or self.layer is None or not name:
            return
        self.layer.color_by = name

    # ----- plots ------------------------------------------------------------------------
    def _recompute(self) -> None:
        if self._updating or self.panel is None:
            return
        mask_name = self.mask_combo.currentText()
        mask_layer = next(
            (ly for ly in self.viewer.layers if ly.name == mask_name and mask_name != _NO_MASK),
            None,
        )
        try:
            self.panel.compute(
                None if mask_layer is None else np.asarray(mask_layer.data),
                self.feature_combo.currentText() or None,
                mask_name=None if mask_layer is None else mask_name,
            )
        except InputError as exc:
            self.status.setText(str(exc))
            self.panel.compute(None, self.feature_combo.currentText() or None)
        else:
            self.status.setText("; ".join(self.panel.result.notes))
        self.update_plots()

    def shown_tracklet_ids(self):
        """Tracklet ids of the tracks shown, or None when every track is shown."""
        if self.selection is None or self.shown_track_ids is None:
            return None
        if len(self.shown_track_ids) == len(self.selection.track_ids("all")):
            return None
        return self.selection.tracklet_ids(self.shown_track_ids)

    def update_plots(self) -> None:
        """Redraw the plot shown for the tracks shown; the other tabs when they are opened."""
        self._stale = set(PLOTS)
        self._draw_tab(self.tabs.currentIndex())

    def _draw_tab(self, index: int) -> None:
        if self.panel is None or index < 0 or PLOTS[index] not in self._stale:
            return
        import matplotlib.pyplot as plt

        name = PLOTS[index]
        self._stale.discard(name)
        canvas = self._canvas_class(self.panel.figure(name, self.shown_tracklet_ids()))
        canvas.setMinimumHeight(260)
        layout = self.tabs.widget(index).layout()
        old = self.canvases.get(name)
        if old is not None:
            layout.replaceWidget(old, canvas)
            old.setParent(None)
            old.deleteLater()
            plt.close(old.figure)
        else:
            layout.addWidget(canvas)
        self.canvases[name] = canvas
        canvas.draw_idle()

    # ----- exports ----------------------------------------------------------------------
    def export_analysis(self, out: str | os.PathLike[str], *, overwrite: bool = False):
        """Write the analysis tables and figures, and the selection's plots, into ``out``."""
        files = self.panel.export(out, self.shown_tracklet_ids(), overwrite=overwrite)
        self.status.setText(f"wrote {len(files)} files into {out}")
        return files

    def export_movie(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Render frames ``From``..``To`` of the viewer into ``path`` (.mp4 or .gif)."""
        start, end = self.start_spin.value(), self.end_spin.value()
        self.progress.setRange(0, end - start + 1)
        self.progress.setValue(0)

        def step(done: int, total: int) -> None:
            self.progress.setValue(done)
            QApplication.processEvents()

        out = export_movie(
            self.viewer,
            path,
            start=start,
            end=end,
            fps=self.fps_spin.value(),
            overwrite=overwrite,
            progress=step,
        )
        self.status.setText(f"wrote {out}")
        return out

    def _on_export_clicked(self) -> None:
        if self.panel is None:
            return
        out, _ = QFileDialog.getSaveFileName(self, "Folder to create for the analysis")
        if out:
            try:
                self.export_analysis(out, overwrite=Path(out).is_dir())
            except InputError as exc:
                self.status.setText(str(exc))

    def _on_movie_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Movie file", "tracks.mp4", "Movies (*.mp4 *.gif *.mov *.avi *.mkv)"
        )
        if path:
            try:
                self.export_movie(path, overwrite=True)
            except InputError as exc:
                self.status.setText(str(exc))
