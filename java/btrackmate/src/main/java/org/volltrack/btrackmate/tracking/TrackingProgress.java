package org.volltrack.btrackmate.tracking;

/**
 * Receives progress reports from {@link SparseLapTracker}. Reports come on the thread that called
 * {@code track}, in order, with a fraction that never decreases.
 */
@FunctionalInterface
public interface TrackingProgress {

  /** A callback that ignores every report. */
  TrackingProgress NONE = (fraction, message) -> {};

  /**
   * @param fraction overall progress in [0, 1]
   * @param message what the tracker is doing, e.g. "Frame-to-frame linking"
   */
  void progress(double fraction, String message);
}
