package org.volltrack.btrackmate.plugin;

import java.util.List;
import org.volltrack.btrackmate.settings.BTrackmateSettings;

/**
 * <i>Plugins › Tracking › BTrackmate › Track label image...</i>: measures the cells of an integer
 * label image (TZYX or ZYX TIFF; optional raw image for intensities and tissue mask), tracks them
 * and writes a TrackMate XML.
 *
 * <p>Macro: {@code run("Track label image...", "labels=/data/labels.tif raw=/data/raw.tif
 * mask=/data/tissue.tif out=/data/tracks.xml voxel_z=2 voxel_y=0.5 voxel_x=0.5 frame_interval=10
 * linking_max_distance=15 allow_track_splitting min_tracklet_length=3 centroid_in_tissue")}. Keys:
 * {@code labels} and {@code out} (required), {@code raw} and {@code mask} (optional), then the keys
 * of {@link CalibrationFields}, {@link TrackerFields} and {@link FilterFields}.
 */
public final class TrackLabelImage extends Command {

  /** The menu entry without "...". */
  public static final String NAME = "Track label image";

  static final String LABELS = "labels";
  static final String RAW = "raw";
  static final String MASK = "mask";
  static final String OUT = "out";

  private static final List<Field> FIELDS =
      TrackingFields.after(
          Field.file("Labels (label image TIFF)", "integer label image, TZYX or ZYX hyperstack TIFF"),
          Field.file("Raw (optional intensity image TIFF)", "raw image for intensity features; empty: none"),
          Field.file("Mask (optional tissue mask TIFF)", "tissue mask (ZYX or TZYX); empty: none"),
          Field.file("Out (tracks.xml)", "the TrackMate XML to write (replaced if it exists)"));

  /** Called by ImageJ. */
  public TrackLabelImage() {
    super(NAME, "Measure and track the cells of a label image (TrackMate LAP tracker); distances in physical units.", FIELDS, OUT);
  }

  @Override
  BTrackmateSettings settings(Values v) {
    BTrackmateSettings.Builder b =
        BTrackmateSettings.builder()
            .labels(v.requiredFile(LABELS, "the label image"))
            .raw(v.optionalFile(RAW))
            .mask(v.optionalFile(MASK));
    return TrackingFields.apply(b, v).build();
  }
}
