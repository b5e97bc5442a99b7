"""File formats: calibrated ImageJ TIFFs, Cell Tracking Challenge ground truth, TrackMate XML.

All writers are atomic: they write to a temporary name in the target folder, then rename.
"""

from volltrack.io._atomic import atomic_path, write_text_atomic
from volltrack.io._ctc import (
    ctc_frame_digits,
    ctcmetrics_valid,
    read_ctc_tracks,
    validate_ctc,
    write_ctc_ground_truth,
    write_ctc_tracks,
)
from volltrack.io._images import ImageData, read_image, write_imagej_tzyx
from volltrack.io._trackmate import TrackMateGraph, read_trackmate_graph, read_trackmate_tracks

__all__ = [
    "ImageData",
    "TrackMateGraph",
    "atomic_path",
    "ctc_frame_digits",
    "ctcmetrics_valid",
    "read_ctc_tracks",
    "read_image",
    "read_trackmate_graph",
    "read_trackmate_tracks",
    "validate_ctc",
    "write_ctc_ground_truth",
    "write_ctc_tracks",
    "write_imagej_tzyx",
    "write_text_atomic",
]
