package org.volltrack.btrackmate.plugin;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.volltrack.btrackmate.tracking.LapSettings;

/**
 * The LAP tracker's main settings and the minimum tracklet length as dialog fields, and their
 * conversion to TrackMate's tracker keys. The dialog starts from TrackMate's defaults; keys not
 * asked here (feature penalties, alternative cost factor, cutoff percentile, blocking value) keep
 * TrackMate's defaults.
 */
final class TrackerFields {

  private TrackerFields() {}

  static final String LINKING_MAX_DISTANCE = "linking_max_distance";
  static final String ALLOW_GAP_CLOSING = "allow_gap_closing";
  static final String GAP_CLOSING_MAX_DISTANCE = "gap_closing_max_distance";
  static final String MAX_FRAME_GAP = "max_frame_gap";
  static final String ALLOW_TRACK_SPLITTING = "allow_track_splitting";
  static final String SPLITTING_MAX_DISTANCE = "splitting_max_distance";
  static final String ALLOW_TRACK_MERGING = "allow_track_merging";
  static final String MERGING_MAX_DISTANCE = "merging_max_distance";
  static final String SINGLETON_GAP_CLOSING = "singleton_gap_closing";
  static final String MIN_TRACKLET_LENGTH = "min_tracklet_length";

  /** The tracker fields, in dialog order. */
  static final List<Field> TRACKER =
      Collections.unmodifiableList(
          Arrays.asList(
              Field.number("Linking_max_distance", text(LapSettings.DEFAULT_LINKING_MAX_DISTANCE),
                  "LINKING_MAX_DISTANCE: largest frame-to-frame link, physical units")
                  .under("Tracker (TrackMate's LAP tracker; distances in physical units)"),
              Field.checkbox("Allow_gap_closing", LapSettings.DEFAULT_ALLOW_GAP_CLOSING,
                  "ALLOW_GAP_CLOSING: link track ends across missing frames"),
              Field.number("Gap_closing_max_distance", text(LapSettings.DEFAULT_GAP_CLOSING_MAX_DISTANCE),
                  "GAP_CLOSING_MAX_DISTANCE: largest gap-closing link, physical units").onSameRow(),
              Field.number("Max_frame_gap", String.valueOf(LapSettings.DEFAULT_MAX_FRAME_GAP),
                  "MAX_FRAME_GAP: largest frame difference a gap-closing link may span (whole number >= 1)")
                  .onSameRow(),
              Field.checkbox("Allow_track_splitting", LapSettings.DEFAULT_ALLOW_TRACK_SPLITTING,
                  "ALLOW_TRACK_SPLITTING: divisions (one spot linked to two in the next frame)"),
              Field.number("Splitting_max_distance", text(LapSettings.DEFAULT_SPLITTING_MAX_DISTANCE),
                  "SPLITTING_MAX_DISTANCE: largest mother-daughter distance, physical units").onSameRow(),
              Field.checkbox("Allow_track_merging", LapSettings.DEFAULT_ALLOW_TRACK_MERGING,
                  "ALLOW_TRACK_MERGING: merges (two spots linked to one in the next frame)"),
              Field.number("Merging_max_distance", text(LapSettings.DEFAULT_MERGING_MAX_DISTANCE),
                  "MERGING_MAX_DISTANCE: largest merging distance, physical units").onSameRow(),
              Field.checkbox("Singleton_gap_closing", false,
                  "SINGLETON_GAP_CLOSING (BTrackmate extension, off = TrackMate): never-linked spots take part in gap closing"),
              Field.number("Min_tracklet_length", "0",
                  "prune post-division branches shorter than this many frames (whole number; 0 = off)")
                  .onSameRow()));

  private static String text(double v) {
    return String.valueOf(v);
  }

  /** TrackMate's tracker key → value for the fields' values (every key asked here is set). */
  static Map<String, Object> trackerMap(Values v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(LapSettings.LINKING_MAX_DISTANCE, v.nonNegative(LINKING_MAX_DISTANCE));
    m.put(LapSettings.ALLOW_GAP_CLOSING, v.isChecked(ALLOW_GAP_CLOSING));
    m.put(LapSettings.GAP_CLOSING_MAX_DISTANCE, v.nonNegative(GAP_CLOSING_MAX_DISTANCE));
    m.put(LapSettings.MAX_FRAME_GAP, v.integer(MAX_FRAME_GAP, 1));
    m.put(LapSettings.ALLOW_TRACK_SPLITTING, v.isChecked(ALLOW_TRACK_SPLITTING));
    m.put(LapSettings.SPLITTING_MAX_DISTANCE, v.nonNegative(SPLITTING_MAX_DISTANCE));
    m.put(LapSettings.ALLOW_TRACK_MERGING, v.isChecked(ALLOW_TRACK_MERGING));
    m.put(LapSettings.MERGING_MAX_DISTANCE, v.nonNegative(MERGING_MAX_DISTANCE));
    m.put(LapSettings.SINGLETON_GAP_CLOSING, v.isChecked(SINGLETON_GAP_CLOSING));
    return m;
  }

  /** The minimum tracklet length in frames (0 = off). */
  static int minTrackletLength(Values v) {
    return v.integer(MIN_TRACKLET_LENGTH, 0);
  }
}
