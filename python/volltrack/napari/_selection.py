"""Widget logic without Qt: which tracks to show, and what to colour them by."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from volltrack.analysis import Lineage

__all__ = ["TrackSelection", "color_by_choices"]

Kind = Literal["all", "dividing", "non-dividing"]
KINDS: tuple[str, ...] = ("all", "dividing", "non-dividing")


def color_by_choices(features: pd.DataFrame) -> list[str]:
    """Feature columns a Tracks layer can be coloured by: numeric, with a finite value."""
    out = []
    for column in features.columns:
        values = features[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            continue
        if np.isfinite(values.to_numpy(np.float64)).any():
            out.append(str(column))
    return out


class TrackSelection:
    """Choose tracks of a lineage and cut the napari tracks data down to them.

    Parameters
    ----------
    lineage : Lineage
        The lineage shown.
    data, graph, features
        The full Tracks layer data (rows of the lineage's spots, ``features["track_id"]`` the
        track of each row), as :func:`volltrack.napari._layers.pixel_tracks` makes them.
    """

    def __init__(
        self,
        lineage: Lineage,
        data: np.ndarray,
        graph: dict[int, list[int]],
        features: pd.DataFrame,
    ) -> None:
        self.lineage = lineage
        self.data = np.asarray(data)
        self.graph = {int(k): [int(p) for p in v] for k, v in graph.items()}
        self.features = features.reset_index(drop=True)
        self._row_track = self.features["track_id"].to_numpy(np.int64)

    def track_ids(self, kind: Kind = "all") -> np.ndarray:
        """Track ids (int64, sorted) of ``kind``: all, dividing or non-dividing tracks."""
        if kind == "all":
            ids = self.lineage.tracks["track_id"].to_numpy(np.int64)
        elif kind == "dividing":
            ids = self.lineage.dividing_track_ids
        elif kind == "non-dividing":
            ids = self.lineage.non_dividing_track_ids
        else:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        return np.sort(ids)

    def longest(self, n: int, kind: Kind = "all") -> np.ndarray:
        """The ``n`` longest tracks of ``kind`` (by frames spanned, then spots; ties by id)."""
        tracks = self.lineage.tracks
        tracks = tracks[tracks["track_id"].isin(self.track_ids(kind))]
        span = tracks["end_frame"] - tracks["start_frame"]
        order = np.lexsort((tracks["track_id"], -tracks["n_spots"], -span))
        return tracks["track_id"].to_numpy(np.int64)[order[: max(int(n), 0)]]

    def tracklet_ids(self, track_ids: Iterable[int]) -> np.ndarray:
        """Tracklet ids (sorted) of the given tracks."""
        tl = self.lineage.tracklets
        keep = tl["track_id"].isin(np.asarray(list(track_ids), dtype=np.int64))
        return np.sort(tl.loc[keep, "tracklet_id"].to_numpy(np.int64))

    def subset(
        self, track_ids: Iterable[int]
    ) -> tuple[np.ndarray, dict[int, list[int]], pd.DataFrame]:
        """The rows, graph and features of the given tracks (whole lineages)."""
        ids = np.asarray(list(track_ids), dtype=np.int64)
        rows = np.isin(self._row_track, ids)
        kept = set(np.unique(self.data[rows, 0].astype(np.int64)).tolist())
        graph = {
            c: [p for p in parents if p in kept]
            for c, parents in self.graph.items()
            if c in kept and any(p in kept for p in parents)
        }
        return self.data[rows], graph, self.features[rows].reset_index(drop=True)

    def apply(self, layer, track_ids: Iterable[int]) -> None:
        """Show only the given tracks in a napari Tracks layer, keeping its colouring."""
        color_by = layer.color_by
        data, graph, features = self.subset(track_ids)
        if not len(data):
            raise ValueError("no spot in the selected tracks")
        layer.color_by = "track_id"  # new data drop the features until they are set again
        layer.data = data
        layer.features = features
        layer.graph = graph
        if color_by in layer.features.columns:
            layer.color_by = color_by
