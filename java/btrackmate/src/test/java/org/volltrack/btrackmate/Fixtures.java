package org.volltrack.btrackmate;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the shared TrackMate fixtures ({@code ../shared/fixtures/trackmate} beside the project
 * root). Tests that need them call {@link #trackmate(String)}, which skips the test with a clear
 * reason when the folder is absent.
 */
public final class Fixtures {

  private Fixtures() {}

  /** The {@code shared/} folder, or {@code null} when it cannot be found. */
  public static Path sharedDir() {
    String prop = System.getProperty("volltrack.shared");
    if (prop != null && Files.isDirectory(Paths.get(prop, "fixtures"))) {
      return Paths.get(prop).toAbsolutePath().normalize();
    }
    // Walk up from the working directory: the project root has ../shared beside it.
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolveSibling("shared");
      if (Files.isDirectory(candidate.resolve("fixtures"))) {
        return candidate.normalize();
      }
      dir = dir.getParent();
    }
    return null;
  }

  /**
   * A file under {@code shared/fixtures/trackmate/}; skips the calling test when the fixtures are
   * not there.
   */
  public static Path trackmate(String relative) {
    Path shared = sharedDir();
    assumeTrue(shared != null, "skipped: ../shared/fixtures not found beside the project root");
    Path p = shared.resolve("fixtures").resolve("trackmate").resolve(relative);
    assumeTrue(Files.exists(p), "skipped: fixture " + p + " is absent");
    return p;
  }
}
