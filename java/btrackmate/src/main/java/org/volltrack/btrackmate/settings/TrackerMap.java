package org.volltrack.btrackmate.settings;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks and normalises the tracker settings map: TrackMate's LAP keys (spec §1.2) with TrackMate's
 * value types, plus BTrackmate's {@code SINGLETON_GAP_CLOSING} extension: exactly the keys the LAP
 * settings parser ({@code LapSettings.fromMap}) accepts, so that it receives what TrackMate's own
 * settings map holds. The tracker name is not a key here (BTrackmate runs the sparse LAP tracker).
 *
 * <table>
 *   <caption>tracker keys</caption>
 *   <tr><th>type</th><th>keys</th></tr>
 *   <tr><td>Double</td><td>LINKING_MAX_DISTANCE, GAP_CLOSING_MAX_DISTANCE, SPLITTING_MAX_DISTANCE,
 *       MERGING_MAX_DISTANCE, ALTERNATIVE_LINKING_COST_FACTOR, CUTOFF_PERCENTILE, BLOCKING_VALUE,
 *       KALMAN_SEARCH_RADIUS</td></tr>
 *   <tr><td>Integer</td><td>MAX_FRAME_GAP</td></tr>
 *   <tr><td>Boolean</td><td>ALLOW_GAP_CLOSING, ALLOW_TRACK_SPLITTING, ALLOW_TRACK_MERGING,
 *       SINGLETON_GAP_CLOSING (BTrackmate)</td></tr>
 *   <tr><td>Map&lt;String, Double&gt;</td><td>LINKING_FEATURE_PENALTIES,
 *       GAP_CLOSING_FEATURE_PENALTIES, SPLITTING_FEATURE_PENALTIES, MERGING_FEATURE_PENALTIES</td></tr>
 * </table>
 *
 * <p>Value ranges (e.g. CUTOFF_PERCENTILE in [0, 1]) are the LAP settings' business, not checked here.
 */
public final class TrackerMap {

  private TrackerMap() {}

  enum Type {
    DOUBLE("a number"),
    INTEGER("an integer"),
    BOOLEAN("true or false"),
    PENALTIES("an object of feature name to number");

    final String expected;

    Type(String expected) {
      this.expected = expected;
    }
  }

  private static final Map<String, Type> TYPES;

  static {
    Map<String, Type> m = new HashMap<>();
    for (String k :
        Arrays.asList(
            "LINKING_MAX_DISTANCE", "GAP_CLOSING_MAX_DISTANCE", "SPLITTING_MAX_DISTANCE",
            "MERGING_MAX_DISTANCE", "ALTERNATIVE_LINKING_COST_FACTOR", "CUTOFF_PERCENTILE",
            "BLOCKING_VALUE", "KALMAN_SEARCH_RADIUS")) {
      m.put(k, Type.DOUBLE);
    }
    m.put("MAX_FRAME_GAP", Type.INTEGER);
    for (String k :
        Arrays.asList(
            "ALLOW_GAP_CLOSING", "ALLOW_TRACK_SPLITTING", "ALLOW_TRACK_MERGING",
            "SINGLETON_GAP_CLOSING")) {
      m.put(k, Type.BOOLEAN);
    }
    for (String k :
        Arrays.asList(
            "LINKING_FEATURE_PENALTIES", "GAP_CLOSING_FEATURE_PENALTIES",
            "SPLITTING_FEATURE_PENALTIES", "MERGING_FEATURE_PENALTIES")) {
      m.put(k, Type.PENALTIES);
    }
    TYPES = Collections.unmodifiableMap(m);
  }

  /** The type of a key, or {@code null} for an unknown key. */
  static Type typeOf(String key) {
    return TYPES.get(key);
  }

  /** The known keys, sorted. */
  public static java.util.SortedSet<String> knownKeys() {
    return Collections.unmodifiableSortedSet(new java.util.TreeSet<>(TYPES.keySet()));
  }

  /**
   * A checked, unmodifiable copy with TrackMate's value types: any Number becomes a Double for the
   * double keys and an Integer (if integral) for MAX_FRAME_GAP; the strings "Infinity", "-Infinity"
   * and "NaN" are accepted for double keys; penalty maps become {@code Map<String, Double>}. Keys
   * are sorted.
   *
   * @throws IllegalArgumentException naming the key, on an unknown key or a value of the wrong type
   */
  public static Map<String, Object> normalize(Map<String, ?> map) {
    Map<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, ?> e : map.entrySet()) {
      String key = e.getKey();
      Type type = TYPES.get(key);
      if (type == null) {
        throw new IllegalArgumentException(
            "unknown tracker key '" + key + "'; expected one of " + knownKeys());
      }
      out.put(key, convert(key, type, e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Object convert(String key, Type type, Object v) {
    switch (type) {
      case DOUBLE:
        Double d = toDouble(v);
        if (d != null) {
          return d;
        }
        break;
      case INTEGER:
        if (v instanceof Number) {
          double x = ((Number) v).doubleValue();
          if (x == Math.rint(x) && Math.abs(x) <= Integer.MAX_VALUE) {
            return (int) x;
          }
        }
        break;
      case BOOLEAN:
        if (v instanceof Boolean) {
          return v;
        }
        break;
      case PENALTIES:
        if (v instanceof Map) {
          Map<String, Double> p = new LinkedHashMap<>();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            Double w = toDouble(e.getValue());
            if (!(e.getKey() instanceof String) || w == null) {
              throw new IllegalArgumentException(
                  "tracker key '" + key + "': entry " + e.getKey() + "=" + e.getValue()
                      + "; expected a feature name and a number");
            }
            p.put((String) e.getKey(), w);
          }
          return Collections.unmodifiableMap(p);
        }
        break;
      default:
        break;
    }
    throw new IllegalArgumentException(
        "tracker key '" + key + "': expected " + type.expected + ", got " + describe(v));
  }

  private static Double toDouble(Object v) {
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    if ("Infinity".equals(v)) {
      return Double.POSITIVE_INFINITY;
    }
    if ("-Infinity".equals(v)) {
      return Double.NEGATIVE_INFINITY;
    }
    if ("NaN".equals(v)) {
      return Double.NaN;
    }
    return null;
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String) {
      return "'" + v + "'";
    }
    return String.valueOf(v);
  }
}
