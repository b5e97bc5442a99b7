package org.volltrack.btrackmate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.volltrack.btrackmate.io.TrackMateDocument;
import org.volltrack.btrackmate.io.TrackMateXmlFile;
import org.volltrack.btrackmate.io.TrackMateXmlReader;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;

/** Compares two TrackMate XML files on what tracking decides. */
final class XmlComparison {

  private XmlComparison() {}

  /**
   * Same edge set with the same LINK_COSTs, same spots and visibility, same tracker and spot
   * filter settings, same BTrackmate settings payload.
   */
  static void assertSameTracking(Path expectedFile, Path actualFile) throws Exception {
    TrackMateXmlFile expected = TrackMateXmlReader.read(expectedFile);
    TrackMateXmlFile actual = TrackMateXmlReader.read(actualFile);
    TrackMateDocument e = expected.document();
    TrackMateDocument a = actual.document();
    assertEquals(edges(e), edges(a), "edges and costs");
    assertEquals(spots(e), spots(a), "spots and visibility");
    assertEquals(e.lapSettings(), a.lapSettings(), "tracker settings");
    assertEquals(e.spotFilters(), a.spotFilters(), "spot filters");
    assertEquals(e.btrackmateSettings(), a.btrackmateSettings(), "BTrackmate settings");
    assertEquals(e.calibration(), a.calibration(), "calibration");
  }

  private static Map<String, Double> edges(TrackMateDocument d) {
    Map<String, Double> m = new TreeMap<>();
    for (Link l : d.model().links()) {
      m.put(l.source() + "->" + l.target(), l.cost());
    }
    return m;
  }

  private static Map<Long, String> spots(TrackMateDocument d) {
    Map<Long, String> m = new TreeMap<>();
    for (Spot s : d.model().spots().all()) {
      m.put(s.id(), s.frame() + " " + s.x() + " " + s.y() + " " + s.z() + " " + s.visible());
    }
    return m;
  }
}
