package org.volltrack.btrackmate.filter;

import java.util.Objects;
import org.volltrack.btrackmate.io.TissueMask;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotFilter;

/**
 * Keeps spots whose centroid lies in the tissue: the mask voxel nearest to the spot's position (in
 * the spot's frame) is non-zero; see {@link TissueMask#containsPoint}. A centroid outside the image
 * is not in the tissue.
 */
public final class CentroidInTissueFilter implements SpotFilter {

  private final TissueMask mask;

  /** A filter on this mask. */
  public CentroidInTissueFilter(TissueMask mask) {
    this.mask = Objects.requireNonNull(mask, "mask");
  }

  /** The mask. */
  public TissueMask mask() {
    return mask;
  }

  @Override
  public boolean accepts(Spot s) {
    return mask.containsPoint(s.frame(), s.x(), s.y(), s.z());
  }

  @Override
  public String toString() {
    return "centroid in tissue (" + mask.source() + ")";
  }
}
