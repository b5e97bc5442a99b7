package org.volltrack.btrackmate.settings;

import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.volltrack.btrackmate.tracking.LapSettings;

/**
 * Checks and normalises the tracker settings map of a run by handing it to the LAP settings parser,
 * {@link LapSettings#fromMap(Map)}: the keys, value types, string forms and ranges accepted are
 * exactly that parser's (TrackMate's LAP keys, spec §1.2, plus BTrackmate's {@code
 * SINGLETON_GAP_CLOSING}); this class keeps no key list of its own. The tracker name is not a key
 * here (BTrackmate runs the sparse LAP tracker).
 */
public final class TrackerMap {

  private TrackerMap() {}

  /** The known keys, sorted: {@link LapSettings#TRACKMATE_KEYS} and {@link LapSettings#SINGLETON_GAP_CLOSING}. */
  public static SortedSet<String> knownKeys() {
    SortedSet<String> keys = new TreeSet<>(LapSettings.TRACKMATE_KEYS);
    keys.add(LapSettings.SINGLETON_GAP_CLOSING);
    return Collections.unmodifiableSortedSet(keys);
  }

  /**
   * A checked, unmodifiable copy holding the same keys, sorted, each with the value {@link
   * LapSettings#fromMap(Map)} made of it, in TrackMate's types: Double, Integer (MAX_FRAME_GAP),
   * Boolean, or an unmodifiable {@code Map<String, Double>} for the penalty maps. Keys absent from
   * {@code map} stay absent (they mean TrackMate's default).
   *
   * @throws IllegalArgumentException on an unknown key, a value of the wrong type or out of range;
   *     the message (the LAP settings parser's) names the key
   */
  public static Map<String, Object> normalize(Map<String, ?> map) {
    Map<String, Object> typed = LapSettings.fromMap(map).toMap();
    Map<String, Object> out = new TreeMap<>();
    for (String key : map.keySet()) {
      out.put(key, typed.get(key));
    }
    return Collections.unmodifiableMap(out);
  }
}
