"""Segmentation: StarDist-3D + U-Net seed pooling fused by a marker-controlled watershed.

Only array code and pydantic models are imported at this level, so ``import
volltrack.segmentation`` needs neither TensorFlow nor StarDist; the deep-learning libraries are
imported inside the functions that build, train or run networks.
"""

from volltrack.segmentation._fusion import fuse, fuse_movie, fusion_markers, fusion_mask
from volltrack.segmentation._models import (
    ModelError,
    SegmentationModels,
    load_models,
    normalize_frame,
    shipped_models_path,
)
from volltrack.segmentation._predict import (
    OUTPUT_KINDS,
    NetworkOutputs,
    SegmentationResult,
    SegmentSettings,
    make_settings,
    network_outputs,
    outputs_to_result,
    read_segment_settings,
    segment,
    segment_movie,
)
from volltrack.segmentation._thresholds import ThresholdSearch, search_thresholds

__all__ = [
    "OUTPUT_KINDS",
    "ModelError",
    "NetworkOutputs",
    "SegmentSettings",
    "SegmentationModels",
    "SegmentationResult",
    "ThresholdSearch",
    "fuse",
    "fuse_movie",
    "fusion_markers",
    "fusion_mask",
    "load_models",
    "make_settings",
    "network_outputs",
    "normalize_frame",
    "outputs_to_result",
    "read_segment_settings",
    "search_thresholds",
    "segment",
    "segment_movie",
    "shipped_models_path",
]
