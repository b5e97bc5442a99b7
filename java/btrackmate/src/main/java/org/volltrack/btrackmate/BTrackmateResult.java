package org.volltrack.btrackmate;

import java.util.Objects;
import org.volltrack.btrackmate.io.TrackMateDocument;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;
import org.volltrack.btrackmate.settings.BTrackmateSettings;
import org.volltrack.btrackmate.tracking.LapSettings;

/**
 * What one {@link BTrackmate#run} produced: the settings it ran with, the cells after filtering
 * (filtered cells kept, invisible), the LAP settings used, the track model after tracking and
 * pruning, and the TrackMate document ready to write. Immutable.
 */
public final class BTrackmateResult {

  private final BTrackmateSettings settings;
  private final SpotCollection spots;
  private final LapSettings lapSettings;
  private final TrackModel model;
  private final TrackMateDocument document;
  private final int linksBeforePruning;

  BTrackmateResult(
      BTrackmateSettings settings,
      SpotCollection spots,
      LapSettings lapSettings,
      TrackModel model,
      TrackMateDocument document,
      int linksBeforePruning) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.spots = Objects.requireNonNull(spots, "spots");
    this.lapSettings = Objects.requireNonNull(lapSettings, "lapSettings");
    this.model = Objects.requireNonNull(model, "model");
    this.document = Objects.requireNonNull(document, "document");
    this.linksBeforePruning = linksBeforePruning;
  }

  /** The settings of the run. */
  public BTrackmateSettings settings() {
    return settings;
  }

  /** Every cell read, visibility set by the filters (the same spots as {@code model().spots()}). */
  public SpotCollection spots() {
    return spots;
  }

  /** The LAP tracker settings used (the run's tracker map over TrackMate's defaults). */
  public LapSettings lapSettings() {
    return lapSettings;
  }

  /** The spots and their links after tracking and pruning. */
  public TrackModel model() {
    return model;
  }

  /** The TrackMate XML document: model, calibration, image, filters, tracker and run settings. */
  public TrackMateDocument document() {
    return document;
  }

  /** Number of cells read (visible or not). */
  public int spotCount() {
    return spots.size();
  }

  /** Number of cells that passed the filters (the ones tracked). */
  public int visibleSpotCount() {
    int n = 0;
    for (org.volltrack.btrackmate.model.Spot s : spots.all()) {
      if (s.visible()) {
        n++;
      }
    }
    return n;
  }

  /** Number of links after pruning. */
  public int linkCount() {
    return model.links().size();
  }

  /** Number of links the pruning removed. */
  public int prunedLinkCount() {
    return linksBeforePruning - model.links().size();
  }

  /** Number of tracks (connected components with at least one link). */
  public int trackCount() {
    return model.tracks().size();
  }

  @Override
  public String toString() {
    return "BTrackmateResult[spots=" + spotCount() + ", visible=" + visibleSpotCount()
        + ", links=" + linkCount() + ", pruned=" + prunedLinkCount() + ", tracks=" + trackCount() + "]";
  }
}
