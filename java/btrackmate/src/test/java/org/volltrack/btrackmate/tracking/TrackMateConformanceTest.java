package org.volltrack.btrackmate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.volltrack.btrackmate.Fixtures;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The golden test: TrackMate 6.0.x's own output on FakeTracks (laptrack's fixtures, spec §5.2).
 * Spots come from {@code *_spots.csv}, the settings from the XML's TrackerSettings, the frame keys
 * from the XML's SpotsInFrame elements; the edge set must equal {@code *_edges.csv} exactly.
 */
class TrackMateConformanceTest {

  static final String[] NAMES = {
    "trackmate_tracks_without_gap_closing",
    "trackmate_tracks_with_gap_closing",
    "trackmate_tracks_with_splitting",
    "trackmate_tracks_with_merging",
    "trackmate_tracks_with_splitting_merging"
  };

  /** Rows of a CSV written by pandas (first column = index, unnamed), keyed by header name. */
  static List<Map<String, String>> readCsv(Path p) throws IOException {
    List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
    String[] header = lines.get(0).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.trim().isEmpty()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      assertEquals(header.length, cells.length, "columns in " + p + ": " + line);
      Map<String, String> row = new HashMap<>();
      for (int c = 0; c < header.length; c++) {
        row.put(header[c], cells[c]);
      }
      rows.add(row);
    }
    return rows;
  }

  static final class Fixture {
    SpotCollection spots;
    LapSettings settings;
    Map<String, Double> edges = new TreeMap<>();
  }

  static Fixture load(String name) throws Exception {
    Path xml = Fixtures.trackmate("lap-conformance/" + name + ".xml");
    Path spotsCsv = Fixtures.trackmate("lap-conformance/" + name + "_spots.csv");
    Path edgesCsv = Fixtures.trackmate("lap-conformance/" + name + "_edges.csv");
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
    Fixture f = new Fixture();
    f.settings =
        LapSettingsXml.read((Element) doc.getElementsByTagName("TrackerSettings").item(0));
    TreeSet<Integer> frames = new TreeSet<>();
    NodeList sif = doc.getElementsByTagName("SpotsInFrame");
    for (int i = 0; i < sif.getLength(); i++) {
      frames.add(Integer.parseInt(((Element) sif.item(i)).getAttribute("frame")));
    }
    List<Spot> spots = new ArrayList<>();
    for (Map<String, String> r : readCsv(spotsCsv)) {
      spots.add(
          Spot.builder(
                  Long.parseLong(r.get("id")),
                  Integer.parseInt(r.get("frame")),
                  Double.parseDouble(r.get("position_x")),
                  Double.parseDouble(r.get("position_y")),
                  r.containsKey("position_z") ? Double.parseDouble(r.get("position_z")) : 0.0)
              .build());
    }
    assertEquals(doc.getElementsByTagName("Spot").getLength(), spots.size(), "spot count");
    f.spots = SpotCollection.ofFrames(frames, spots);
    for (Map<String, String> r : readCsv(edgesCsv)) {
      f.edges.put(
          r.get("spot_source_id") + "->" + r.get("spot_target_id"),
          Double.parseDouble(r.get("link_cost")));
    }
    return f;
  }

  static void assertSameEdges(Map<String, Double> expected, List<Link> links, String what) {
    Map<String, Double> actual = new TreeMap<>();
    for (Link l : links) {
      actual.put(l.source() + "->" + l.target(), l.cost());
    }
    TreeSet<String> missing = new TreeSet<>(expected.keySet());
    missing.removeAll(actual.keySet());
    TreeSet<String> extra = new TreeSet<>(actual.keySet());
    extra.removeAll(expected.keySet());
    assertTrue(
        missing.isEmpty() && extra.isEmpty(),
        what + ": " + missing.size() + " missing " + missing + ", " + extra.size() + " extra " + extra);
    assertEquals(expected.size(), links.size(), what + ": duplicate links");
    for (Map.Entry<String, Double> e : expected.entrySet()) {
      double want = e.getValue();
      double got = actual.get(e.getKey());
      assertEquals(want, got, 1e-9 * Math.abs(want), what + ": LINK_COST of " + e.getKey());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "trackmate_tracks_without_gap_closing",
        "trackmate_tracks_with_gap_closing",
        "trackmate_tracks_with_splitting",
        "trackmate_tracks_with_merging",
        "trackmate_tracks_with_splitting_merging"
      })
  void reproducesTrackMateEdgesExactly(String name) throws Exception {
    Fixture f = load(name);
    for (int threads : new int[] {1, 4}) {
      for (SparseLapTracker.CandidateSearch search : SparseLapTracker.CandidateSearch.values()) {
        List<Link> links =
            SparseLapTracker.builder()
                .threads(threads)
                .candidateSearch(search)
                .build()
                .track(f.spots, f.settings);
        assertSameEdges(f.edges, links, name + " (" + threads + " threads, " + search + ")");
      }
    }
  }
}
