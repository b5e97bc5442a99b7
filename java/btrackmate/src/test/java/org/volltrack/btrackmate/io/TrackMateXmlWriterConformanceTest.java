package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.Fixtures;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;

/** The writer's output meets TrackMate's loader requirements (spec §2.9) and checklist (§2.11). */
class TrackMateXmlWriterConformanceTest {

  private static byte[] bytes(TrackMateDocument doc) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrackMateXmlWriter.write(doc, out);
    return out.toByteArray();
  }

  @Test
  void sampleDocumentConforms() throws Exception {
    List<String> v = TrackMateConformance.violations(bytes(SampleDocuments.full()));
    assertEquals(Collections.emptyList(), v);
  }

  @Test
  void documentWithoutImageOrTrackerConforms() throws Exception {
    // Frames 2 and 4 only; the file must still list SpotsInFrame 0..4.
    List<Spot> spots =
        Arrays.asList(Spot.builder(7, 2, 1, 1, 0).build(), Spot.builder(8, 4, 2, 1, 0).build());
    TrackModel m = new TrackModel(SpotCollection.of(spots), Collections.singletonList(new Link(7, 8, 1)));
    byte[] xml = bytes(TrackMateDocument.builder(m).build());
    assertEquals(Collections.emptyList(), TrackMateConformance.violations(xml));
    String s = new String(xml, StandardCharsets.UTF_8);
    assertTrue(s.contains("<TrackerSettings TRACKER_NAME=\"MANUAL_TRACKER\"/>"));
    assertTrue(s.contains("DETECTOR_NAME=\"MANUAL_DETECTOR\""));
  }

  @Test
  void emptyModelConforms() throws Exception {
    TrackModel m = new TrackModel(SpotCollection.of(Collections.<Spot>emptyList()), Collections.<Link>emptyList());
    assertEquals(
        Collections.emptyList(), TrackMateConformance.violations(bytes(TrackMateDocument.builder(m).build())));
  }

  @Test
  void rewrittenFixtureConforms() throws Exception {
    TrackMateXmlFile f =
        TrackMateXmlReader.read(
            Fixtures.trackmate("lap-conformance/trackmate_tracks_with_splitting_merging.xml"));
    assertEquals(Collections.emptyList(), TrackMateConformance.violations(bytes(f.document())));
  }

  @Test
  void keysThatCannotBeAttributesAreRefused() {
    for (String key : new String[] {"mean intensity", "1ST", "ID", "name", "ROI_N_POINTS", "a<b"}) {
      Spot s = Spot.builder(1, 0, 1, 1, 0).feature(key, 1).build();
      TrackModel m = new TrackModel(SpotCollection.of(Collections.singletonList(s)), Collections.<Link>emptyList());
      TrackMateDocument doc = TrackMateDocument.builder(m).build();
      IllegalArgumentException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class, () -> bytes(doc), key);
      assertTrue(e.getMessage().contains(key), e.getMessage());
    }
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> new DetectorSettings("LOG_DETECTOR", Collections.singletonMap("RADIUS 2", "5.0")));
  }

  @Test
  void checkerFindsViolations() throws Exception {
    // The checker itself must be able to fail: break a conforming file in several ways.
    String good = new String(bytes(SampleDocuments.full()), StandardCharsets.UTF_8);
    List<String> broken = new ArrayList<>();
    broken.add(good.replace("<TrackID TRACK_ID=\"1\"/>", ""));
    broken.add(good.replace("<SpotsInFrame frame=\"4\"/>", ""));
    broken.add(good.replace("VISIBILITY=\"1\"", ""));
    broken.add(good.replace("SCORE=\"Infinity\"", "SCORE=\"inf\""));
    broken.add(good.replace("<Feature feature=\"VOLUME\"", "<Feature feature=\"VOLUMEX\""));
    broken.add(good.replace("SPOT_TARGET_ID=\"3\"", "SPOT_TARGET_ID=\"999\""));
    broken.add(good.replace("<InitialSpotFilter", "<NotInitialSpotFilter"));
    broken.add(good.replace("state=\"ConfigureViews\"", "state=\"Start\""));
    broken.add(good.replace("version=\"7.14.0\"", "version=\"2.0.1\""));
    for (String b : broken) {
      assertTrue(!b.equals(good), "the replacement must change the file");
      assertTrue(
          !TrackMateConformance.violations(b.getBytes(StandardCharsets.UTF_8)).isEmpty(),
          "a broken file passed the check");
    }
  }
}
