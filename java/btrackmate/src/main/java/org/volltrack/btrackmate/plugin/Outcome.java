package org.volltrack.btrackmate.plugin;

import java.nio.file.Path;
import java.util.Objects;

/** What a command wrote: the TrackMate XML file and a one-line summary. Immutable. */
final class Outcome {

  private final Path xml;
  private final String summary;

  Outcome(Path xml, String summary) {
    this.xml = Objects.requireNonNull(xml, "xml");
    this.summary = Objects.requireNonNull(summary, "summary");
  }

  /** The TrackMate XML file written. */
  Path xml() {
    return xml;
  }

  /** E.g. {@code 120 cells (100 visible), 95 links, 12 tracks}. */
  String summary() {
    return summary;
  }
}
