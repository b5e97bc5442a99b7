package org.volltrack.btrackmate.plugin;

import java.util.List;
import org.volltrack.btrackmate.settings.BTrackmateSettings;

/**
 * <i>Plugins › Tracking › BTrackmate › Track cells from CSV...</i>: tracks the cells of a
 * {@code cells.csv} table and writes a TrackMate XML.
 *
 * <p>Macro: {@code run("Track cells from CSV...", "cells=/data/cells.csv out=/data/tracks.xml
 * linking_max_distance=15 allow_gap_closing gap_closing_max_distance=15 max_frame_gap=2
 * allow_track_splitting splitting_max_distance=15 min_tracklet_length=3")}. Keys: {@code cells}
 * (required), {@code out} (required), {@code mask} (optional tissue mask image, for the tissue
 * filters), then the calibration keys of {@link CalibrationFields}, the tracker keys of {@link
 * TrackerFields} and the filter keys of {@link FilterFields}. A checkbox key is on when present
 * and off when absent; an absent number key takes the dialog's default.
 */
public final class TrackCellsFromCsv extends Command {

  /** The menu entry without "...". */
  public static final String NAME = "Track cells from CSV";

  static final String CELLS = "cells";
  static final String OUT = "out";
  static final String MASK = "mask";

  private static final List<Field> FIELDS =
      TrackingFields.after(
          Field.file("Cells (cells.csv)", "the cell table: frame, x, y, z (physical units) and optional columns"),
          Field.file("Out (tracks.xml)", "the TrackMate XML to write (replaced if it exists)"),
          Field.file("Mask (optional tissue mask TIFF)", "tissue mask (ZYX or TZYX) for the tissue filters; empty: none"));

  /** Called by ImageJ. */
  public TrackCellsFromCsv() {
    super(NAME, "Track the cells of a cells.csv table (TrackMate LAP tracker); distances in physical units.", FIELDS, OUT);
  }

  @Override
  BTrackmateSettings settings(Values v) {
    BTrackmateSettings.Builder b =
        BTrackmateSettings.builder()
            .cellsCsv(v.requiredFile(CELLS, "the cells.csv table"))
            .mask(v.optionalFile(MASK));
    return TrackingFields.apply(b, v).build();
  }
}
