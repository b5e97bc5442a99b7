package org.volltrack.btrackmate.settings;

import org.volltrack.btrackmate.io.ImageGeometry;
import org.volltrack.btrackmate.io.TissueMask;
import org.volltrack.btrackmate.io.TrackMateDocument;
import org.volltrack.btrackmate.model.SpotCollection;

/** The cells of a run, read and filtered, ready for tracking. Immutable. */
public final class LoadedCells {

  private final SpotCollection spots;
  private final ImageGeometry geometry;
  private final TissueMask tissueMask;
  private final double frameInterval;
  private final TrackMateDocument trackmateSource;

  LoadedCells(
      SpotCollection spots,
      ImageGeometry geometry,
      TissueMask tissueMask,
      double frameInterval,
      TrackMateDocument trackmateSource) {
    this.spots = spots;
    this.geometry = geometry;
    this.tissueMask = tissueMask;
    this.frameInterval = frameInterval;
    this.trackmateSource = trackmateSource;
  }

  /** Every cell read, with visibility set by the filters (filtered cells are kept, invisible). */
  public SpotCollection spots() {
    return spots;
  }

  /**
   * The TrackMate XML input as read (its links, tracker settings, filters, calibration and image),
   * or {@code null} for other input. Its spots are the unfiltered ones.
   */
  public TrackMateDocument trackmateSource() {
    return trackmateSource;
  }

  /** The label image's geometry, or {@code null} for CSV and TrackMate XML input. */
  public ImageGeometry geometry() {
    return geometry;
  }

  /** The tissue mask, or {@code null} when none was given. */
  public TissueMask tissueMask() {
    return tissueMask;
  }

  /**
   * The frame interval: the override, else the label image's or TrackMate file's calibration (1
   * when a label image has none), else 1 for CSV input.
   */
  public double frameInterval() {
    return frameInterval;
  }
}
