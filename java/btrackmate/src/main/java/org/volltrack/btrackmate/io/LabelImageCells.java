package org.volltrack.btrackmate.io;

import java.util.Collections;
import java.util.List;
import org.volltrack.btrackmate.model.SpotCollection;

/** The result of reading a label image: the spots, the image geometry and the tissue mask used. Immutable. */
public final class LabelImageCells {

  private final SpotCollection spots;
  private final ImageGeometry geometry;
  private final List<String> featureKeys;
  private final TissueMask tissueMask;

  LabelImageCells(
      SpotCollection spots, ImageGeometry geometry, List<String> featureKeys, TissueMask tissueMask) {
    this.spots = spots;
    this.geometry = geometry;
    this.featureKeys = Collections.unmodifiableList(featureKeys);
    this.tissueMask = tissueMask;
  }

  /** One spot per label per frame; every frame of the image is present, empty ones included. */
  public SpotCollection spots() {
    return spots;
  }

  /** Size, voxel size and frame interval of the label image. */
  public ImageGeometry geometry() {
    return geometry;
  }

  /** The extra feature keys every spot carries, in order (LABEL, VOLUME, EXTENT_X, …). */
  public List<String> featureKeys() {
    return featureKeys;
  }

  /** The tissue mask that was read, or {@code null} when none was given. */
  public TissueMask tissueMask() {
    return tissueMask;
  }
}
