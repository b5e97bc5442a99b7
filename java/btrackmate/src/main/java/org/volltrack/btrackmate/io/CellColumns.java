package org.volltrack.btrackmate.io;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The columns of {@code cells.csv} and how they map to TrackMate spot feature keys.
 *
 * <p>Column names are case-sensitive; the known ones are lower case:
 *
 * <table>
 *   <caption>cells.csv columns</caption>
 *   <tr><th>column</th><th>required</th><th>becomes</th></tr>
 *   <tr><td>frame</td><td>yes</td><td>FRAME (integer &ge; 0)</td></tr>
 *   <tr><td>x, y</td><td>yes</td><td>POSITION_X, POSITION_Y (physical units)</td></tr>
 *   <tr><td>z</td><td>for 3D data</td><td>POSITION_Z (physical units); absent: 0 for every row (2D)</td></tr>
 *   <tr><td>id</td><td>no</td><td>the spot ID (int64, unique, &ge; 0)</td></tr>
 *   <tr><td>name</td><td>no</td><td>the spot name (text)</td></tr>
 *   <tr><td>radius</td><td>no</td><td>RADIUS</td></tr>
 *   <tr><td>quality</td><td>no</td><td>QUALITY</td></tr>
 *   <tr><td>label</td><td>no</td><td>LABEL (integer)</td></tr>
 *   <tr><td>{stat}_intensity[_ch{n}]</td><td>no</td><td>{STAT}_INTENSITY_CH{n} (n = 1 when absent)</td></tr>
 *   <tr><td>any other</td><td>no</td><td>its name upper-cased, other characters than
 *       A-Z, 0-9 and _ replaced by _ (volume &rarr; VOLUME, inside_tissue &rarr; INSIDE_TISSUE)</td></tr>
 * </table>
 *
 * <p>{stat} is one of mean, total, std, median, min, max (TrackMate's spot intensity analyzer keys).
 *
 * <p>Tables exported by TrackMate or pandas are accepted as they are:
 *
 * <ul>
 *   <li>aliases: {@code POSITION_X}/{@code position_x} for x (likewise y, z), {@code FRAME} for frame,
 *       {@code ID} for id, {@code RADIUS} for radius, {@code QUALITY} for quality (each name exactly
 *       as written; giving a column and its alias both is an error);
 *   <li>{@code POSITION_T}/{@code position_t} and {@code VISIBILITY} are ignored (BTrackmate
 *       computes the time from the frame and the frame interval; filters decide visibility);
 *   <li>a first column with an empty name (a pandas index) is ignored;
 *   <li>the z column may be absent: every z is then 0 (2D data).
 * </ul>
 */
public final class CellColumns {

  private CellColumns() {}

  /** Required: the 0-based frame index. */
  public static final String FRAME = "frame";
  /** Required: the X position in physical units. */
  public static final String X = "x";
  /** Required: the Y position in physical units. */
  public static final String Y = "y";
  /** Required: the Z position in physical units (0 for 2D). */
  public static final String Z = "z";
  /** Optional: the spot ID. */
  public static final String ID = "id";
  /** Optional: the spot name. */
  public static final String NAME = "name";
  /** Optional: the spot radius. */
  public static final String RADIUS = "radius";
  /** Optional: the spot quality. */
  public static final String QUALITY = "quality";
  /** Optional: the label of the cell in the label image. */
  public static final String LABEL = "label";

  /** The required columns, in the order they are reported when missing (z may be absent: 2D). */
  public static final java.util.List<String> REQUIRED =
      Collections.unmodifiableList(Arrays.asList(FRAME, X, Y));

  /** BTrackmate's own spot feature keys. */
  public static final String LABEL_KEY = org.volltrack.btrackmate.model.FeatureKeys.LABEL;
  /** Cell volume in physical units cubed (area for 2D data). */
  public static final String VOLUME_KEY = org.volltrack.btrackmate.model.FeatureKeys.VOLUME;
  /** Fraction (0..1) of the cell's voxels inside the tissue mask. */
  public static final String INSIDE_TISSUE_KEY = org.volltrack.btrackmate.model.FeatureKeys.INSIDE_TISSUE;
  /** Distance from the cell's centroid to the tissue boundary, physical units. */
  public static final String DISTANCE_TO_BOUNDARY_KEY =
      org.volltrack.btrackmate.model.FeatureKeys.DISTANCE_TO_BOUNDARY;

  /**
   * Keys a column may not map to: the fixed spot fields (set from frame, x, y, z, radius, quality),
   * POSITION_T (computed from the frame interval) and ID (the XML's spot ID attribute).
   */
  private static final Set<String> RESERVED_KEYS =
      Collections.unmodifiableSet(
          new HashSet<>(
              Arrays.asList(
                  "POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T", "FRAME", "RADIUS",
                  "QUALITY", "VISIBILITY", "ID")));

  private static final Set<String> KNOWN =
      Collections.unmodifiableSet(
          new HashSet<>(Arrays.asList(FRAME, X, Y, Z, ID, NAME, RADIUS, QUALITY, LABEL)));

  private static final Pattern INTENSITY =
      Pattern.compile("(mean|total|std|median|min|max)_intensity(?:_ch(\\d{1,6}))?");

  private static final java.util.Map<String, String> ALIASES;

  static {
    java.util.Map<String, String> m = new java.util.HashMap<>();
    m.put("POSITION_X", X);
    m.put("position_x", X);
    m.put("POSITION_Y", Y);
    m.put("position_y", Y);
    m.put("POSITION_Z", Z);
    m.put("position_z", Z);
    m.put("FRAME", FRAME);
    m.put("ID", ID);
    m.put("RADIUS", RADIUS);
    m.put("QUALITY", QUALITY);
    ALIASES = Collections.unmodifiableMap(m);
  }

  private static final Set<String> IGNORED =
      Collections.unmodifiableSet(new HashSet<>(Arrays.asList("POSITION_T", "position_t", "VISIBILITY")));

  /**
   * The known column an alias stands for ({@code POSITION_X} → {@code x}, {@code FRAME} →
   * {@code frame}, …), or the name itself when it is no alias.
   */
  public static String canonical(String column) {
    String c = ALIASES.get(column);
    return c == null ? column : c;
  }

  /** The aliases of a known column, e.g. [POSITION_X, position_x] for x; sorted. */
  public static java.util.List<String> aliasesOf(String column) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (java.util.Map.Entry<String, String> e : ALIASES.entrySet()) {
      if (e.getValue().equals(column)) {
        out.add(e.getKey());
      }
    }
    Collections.sort(out);
    return out;
  }

  /** True for the TrackMate columns BTrackmate ignores: POSITION_T, position_t, VISIBILITY. */
  public static boolean isIgnored(String column) {
    return IGNORED.contains(column);
  }

  /** True for the columns with a fixed meaning (frame, x, y, z, id, name, radius, quality, label). */
  public static boolean isKnown(String column) {
    return KNOWN.contains(column);
  }

  /**
   * The columns {@code volltrack measure} writes, which are numbers whatever their first value:
   * a text value in one of them is an error, never a reason to drop the column as text.
   */
  private static final Set<String> NUMERIC =
      Collections.unmodifiableSet(
          new HashSet<>(
              Arrays.asList(
                  "volume", "surface_area", "extent_x", "extent_y", "extent_z", "inside_tissue",
                  "distance_to_boundary")));

  /**
   * True for a free column that must hold numbers: the cell-table measurements ({@code volume},
   * {@code surface_area}, {@code extent_x/y/z}, {@code inside_tissue}, {@code distance_to_boundary})
   * and the intensity columns. Any other free column is numeric when its first value is a number,
   * else text (and ignored).
   */
  public static boolean isNumeric(String column) {
    return NUMERIC.contains(column) || INTENSITY.matcher(column).matches();
  }

  /** True when a feature key may not come from a free column (it is a fixed spot field or the ID). */
  public static boolean isReservedKey(String key) {
    return RESERVED_KEYS.contains(key);
  }

  /**
   * The TrackMate feature key of a column that is not one of the fixed ones; {@code label} gives
   * {@code LABEL}. Intensity columns get TrackMate's per-channel keys ({@code mean_intensity} →
   * {@code MEAN_INTENSITY_CH1}, {@code total_intensity_ch2} → {@code TOTAL_INTENSITY_CH2}); any other
   * name is upper-cased, each run of characters other than A-Z and 0-9 becomes one _, leading and
   * trailing _ are dropped and a leading digit (or an empty key) gets a _ before it, so the key is a
   * valid XML attribute name.
   *
   * @throws IllegalArgumentException for an intensity column of channel 0 (channels count from 1)
   */
  public static String featureKey(String column) {
    Matcher m = INTENSITY.matcher(column);
    if (m.matches()) {
      int channel = 1;
      if (m.group(2) != null) {
        channel = Integer.parseInt(m.group(2));
        if (channel < 1) {
          throw new IllegalArgumentException(
              "column '" + column + "': channels count from 1 (TrackMate's _CH1 is the first)");
        }
      }
      return m.group(1).toUpperCase(Locale.ROOT) + "_INTENSITY_CH" + channel;
    }
    String key =
        column.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_+|_+$", "");
    if (key.isEmpty() || Character.isDigit(key.charAt(0))) {
      key = "_" + key;
    }
    return key;
  }
}
