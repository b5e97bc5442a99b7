package org.volltrack.btrackmate.features;

import static org.volltrack.btrackmate.model.FeatureKeys.*;

import org.volltrack.btrackmate.model.FeatureKeys;

import static org.volltrack.btrackmate.features.FeatureDimension.ANGLE_RATE;
import static org.volltrack.btrackmate.features.FeatureDimension.AREA;
import static org.volltrack.btrackmate.features.FeatureDimension.COST;
import static org.volltrack.btrackmate.features.FeatureDimension.INTENSITY;
import static org.volltrack.btrackmate.features.FeatureDimension.LENGTH;
import static org.volltrack.btrackmate.features.FeatureDimension.NONE;
import static org.volltrack.btrackmate.features.FeatureDimension.POSITION;
import static org.volltrack.btrackmate.features.FeatureDimension.QUALITY;
import static org.volltrack.btrackmate.features.FeatureDimension.TIME;
import static org.volltrack.btrackmate.features.FeatureDimension.VELOCITY;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TrackMate's feature keys and declarations (TrackMate 7/8 names), reproduced exactly because they
 * are saved in the XML (spec {@code trackmate.md} §2.4).
 */
public final class TrackMateFeatures {

  private TrackMateFeatures() {}

  // Spot feature keys are in model.FeatureKeys.

  // Edge features.
  public static final String SPOT_SOURCE_ID = "SPOT_SOURCE_ID";
  public static final String SPOT_TARGET_ID = "SPOT_TARGET_ID";
  public static final String LINK_COST = "LINK_COST";
  public static final String DIRECTIONAL_CHANGE_RATE = "DIRECTIONAL_CHANGE_RATE";
  public static final String SPEED = "SPEED";
  public static final String DISPLACEMENT = "DISPLACEMENT";
  public static final String EDGE_TIME = "EDGE_TIME";
  public static final String EDGE_X_LOCATION = "EDGE_X_LOCATION";
  public static final String EDGE_Y_LOCATION = "EDGE_Y_LOCATION";
  public static final String EDGE_Z_LOCATION = "EDGE_Z_LOCATION";

  // Track features.
  public static final String TRACK_INDEX = "TRACK_INDEX";
  public static final String TRACK_ID = "TRACK_ID";
  public static final String NUMBER_SPOTS = "NUMBER_SPOTS";
  public static final String NUMBER_GAPS = "NUMBER_GAPS";
  public static final String NUMBER_SPLITS = "NUMBER_SPLITS";
  public static final String NUMBER_MERGES = "NUMBER_MERGES";
  public static final String NUMBER_COMPLEX = "NUMBER_COMPLEX";
  public static final String LONGEST_GAP = "LONGEST_GAP";
  public static final String TRACK_DURATION = "TRACK_DURATION";
  public static final String TRACK_START = "TRACK_START";
  public static final String TRACK_STOP = "TRACK_STOP";
  public static final String TRACK_DISPLACEMENT = "TRACK_DISPLACEMENT";
  public static final String TRACK_X_LOCATION = "TRACK_X_LOCATION";
  public static final String TRACK_Y_LOCATION = "TRACK_Y_LOCATION";
  public static final String TRACK_Z_LOCATION = "TRACK_Z_LOCATION";
  public static final String TRACK_MEAN_SPEED = "TRACK_MEAN_SPEED";
  public static final String TRACK_MAX_SPEED = "TRACK_MAX_SPEED";
  public static final String TRACK_MIN_SPEED = "TRACK_MIN_SPEED";
  public static final String TRACK_MEDIAN_SPEED = "TRACK_MEDIAN_SPEED";
  public static final String TRACK_STD_SPEED = "TRACK_STD_SPEED";
  public static final String TRACK_MEAN_QUALITY = "TRACK_MEAN_QUALITY";
  public static final String TOTAL_DISTANCE_TRAVELED = "TOTAL_DISTANCE_TRAVELED";
  public static final String MAX_DISTANCE_TRAVELED = "MAX_DISTANCE_TRAVELED";
  public static final String CONFINEMENT_RATIO = "CONFINEMENT_RATIO";
  public static final String MEAN_STRAIGHT_LINE_SPEED = "MEAN_STRAIGHT_LINE_SPEED";
  public static final String LINEARITY_OF_FORWARD_PROGRESSION = "LINEARITY_OF_FORWARD_PROGRESSION";
  public static final String MEAN_DIRECTIONAL_CHANGE_RATE = "MEAN_DIRECTIONAL_CHANGE_RATE";

