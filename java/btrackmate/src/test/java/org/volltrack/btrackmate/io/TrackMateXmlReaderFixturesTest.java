package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.Fixtures;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.TrackModel;
import org.volltrack.btrackmate.tracking.LapSettings;

/** Every real TrackMate file of the shared fixtures loads with the counts its README gives. */
class TrackMateXmlReaderFixturesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "reader/FakeTracks_TrackMate-3.4.2.xml, 3.4.2, 243, 4, 230",
    "reader/FakeTracks_crop_TrackMate-3.7.0.xml, 3.7.0, 68, 2, 10",
    "reader/LabelImage_TrackMate-7.0.0.xml, 7.0.0-SNAPSHOT, 469, 0, 0",
    "lap-conformance/trackmate_tracks_without_gap_closing.xml, 6.0.3, 134, 6, 127",
    "lap-conformance/trackmate_tracks_with_gap_closing.xml, 6.0.3, 134, 5, 128",
    "lap-conformance/trackmate_tracks_with_splitting.xml, 6.0.3, 134, 3, 130",
    "lap-conformance/trackmate_tracks_with_merging.xml, 6.0.3, 134, 4, 129",
    "lap-conformance/trackmate_tracks_with_splitting_merging.xml, 6.0.1, 183, 4, 180",
  })
  void fixtureLoadsWithTheDocumentedCounts(
      String fixture, String version, int spots, int tracks, int edges) throws Exception {
    Path p = Fixtures.trackmate(fixture);
    TrackMateXmlFile f = TrackMateXmlReader.read(p);
    TrackModel m = f.document().model();
    assertEquals(version, f.version());
    assertEquals(spots, m.spots().size());
    assertEquals(edges, m.links().size());
    assertEquals(tracks, m.tracks().size());
    assertEquals(tracks, f.tracks().size());
    int recordEdges = 0;
    for (TrackRecord t : f.tracks()) {
      recordEdges += t.links().size();
    }
    assertEquals(edges, recordEdges);
    // Every file track is exactly one connected component of the model.
    Set<Set<Long>> components = new HashSet<>();
    for (TrackModel.Track t : m.tracks()) {
      Set<Long> ids = new HashSet<>();
      for (Spot s : t.spots()) {
        ids.add(s.id());
      }
      components.add(ids);
    }
    for (TrackRecord t : f.tracks()) {
      assertTrue(components.contains(new HashSet<>(t.spotIds())), "track " + t.name());
    }
    // All tracks of these files are visible; edges point forward in time.
    List<Integer> ids = new ArrayList<>();
    for (TrackRecord t : f.tracks()) {
      ids.add(t.id());
    }
    assertEquals(ids, f.visibleTrackIds());
    m.links().forEach(l ->
        assertTrue(m.spots().get(l.source()).frame() < m.spots().get(l.target()).frame()));
    assertTrue(f.warnings().isEmpty(), () -> "warnings: " + f.warnings());
    assertNotNull(f.document().lapSettings());
  }

  @Test
  void fakeTracks342HasItsCalibrationDetectorAndLapSettings() throws Exception {
    TrackMateXmlFile f =
        TrackMateXmlReader.read(Fixtures.trackmate("reader/FakeTracks_TrackMate-3.4.2.xml"));
    TrackMateDocument d = f.document();
    assertEquals("pixel", d.calibration().spaceUnit());
    assertEquals("sec", d.calibration().timeUnit());
    assertEquals(1.0, d.calibration().dt());
    assertEquals(new ImageInfo("FakeTracks.tif", "", 128, 128, 1, 50), d.image());
    assertEquals("DOG_DETECTOR", d.detector().name());
    assertEquals("2.5", d.detector().attributes().get("RADIUS"));
    assertEquals("SPARSE_LAP_TRACKER", f.trackerName());
    LapSettings lap = d.lapSettings();
    assertTrue(lap.allowGapClosing() && lap.allowTrackSplitting() && lap.allowTrackMerging());
    assertEquals(2, lap.maxFrameGap());
    assertEquals(15.0, lap.linkingMaxDistance());
    // 50 SpotsInFrame elements, frames 0..49.
    assertEquals(50, d.model().spots().byFrame().size());
    Spot s = d.model().spots().get(3523);
    assertEquals(64.00410060550743, s.x());
    assertEquals(24.71483612060547, s.quality());
    assertEquals(2.5, s.radius());
    assertEquals(77.29729729729729, s.feature("MEAN_INTENSITY"));
    // POSITION_T equals FRAME × dt, so it is implied rather than stored.
    assertNull(s.feature("POSITION_T"));
  }

  @Test
  void crop370KeepsSpotVisibilityAndTheSpotFilter() throws Exception {
    TrackMateXmlFile f =
        TrackMateXmlReader.read(Fixtures.trackmate("reader/FakeTracks_crop_TrackMate-3.7.0.xml"));
    long invisible =
        f.document().model().spots().all().stream().filter(s -> !s.visible()).count();
    assertEquals(56, invisible);
    assertEquals(1, f.document().spotFilters().size());
    assertEquals("QUALITY", f.document().spotFilters().get(0).feature());
    assertEquals(4.330563169190551, f.document().spotFilters().get(0).value());
    assertTrue(f.document().spotFilters().get(0).isAbove());
    assertEquals(LapSettings.SIMPLE_TRACKER_KEY, f.document().trackerKey());
    assertEquals("Track_16", f.tracks().get(0).name());
    assertEquals(0, f.tracks().get(0).id());
  }

  @Test
  void labelImage700KeepsRoiPolygons() throws Exception {
    TrackMateXmlFile f =
        TrackMateXmlReader.read(Fixtures.trackmate("reader/LabelImage_TrackMate-7.0.0.xml"));
    TrackMateDocument d = f.document();
    assertEquals(469, d.roiSpotIds().size());
    double[] roi = d.roi(2470);
    assertEquals(2 * 82, roi.length);
    assertEquals(5.340836012861743, roi[0]);
    assertEquals(23.46302250803859, roi[1]);
    assertEquals("LABEL_IMAGE_DETECTOR", d.detector().name());
    assertEquals("frame", d.calibration().timeUnit());
    assertTrue(d.model().tracks().isEmpty());
    assertTrue(f.visibleTrackIds().isEmpty());
    // The file's own declarations, including its misspellings, are kept.
    assertTrue(f.edgeDeclarations().stream().anyMatch(x -> x.key().equals("MANUAL_EGE_COLOR")));
    assertTrue(f.trackDeclarations().stream().anyMatch(x -> x.key().equals("CONFINMENT_RATIO")));
    assertNull(d.btrackmateSettings());
  }
}
