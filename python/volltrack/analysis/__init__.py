"""Track analysis: tracklets and the division graph, motion, boundary distance, intensity, plots.

Start from a TrackMate file: ``lineage_from_trackmate(volltrack.io.read_trackmate(path))``.
"""

from volltrack.analysis._lineage import (
    Lineage,
    build_lineage,
    lineage_from_trackmate,
    to_napari_tracks,
)

__all__ = [
    "Lineage",
    "build_lineage",
    "lineage_from_trackmate",
    "to_napari_tracks",
]
