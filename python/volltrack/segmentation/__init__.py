"""Segmentation: StarDist-3D + U-Net seed pooling fused by a marker-controlled watershed.

Only array code and pydantic models are imported at this level, so ``import
volltrack.segmentation`` needs neither TensorFlow nor StarDist; the deep-learning libraries are
imported inside the functions that build, train or run networks.
"""

from volltrack.segmentation._augment import Augmenter, foreground_target, tissue_target
from volltrack.segmentation._fusion import fuse, fuse_movie, fusion_markers, fusion_mask
from volltrack.segmentation._models import (
    ModelError,
    ModelsManifest,
    SegmentationModels,
    VollSegCalibration,
    load_models,
    normalize_frame,
    read_manifest,
    shipped_models_path,
)
from volltrack.segmentation._predict import (
    OUTPUT_KINDS,
    NetworkOutputs,
    SegmentationResult,
    SegmentSettings,
    fuse_outputs,
    make_settings,
    network_outputs,
    outputs_to_result,
    read_segment_settings,
    segment,
    segment_movie,
    stardist_instances,
)
from volltrack.segmentation._thresholds import ThresholdSearch, calibrate_models, search_thresholds
from volltrack.segmentation._train import (
    SYNTHETIC_RECIPE,
    TrainingData,
    TrainSettings,
    calibrate_synthetic_recipe,
    evaluate_models,
    load_training_data,
    stardist_geometry,
    synthetic_training_data,
    train_models,
    train_n2v,
    train_roi,
    train_stardist,
    train_synthetic_recipe,
    train_unet,
)

__all__ = [
    "OUTPUT_KINDS",
    "SYNTHETIC_RECIPE",
    "Augmenter",
    "ModelError",
    "ModelsManifest",
    "NetworkOutputs",
    "SegmentSettings",
    "SegmentationModels",
    "SegmentationResult",
    "ThresholdSearch",
    "TrainSettings",
    "TrainingData",
    "VollSegCalibration",
    "calibrate_models",
    "calibrate_synthetic_recipe",
    "evaluate_models",
    "foreground_target",
    "fuse",
    "fuse_movie",
    "fuse_outputs",
    "fusion_markers",
    "fusion_mask",
    "load_models",
    "load_training_data",
    "make_settings",
    "network_outputs",
    "normalize_frame",
    "outputs_to_result",
    "read_manifest",
    "read_segment_settings",
    "search_thresholds",
    "segment",
    "segment_movie",
    "shipped_models_path",
    "stardist_geometry",
    "stardist_instances",
    "synthetic_training_data",
    "tissue_target",
    "train_models",
    "train_n2v",
    "train_roi",
    "train_stardist",
    "train_synthetic_recipe",
    "train_unet",
]
