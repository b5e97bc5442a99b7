"""napari LayerData tuples for a lineage and its images (no napari import)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from volltrack.analysis import Lineage, to_napari_tracks
from volltrack.io import TrackMateData

__all__ = ["TRACKS_METADATA_KEY", "TracksInfo", "lineage_layers", "tracks_info"]

#: Key of the :class:`TracksInfo` in the ``metadata`` of the Tracks layers this plugin makes.
TRACKS_METADATA_KEY = "volltrack"

LayerData = tuple[object, dict, str]


@dataclass(frozen=True)
class TracksInfo:
    """What the widget needs to know about a Tracks layer this plugin made.

    Attributes
    ----------
    trackmate : TrackMateData
        The tables the lineage was built from (what the analyses start from).
    lineage : Lineage
        The tracklets, tracks and spots (positions in ``lineage.space_units``).
    voxel_size : tuple of float
        (z, y, x) size of a pixel in ``lineage.space_units``: the layer holds pixel coordinates
        and has ``scale = (1, *voxel_size)`` (``(1, y, x)`` for 2D data).
    two_d : bool
        The layer has no Z column (every spot at z = 0 in a 2D movie).
    source : str or None
        The file the tracks were read from.
    """

    trackmate: TrackMateData
    lineage: Lineage
    voxel_size: tuple[float, float, float]
    two_d: bool
    source: str | None


def tracks_info(layer) -> TracksInfo | None:
    """The :class:`TracksInfo` of a layer, or None when this plugin did not make it."""
    info = getattr(layer, "metadata", {}).get(TRACKS_METADATA_KEY)
    return info if isinstance(info, TracksInfo) else None


def is_two_d(lineage: Lineage, image_shape: Sequence[int] | None = None) -> bool:
    """True when every spot has z = 0 and the movie (when known) has one slice."""
    flat = bool((lineage.spots["z"].to_numpy() == 0).all())
    return flat and (image_shape is None or int(image_shape[1]) == 1)


def pixel_tracks(
    lineage: Lineage, voxel_size: Sequence[float], two_d: bool
) -> tuple[np.ndarray, dict[int, list[int]], pd.DataFrame]:
    """:func:`to_napari_tracks` in pixel coordinates, plus a ``tracklet_id`` feature."""
    data, graph, features = to_napari_tracks(lineage)
    data = data.copy()
    data[:, 2:] /= np.asarray(voxel_size, dtype=np.float64)
    if two_d:
        data = np.delete(data, 2, axis=1)
    features = features.copy()
    features.insert(0, "tracklet_id", data[:, 0].astype(np.int64))
    return data, graph, features


def tracks_layer(
    trackmate: TrackMateData,
    lineage: Lineage,
    *,
    voxel_size: Sequence[float] | None,
    two_d: bool,
    name: str,
    source: str | None = None,
) -> LayerData:
    """The Tracks LayerData of a lineage: pixel coordinates, ``scale`` = calibration."""
    voxel = tuple(float(v) for v in (voxel_size or (1.0, 1.0, 1.0)))
    data, graph, features = pixel_tracks(lineage, voxel, two_d)
    scale = (1.0, *voxel[1:]) if two_d else (1.0, *voxel)
    labels = ("t", "y", "x") if two_d else ("t", "z", "y", "x")
    info = TracksInfo(
        trackmate=trackmate,
        lineage=lineage,
        voxel_size=voxel,  # type: ignore[arg-type]
        two_d=two_d,
        source=source,
    )
    kwargs = {
        "name": name,
        "graph": graph,
        "features": features,
        "scale": scale,
        "axis_labels": labels,
        "tail_length": 10,
        "color_by": "track_id",
        "metadata": {TRACKS_METADATA_KEY: info},
    }
    return data, kwargs, "tracks"


def image_layer(
    array: np.ndarray,
    *,
    voxel_size: Sequence[float] | None,
    two_d: bool,
    name: str,
    labels: bool,
) -> LayerData:
    """Image or Labels LayerData of a (T, Z, Y, X) array with the tracks' scale."""
    voxel = tuple(float(v) for v in (voxel_size or (1.0, 1.0, 1.0)))
    if two_d:
        array = array[:, 0]
    scale = (1.0, *voxel[1:]) if two_d else (1.0, *voxel)
    kwargs: dict[str, object] = {"name": name, "scale": scale}
    if labels:
        return array, kwargs, "labels"
    return array, kwargs, "image"


def lineage_layers(
    trackmate: TrackMateData,
    lineage: Lineage,
    *,
    voxel_size: Sequence[float] | None,
    name: str,
    images: Sequence[tuple[str, np.ndarray, bool]] = (),
    image_shape: Sequence[int] | None = None,
    source: str | None = None,
) -> list[LayerData]:
    """LayerData for a lineage and its images: images first, the Tracks layer last (on top).

    Parameters
    ----------
    trackmate : TrackMateData
        The tables of the tracks (kept in the Tracks layer's metadata for the analyses).
    lineage : Lineage
        Its lineage; positions in physical units.
    voxel_size : (z, y, x) or None
        Pixel size in the lineage's units; 1 when unknown.
    name : str
        Name of the Tracks layer.
    images : sequence of (name, array, is_labels)
        (T, Z, Y, X) arrays shown under the tracks, as Labels when ``is_labels``.
    image_shape : (t, z, y, x), optional
        Size of the movie, to tell 2D movies (one slice) from 3D ones.
    source : str, optional
        The file the lineage came from.
    """
    two_d = is_two_d(lineage, image_shape)
    layers = [
        image_layer(array, voxel_size=voxel_size, two_d=two_d, name=iname, labels=is_labels)
        for iname, array, is_labels in images
    ]
    tracks = tracks_layer(
        trackmate, lineage, voxel_size=voxel_size, two_d=two_d, name=name, source=source
    )
    layers.append(tracks)
    return layers
