package org.volltrack.btrackmate.settings;

import org.volltrack.btrackmate.io.ImageGeometry;
import org.volltrack.btrackmate.io.TissueMask;
import org.volltrack.btrackmate.model.SpotCollection;

/** The cells of a run, read and filtered, ready for tracking. Immutable. */
public final class LoadedCells {

  private final SpotCollection spots;
  private final ImageGeometry geometry;
  private final TissueMask tissueMask;
  private final double frameInterval;

  LoadedCells(SpotCollection spots, ImageGeometry geometry, TissueMask tissueMask, double frameInterval) {
    this.spots = spots;
    this.geometry = geometry;
    this.tissueMask = tissueMask;
    this.frameInterval = frameInterval;
  }

  /** Every cell read, with visibility set by the filters (filtered cells are kept, invisible). */
  public SpotCollection spots() {
    return spots;
  }

  /** The label image's geometry, or {@code null} for CSV input. */
  public ImageGeometry geometry() {
    return geometry;
  }

  /** The tissue mask, or {@code null} when none was given. */
  public TissueMask tissueMask() {
    return tissueMask;
  }

  /**
   * The frame interval: the override, else the label image's calibration (1 when it has none),
   * else 1 for CSV input.
   */
  public double frameInterval() {
    return frameInterval;
  }
}
