"""File formats: calibrated ImageJ TIFFs, Cell Tracking Challenge ground truth and results,
TrackMate XML, GEFF.

All writers are atomic: they write to a temporary name in the target folder, then rename.
"""

from volltrack.io._atomic import atomic_path, replace_folder, temporary_folder, write_text_atomic
from volltrack.io._ctc import (
    CTCTracks,
    ctc_frame_digits,
    ctc_tracks_from_lineage,
    ctcmetrics_valid,
    labels_at_spots,
    read_ctc_masks,
    read_ctc_tracks,
    relabel_by_track,
    validate_ctc,
    write_ctc_ground_truth,
    write_ctc_result,
    write_ctc_tracks,
)
from volltrack.io._export import CTCExport, export_ctc, export_geff
from volltrack.io._geff import write_geff
from volltrack.io._images import ImageData, read_image, write_imagej_tzyx
from volltrack.io._trackmate import (
    TrackMateData,
    TrackMateGraph,
    read_trackmate,
    read_trackmate_graph,
)

__all__ = [
    "CTCExport",
    "CTCTracks",
    "ImageData",
    "TrackMateData",
    "TrackMateGraph",
    "atomic_path",
    "ctc_frame_digits",
    "ctc_tracks_from_lineage",
    "ctcmetrics_valid",
    "export_ctc",
    "export_geff",
    "labels_at_spots",
    "read_ctc_masks",
    "read_ctc_tracks",
    "read_image",
    "read_trackmate",
    "read_trackmate_graph",
    "relabel_by_track",
    "replace_folder",
    "temporary_folder",
    "validate_ctc",
    "write_ctc_ground_truth",
    "write_ctc_result",
    "write_ctc_tracks",
    "write_geff",
    "write_imagej_tzyx",
    "write_text_atomic",
]
