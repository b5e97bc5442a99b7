package org.volltrack.btrackmate.plugin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.volltrack.btrackmate.settings.BTrackmateSettings;

/**
 * The fields both tracking commands share after their input fields: calibration, tracker and
 * filters, and how their values go into the settings.
 */
final class TrackingFields {

  private TrackingFields() {}

  /** {@link CalibrationFields#CALIBRATION}, {@link TrackerFields#TRACKER}, {@link FilterFields#FILTERS}. */
  static final List<Field> SHARED;

  static {
    List<Field> f = new ArrayList<>();
    f.addAll(CalibrationFields.CALIBRATION);
    f.addAll(TrackerFields.TRACKER);
    f.addAll(FilterFields.FILTERS);
    SHARED = Collections.unmodifiableList(f);
  }

  /** The input fields followed by the {@link #SHARED} ones. */
  static List<Field> after(Field... inputs) {
    List<Field> f = new ArrayList<>();
    Collections.addAll(f, inputs);
    f.addAll(SHARED);
    return f;
  }

  /** Sets the calibration, tracker, pruning and filter settings from the values. */
  static BTrackmateSettings.Builder apply(BTrackmateSettings.Builder b, Values v) {
    return b.voxelSize(CalibrationFields.voxelSize(v))
        .frameInterval(CalibrationFields.frameInterval(v))
        .tracker(TrackerFields.trackerMap(v))
        .minTrackletLength(TrackerFields.minTrackletLength(v))
        .filters(FilterFields.filters(v));
  }
}
