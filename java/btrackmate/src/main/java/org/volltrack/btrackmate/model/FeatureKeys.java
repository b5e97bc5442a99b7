package org.volltrack.btrackmate.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/** TrackMate's feature keys, reproduced exactly because they are saved in the XML. */
public final class FeatureKeys {

  private FeatureKeys() {}

  // Spot features every TrackMate spot has.
  public static final String POSITION_X = "POSITION_X";
  public static final String POSITION_Y = "POSITION_Y";
  public static final String POSITION_Z = "POSITION_Z";
  public static final String POSITION_T = "POSITION_T";
  public static final String FRAME = "FRAME";
  public static final String RADIUS = "RADIUS";
  public static final String QUALITY = "QUALITY";
  public static final String VISIBILITY = "VISIBILITY";

  // BTrackmate's own spot features (cells.csv columns and label-image measurements).
  /** The cell's label in the label image. */
  public static final String LABEL = "LABEL";
  /** Cell volume in physical units cubed (area for 2D data). */
  public static final String VOLUME = "VOLUME";
  /** Fraction (0..1) of the cell's voxels inside the tissue mask. */
  public static final String INSIDE_TISSUE = "INSIDE_TISSUE";
  /** Distance from the cell's centroid to the tissue boundary, physical units. */
  public static final String DISTANCE_TO_BOUNDARY = "DISTANCE_TO_BOUNDARY";

  private static final Set<String> FIXED_SPOT_KEYS =
      Collections.unmodifiableSet(
          new HashSet<>(
              Arrays.asList(POSITION_X, POSITION_Y, POSITION_Z, FRAME, RADIUS, QUALITY, VISIBILITY)));

  /** True for the keys stored as fixed {@link Spot} fields rather than as extra features. */
  public static boolean isFixedSpotKey(String key) {
    return FIXED_SPOT_KEYS.contains(key);
  }
}
