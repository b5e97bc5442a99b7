"""The ORIGINAL VollSeg fusion, bugs included, written from spec/vollseg.md §2.1 (no code copied).

Used by the regression tests (to show each bug of §2.3 happening) and by
``benchmarks/fusion_speed.py`` (as the speed baseline). Not part of volltrack.

Steps of ``WatershedwithMask3D`` (v8 to 32.4.0), with the paper-era variants as switches:

a. seeds = centroids of the StarDist objects, sorted by (z, y, x);
b. rescue (v8+): a StarDist object with no U-Net component centroid inside its bounding box is
   painted into the mask;
c. connected components of the enlarged mask;
d. seed pooling: a component whose bounding box holds no seed of the (growing) list adds its
   centroid as a seed;
e. the origin (0, 0, 0) is appended as a "background" seed;
f. seeds are rounded, written with IDs 1..N+1 (later ones overwrite), grey-dilated by a radius-2
   ball (higher IDs win);
g. ``watershed(-landscape, markers, mask=mask)``; the paper era cast the landscape to uint16 first.

The paper era also filtered the final labels by per-slice 2D area (``min_size``).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi
from skimage.measure import label, regionprops
from skimage.morphology import ball
from skimage.segmentation import watershed

__all__ = ["original_fusion"]


def _inside_box(point, bbox) -> bool:
    ndim = len(point)
    return all(bbox[i] <= point[i] <= bbox[i + ndim] for i in range(ndim))


def original_fusion(
    landscape: np.ndarray,
    instances: np.ndarray,
    foreground: np.ndarray,
    *,
    rescue: bool = True,
    cast_uint16: bool = False,
    min_size_per_slice: int = 0,
) -> np.ndarray:
    """VollSeg's seed-pooling watershed as the original code does it (see the module docstring)."""
    mask = np.asarray(foreground).astype(bool).copy()
    star_props = regionprops(instances)
    seeds = sorted(tuple(p.centroid) for p in star_props)

    if rescue:
        unet_centroids = [p.centroid for p in regionprops(label(mask))]
        for prop in star_props:
            if not any(_inside_box(c, prop.bbox) for c in unet_centroids):
                mask[tuple(prop.coords.T)] = True

    components = label(mask)
    for prop in regionprops(components):
        if not any(_inside_box(s, prop.bbox) for s in seeds):
            seeds.append(tuple(prop.centroid))

    seeds.append((0.0,) * landscape.ndim)
    markers = np.zeros(landscape.shape, dtype=np.int32)
    for i, seed in enumerate(seeds, start=1):
        index = tuple(int(v) for v in np.round(seed))
        markers[index] = i
    markers = ndi.grey_dilation(markers, footprint=ball(2))

    surface = landscape.astype(np.uint16) if cast_uint16 else landscape
    labels = watershed(-surface, markers, mask=mask)

    if min_size_per_slice:
        for z in range(labels.shape[0]):
            area = np.bincount(labels[z].ravel())
            small = area < min_size_per_slice
            small[0] = False
            labels[z][small[labels[z]]] = 0
    return labels
