package org.volltrack.btrackmate;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** BTrackmate's version, from the build (the Maven project version). */
public final class Version {

  private Version() {}

  /** The version, e.g. {@code 0.1.0-SNAPSHOT}; {@code "unknown"} when the build did not record it. */
  public static String get() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version");
      return v == null || v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
