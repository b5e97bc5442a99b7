"""Segmentation: StarDist-3D + U-Net seed pooling fused by a marker-controlled watershed.

Only array code lives at this level, so ``import volltrack.segmentation`` needs neither TensorFlow
nor StarDist; the deep-learning models are imported lazily by the modules that run them.
"""

from volltrack.segmentation._fusion import fuse, fuse_movie, fusion_markers, fusion_mask

__all__ = ["fuse", "fuse_movie", "fusion_markers", "fusion_mask"]
