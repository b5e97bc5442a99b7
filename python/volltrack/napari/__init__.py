"""napari plugin: TrackMate XML reader, track analysis widget, synthetic sample data.

napari and Qt are imported only by the modules that need them, when napari calls them; importing
this package (or :mod:`volltrack`) does not import napari. The layer-building functions return
napari *LayerData* tuples ``(data, kwargs, layer_type)`` and work without napari installed.
"""

from volltrack.napari._layers import TRACKS_METADATA_KEY, lineage_layers
from volltrack.napari._reader import napari_get_reader, read_trackmate_layers
from volltrack.napari._sample import synthetic_sample, synthetic_sample_tracks
from volltrack.napari._selection import TrackSelection, color_by_choices

__all__ = [
    "TRACKS_METADATA_KEY",
    "TrackSelection",
    "color_by_choices",
    "lineage_layers",
    "napari_get_reader",
    "read_trackmate_layers",
    "synthetic_sample",
    "synthetic_sample_tracks",
]
