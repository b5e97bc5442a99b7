package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.volltrack.btrackmate.Fixtures;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.TrackModel;
import org.volltrack.btrackmate.tracking.SparseLapTracker;

/**
 * The whole Java path on TrackMate's own output: read a laptrack fixture, track its spots with its
 * TrackerSettings, write tracks.xml, read it back: the same edges and LINK_COSTs as TrackMate's.
 */
class TrackerToXmlEndToEndTest {

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "trackmate_tracks_without_gap_closing.xml",
        "trackmate_tracks_with_gap_closing.xml",
        "trackmate_tracks_with_splitting.xml",
        "trackmate_tracks_with_merging.xml",
        "trackmate_tracks_with_splitting_merging.xml",
      })
  void trackedAndWrittenFileHasTrackMatesEdges(String name) throws Exception {
    TrackMateXmlFile fixture = TrackMateXmlReader.read(Fixtures.trackmate("lap-conformance/" + name));
    TrackMateDocument in = fixture.document();
    TrackModel tracked =
        SparseLapTracker.create().trackModel(in.model().spots(), in.lapSettings());
    TrackMateDocument out =
        TrackMateDocument.builder(tracked)
            .calibration(in.calibration())
            .image(in.image())
            .lapSettings(in.lapSettings())
            .btrackmateSettings("{\"source\": \"" + name + "\"}")
            .build();
    Path file = tmp.resolve("tracks.xml");
    TrackMateXmlWriter.write(out, file);
    TrackMateXmlFile back = TrackMateXmlReader.read(file);

    Map<String, Double> expected = costs(in.model());
    Map<String, Double> actual = costs(back.document().model());
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<String, Double> e : expected.entrySet()) {
      double a = actual.get(e.getKey());
      assertEquals(e.getValue(), a, 1e-9 * Math.max(1, Math.abs(e.getValue())), e.getKey());
    }
    assertEquals(fixture.tracks().size(), back.tracks().size());
    assertEquals(in.lapSettings(), back.document().lapSettings());
    assertNotNull(back.document().btrackmateSettings());
    assertTrue(back.warnings().isEmpty(), back.warnings().toString());
    assertEquals(
        Collections.emptyList(),
        TrackMateConformance.violations(java.nio.file.Files.readAllBytes(file)));
  }

  private static Map<String, Double> costs(TrackModel m) {
    Map<String, Double> out = new HashMap<>();
    for (Link l : m.links()) {
      out.put(l.source() + "->" + l.target(), l.cost());
    }
    return out;
  }
}