  private static FeatureDeclaration d(
      String key, String name, String shortName, FeatureDimension dim, boolean isInt) {
    return new FeatureDeclaration(key, name, shortName, dim, isInt);
  }

  /** The 8 spot features every TrackMate spot has, in TrackMate's order. */
  public static final List<FeatureDeclaration> SPOT_BASE =
      Collections.unmodifiableList(
          Arrays.asList(
              d(FeatureKeys.QUALITY, "Quality", "Quality", QUALITY, false),
              d(POSITION_X, "X", "X", POSITION, false),
              d(POSITION_Y, "Y", "Y", POSITION, false),
              d(POSITION_Z, "Z", "Z", POSITION, false),
              d(POSITION_T, "T", "T", TIME, false),
              d(FRAME, "Frame", "Frame", NONE, true),
              d(RADIUS, "Radius", "R", LENGTH, false),
              d(VISIBILITY, "Visibility", "Visibility", NONE, true)));

  /** The edge features BTrackmate computes and writes, in the order they are written. */
  public static final List<FeatureDeclaration> EDGE =
      Collections.unmodifiableList(
          Arrays.asList(
              d(SPOT_SOURCE_ID, "Source spot ID", "Source ID", NONE, true),
              d(SPOT_TARGET_ID, "Target spot ID", "Target ID", NONE, true),
              d(LINK_COST, "Edge cost", "Cost", COST, false),
              d(DIRECTIONAL_CHANGE_RATE, "Directional change rate", "\uD835\uDEFE rate", ANGLE_RATE, false),
              d(SPEED, "Speed", "Speed", VELOCITY, false),
              d(DISPLACEMENT, "Displacement", "Disp.", LENGTH, false),
              d(EDGE_TIME, "Edge time", "Edge T", TIME, false),
              d(EDGE_X_LOCATION, "Edge X", "Edge X", POSITION, false),
              d(EDGE_Y_LOCATION, "Edge Y", "Edge Y", POSITION, false),
              d(EDGE_Z_LOCATION, "Edge Z", "Edge Z", POSITION, false)));

  /** The track features BTrackmate computes and writes, in the order they are written. */
  public static final List<FeatureDeclaration> TRACK =
      Collections.unmodifiableList(
          Arrays.asList(
              d(TRACK_INDEX, "Track index", "Index", NONE, true),
              d(TRACK_ID, "Track ID", "ID", NONE, true),
              d(NUMBER_SPOTS, "Number of spots in track", "N spots", NONE, true),
              d(NUMBER_GAPS, "Number of gaps", "N gaps", NONE, true),
              d(NUMBER_SPLITS, "Number of split events", "N splits", NONE, true),
              d(NUMBER_MERGES, "Number of merge events", "N merges", NONE, true),
              d(NUMBER_COMPLEX, "Number of complex points", "N complex", NONE, true),
              d(LONGEST_GAP, "Longest gap", "Lgst gap", NONE, true),
              d(TRACK_DURATION, "Track duration", "Duration", TIME, false),
              d(TRACK_START, "Track start", "Track start", TIME, false),
              d(TRACK_STOP, "Track stop", "Track stop", TIME, false),
              d(TRACK_DISPLACEMENT, "Track displacement", "Track disp.", LENGTH, false),
              d(TRACK_X_LOCATION, "Track mean X", "Track X", POSITION, false),
              d(TRACK_Y_LOCATION, "Track mean Y", "Track Y", POSITION, false),
              d(TRACK_Z_LOCATION, "Track mean Z", "Track Z", POSITION, false),
              d(TRACK_MEAN_SPEED, "Track mean speed", "Mean sp.", VELOCITY, false),
              d(TRACK_MAX_SPEED, "Track max speed", "Max speed", VELOCITY, false),
              d(TRACK_MIN_SPEED, "Track min speed", "Min speed", VELOCITY, false),
              d(TRACK_MEDIAN_SPEED, "Track median speed", "Med. speed", VELOCITY, false),
              d(TRACK_STD_SPEED, "Track std speed", "Std speed", VELOCITY, false),
              d(TRACK_MEAN_QUALITY, "Track mean quality", "Mean Q", QUALITY, false),
              d(TOTAL_DISTANCE_TRAVELED, "Total distance traveled", "Total dist.", LENGTH, false),
              d(MAX_DISTANCE_TRAVELED, "Max distance traveled", "Max dist.", LENGTH, false),
              d(CONFINEMENT_RATIO, "Confinement ratio", "Cfn. ratio", NONE, false),
              d(MEAN_STRAIGHT_LINE_SPEED, "Mean straight line speed", "Mn. v. line", VELOCITY, false),
              d(LINEARITY_OF_FORWARD_PROGRESSION, "Linearity of forward progression", "Fwd. progr.", NONE, false),
              d(MEAN_DIRECTIONAL_CHANGE_RATE, "Mean directional change rate", "Mn. \uD835\uDEFE rate", ANGLE_RATE, false)));

