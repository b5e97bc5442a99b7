package org.volltrack.btrackmate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.volltrack.btrackmate.Fixtures;
import org.volltrack.btrackmate.io.TrackMateXmlFile;
import org.volltrack.btrackmate.io.TrackMateXmlReader;
import org.volltrack.btrackmate.io.TrackRecord;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.TrackModel;

/**
 * The oracle: TrackMate stored its own edge and track features in these files; recomputing them
 * from the spots and links must give the same values.
 */
class FixtureFeaturesTest {

  private static final String[] EDGE_KEYS = {
    "EDGE_TIME", "EDGE_X_LOCATION", "EDGE_Y_LOCATION", "EDGE_Z_LOCATION", "DISPLACEMENT"
  };

  private static final String[] TRACK_KEYS = {
    "NUMBER_SPOTS", "NUMBER_GAPS", "LONGEST_GAP", "NUMBER_SPLITS", "NUMBER_MERGES",
    "NUMBER_COMPLEX", "TRACK_DURATION", "TRACK_START", "TRACK_STOP", "TRACK_DISPLACEMENT",
    "TRACK_X_LOCATION", "TRACK_Y_LOCATION", "TRACK_Z_LOCATION", "TRACK_MEAN_SPEED",
    "TRACK_MAX_SPEED", "TRACK_MIN_SPEED", "TRACK_MEDIAN_SPEED", "TRACK_STD_SPEED",
    "TRACK_MEAN_QUALITY"
  };

  static void assertClose(double expected, double actual, String what) {
    if (Double.isNaN(expected)) {
      assertTrue(Double.isNaN(actual), what + ": expected NaN, got " + actual);
      return;
    }
    double tol = 1e-9 * Math.max(1, Math.abs(expected));
    assertEquals(expected, actual, tol, what);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "reader/FakeTracks_TrackMate-3.4.2.xml",
        "reader/FakeTracks_crop_TrackMate-3.7.0.xml",
        "lap-conformance/trackmate_tracks_without_gap_closing.xml",
        "lap-conformance/trackmate_tracks_with_gap_closing.xml",
        "lap-conformance/trackmate_tracks_with_splitting.xml",
        "lap-conformance/trackmate_tracks_with_merging.xml",
        "lap-conformance/trackmate_tracks_with_splitting_merging.xml",
      })
  void recomputedFeaturesEqualTheOnesTrackMateStored(String fixture) throws Exception {
    TrackMateXmlFile f = TrackMateXmlReader.read(Fixtures.trackmate(fixture));
    TrackModel model = f.document().model();
    TrackFeatureCalculator tracks = new TrackFeatureCalculator(model, f.document().calibration());
    EdgeFeatureCalculator edges = new EdgeFeatureCalculator(model, f.document().calibration());

    int edgeChecks = 0;
    for (Link l : model.links()) {
      Map<String, Double> stored = f.edgeFeatures(l.source(), l.target());
      Map<String, Double> mine = edges.compute(l);
      assertClose(stored.get("LINK_COST"), mine.get("LINK_COST"), "LINK_COST " + l);
      for (String k : EDGE_KEYS) {
        assertClose(stored.get(k), mine.get(k), k + " " + l);
        edgeChecks++;
      }
      // TrackMate < 7 called edge speed VELOCITY.
      Double speed = stored.containsKey("SPEED") ? stored.get("SPEED") : stored.get("VELOCITY");
      assertNotNull(speed);
      assertClose(speed, mine.get("SPEED"), "SPEED " + l);
    }
    assertTrue(edgeChecks > 0);

    Map<Set<Long>, TrackModel.Track> bySpots = new HashMap<>();
    for (TrackModel.Track t : model.tracks()) {
      Set<Long> ids = new HashSet<>();
      for (Spot s : t.spots()) {
        ids.add(s.id());
      }
      bySpots.put(ids, t);
    }
    List<String> checked = new ArrayList<>();
    for (TrackRecord r : f.tracks()) {
      TrackModel.Track t = bySpots.get(new HashSet<>(r.spotIds()));
      assertNotNull(t, r.name());
      Map<String, Double> mine = tracks.compute(t);
      for (String k : TRACK_KEYS) {
        assertClose(r.features().get(k), mine.get(k), r.name() + " " + k);
      }
      checked.add(r.name());
    }
    assertEquals(f.tracks().size(), checked.size());
  }
}
