package org.volltrack.btrackmate.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * TrackMate's {@code DetectorSettings} element: the detector key ({@code DETECTOR_NAME}) and its
 * other attributes, kept as strings so a file read in is written back unchanged. An immutable
 * value. BTrackmate's own files use {@link #manual(double)}, TrackMate's manual detector, which
 * Fiji always knows (spec §2.7, §2.11).
 */
public final class DetectorSettings {
  /** TrackMate's key for the manual detector. */
  public static final String MANUAL_DETECTOR = "MANUAL_DETECTOR";

  private final String name;
  private final Map<String, String> attributes;

  /**
   * Detector settings.
   *
   * @param name the detector key, e.g. {@code MANUAL_DETECTOR} or {@code LOG_DETECTOR}
   * @param attributes the other attributes, e.g. {@code RADIUS → "5.0"}; copied
   * @throws IllegalArgumentException on an empty name, a {@code DETECTOR_NAME} attribute, or an
   *     attribute name that XML cannot carry
   */
  public DetectorSettings(String name, Map<String, String> attributes) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("detector settings need a DETECTOR_NAME");
    }
    if (attributes.containsKey("DETECTOR_NAME")) {
      throw new IllegalArgumentException("DETECTOR_NAME is the name, not an attribute");
    }
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      XmlText.requireName("detector setting", e.getKey());
      XmlText.requireValid("detector setting " + e.getKey(), e.getValue());
    }
    this.name = name;
    this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /** TrackMate's manual detector with this default spot radius (physical units). */
  public static DetectorSettings manual(double radius) {
    return new DetectorSettings(
        MANUAL_DETECTOR, Collections.singletonMap("RADIUS", Double.toString(radius)));
  }

  /** The detector key ({@code DETECTOR_NAME}). */
  public String name() {
    return name;
  }

  /** The attributes other than DETECTOR_NAME, in file order, unmodifiable. */
  public Map<String, String> attributes() {
    return attributes;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DetectorSettings)) {
      return false;
    }
    DetectorSettings d = (DetectorSettings) o;
    return name.equals(d.name) && attributes.equals(d.attributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, attributes);
  }

  @Override
  public String toString() {
    return name + attributes;
  }
}