  private static final Pattern CHANNEL =
      Pattern.compile("(MEAN|MEDIAN|MIN|MAX|TOTAL|STD)_INTENSITY_CH(\\d+)|(CONTRAST|SNR)_CH(\\d+)");

  private static final List<FeatureDeclaration> SPOT_KNOWN =
      Arrays.asList(
          d("AREA", "Area", "Area", AREA, false),
          d("PERIMETER", "Perimeter", "Perim.", LENGTH, false),
          d("CIRCULARITY", "Circularity", "Circ.", NONE, false),
          d("SOLIDITY", "Solidity", "Solidity", NONE, false),
          d("SHAPE_INDEX", "Shape index", "Shape index", NONE, false),
          d("ELLIPSE_X0", "Ellipse center x0", "El. x0", LENGTH, false),
          d("ELLIPSE_Y0", "Ellipse center y0", "El. y0", LENGTH, false),
          d("ELLIPSE_MAJOR", "Ellipse long axis", "El. long axis", LENGTH, false),
          d("ELLIPSE_MINOR", "Ellipse short axis", "El. sh. axis", LENGTH, false),
          d("ELLIPSE_THETA", "Ellipse angle", "El. angle", FeatureDimension.ANGLE, false),
          d("ELLIPSE_ASPECTRATIO", "Ellipse aspect ratio", "El. a.r.", NONE, false),
          d("MANUAL_SPOT_COLOR", "Manual spot color", "Spot color", NONE, true));

  /**
   * The declaration of a spot feature: TrackMate's own for the base features, the per-channel
   * intensity features and the 2D morphology features; a {@link FeatureDeclaration#generic generic}
   * one for any other key.
   */
  public static FeatureDeclaration spotDeclaration(String key) {
    for (FeatureDeclaration fd : SPOT_BASE) {
      if (fd.key().equals(key)) {
        return fd;
      }
    }
    for (FeatureDeclaration fd : SPOT_KNOWN) {
      if (fd.key().equals(key)) {
        return fd;
      }
    }
    Matcher m = CHANNEL.matcher(key);
    if (m.matches()) {
      if (m.group(1) != null) {
        String stat = m.group(1);
        String pretty = stat.equals("TOTAL") ? "Sum" : stat.charAt(0) + stat.substring(1).toLowerCase();
        String ch = " ch" + m.group(2);
        return d(key, pretty + " intensity" + ch, pretty + ch, INTENSITY, false);
      }
      String ch = " ch" + m.group(4);
      return m.group(3).equals("SNR")
          ? d(key, "Signal/Noise ratio" + ch, "SNR" + ch, NONE, false)
          : d(key, "Contrast" + ch, "Ctrst" + ch, NONE, false);
    }
    return FeatureDeclaration.generic(key);
  }
}
