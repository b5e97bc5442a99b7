package org.volltrack.btrackmate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.volltrack.btrackmate.Fixtures;
import org.volltrack.btrackmate.io.TrackMateXmlFile;
import org.volltrack.btrackmate.io.TrackMateXmlReader;
import org.volltrack.btrackmate.model.Link;

/**
 * The five laptrack/TrackMate conformance fixtures through the command line, as a user runs them:
 * the fixture's spots (its {@code *_spots.csv} with its TrackerSettings, or the XML itself) give
 * exactly TrackMate's edges ({@code *_edges.csv}), LINK_COST within 1e-9 relative.
 */
class MainConformanceTest {

  @TempDir Path tmp;

  private static Map<String, Double> expectedEdges(String name) throws IOException {
    Path edges = Fixtures.trackmate("lap-conformance/" + name + "_edges.csv");
    List<String> lines = Files.readAllLines(edges, StandardCharsets.UTF_8);
    assertEquals(",spot_source_id,spot_target_id,link_cost,track_id", lines.get(0));
    Map<String, Double> out = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      out.put(f[1] + "->" + f[2], Double.parseDouble(f[3]));
    }
    return out;
  }

  private static void assertSameEdges(String name, Path written) throws IOException {
    Map<String, Double> expected = expectedEdges(name);
    TrackMateXmlFile back = TrackMateXmlReader.read(written);
    assertTrue(back.warnings().isEmpty(), back.warnings().toString());
    Map<String, Double> actual = new HashMap<>();
    for (Link l : back.document().model().links()) {
      actual.put(l.source() + "->" + l.target(), l.cost());
    }
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<String, Double> e : expected.entrySet()) {
      double a = actual.get(e.getKey());
      assertEquals(e.getValue(), a, 1e-9 * Math.abs(e.getValue()), e.getKey());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "trackmate_tracks_without_gap_closing",
        "trackmate_tracks_with_gap_closing",
        "trackmate_tracks_with_splitting",
        "trackmate_tracks_with_merging",
        "trackmate_tracks_with_splitting_merging",
      })
  void spotsCsvWithTheFixturesTrackerSettings(String name) throws IOException {
    Path spots = Fixtures.trackmate("lap-conformance/" + name + "_spots.csv");
    Path xml = Fixtures.trackmate("lap-conformance/" + name + ".xml");
    Path out = tmp.resolve("tracks.xml");
    Cli r = Cli.run("--cells", spots.toString(), "--tracker-settings", xml.toString(), "--out", out.toString(), "--quiet");
    assertEquals(0, r.status, r.toString());
    assertEquals("", r.err);
    assertEquals("", r.out);
    assertSameEdges(name, out);
    assertEquals(
        TrackMateXmlReader.read(xml).document().lapSettings(),
        TrackMateXmlReader.read(out).document().lapSettings());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "trackmate_tracks_without_gap_closing",
        "trackmate_tracks_with_gap_closing",
        "trackmate_tracks_with_splitting",
        "trackmate_tracks_with_merging",
        "trackmate_tracks_with_splitting_merging",
      })
  void theFixtureXmlRetracked(String name) throws IOException {
    Path xml = Fixtures.trackmate("lap-conformance/" + name + ".xml");
    Path out = tmp.resolve("retracked.xml");
    Cli r = Cli.run("--xml", xml.toString(), "--out", out.toString(), "--quiet", "--threads", "3");
    assertEquals(0, r.status, r.toString());
    assertSameEdges(name, out);
    TrackMateXmlFile in = TrackMateXmlReader.read(xml);
    TrackMateXmlFile back = TrackMateXmlReader.read(out);
    assertEquals(in.document().calibration(), back.document().calibration());
    assertEquals(in.document().image(), back.document().image());
    assertEquals(in.document().lapSettings(), back.document().lapSettings());
    assertEquals(in.document().model().spots().byFrame().keySet(), back.document().model().spots().byFrame().keySet());
    assertEquals(in.document().model().spots().size(), back.document().model().spots().size());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"trackmate_tracks_with_splitting", "trackmate_tracks_with_splitting_merging"})
  void noTrackingKeepsTheFilesLinks(String name) throws IOException {
    Path xml = Fixtures.trackmate("lap-conformance/" + name + ".xml");
    Path out = tmp.resolve("kept.xml");
    // Settings that would track differently: the file's links must stay as they are.
    Cli r = Cli.run("--xml", xml.toString(), "--no-tracking", "--LINKING_MAX_DISTANCE", "1", "--out", out.toString(), "--quiet");
    assertEquals(0, r.status, r.toString());
    assertSameEdges(name, out);
  }
}
