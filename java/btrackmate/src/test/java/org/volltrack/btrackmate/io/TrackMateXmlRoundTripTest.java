package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.volltrack.btrackmate.Fixtures;
import org.volltrack.btrackmate.features.TrackFeatureCalculator;
import org.volltrack.btrackmate.model.Calibration;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;

/** Write → read gives back what was written; a fixture read in and written again keeps its model. */
class TrackMateXmlRoundTripTest {

  @TempDir Path tmp;

  static TrackMateXmlFile writeRead(TrackMateDocument doc) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrackMateXmlWriter.write(doc, out);
    return TrackMateXmlReader.read(new ByteArrayInputStream(out.toByteArray()), "memory");
  }

  static void assertSameModel(TrackModel expected, TrackModel actual) {
    assertEquals(expected.spots().byFrame().keySet(), actual.spots().byFrame().keySet());
    assertEquals(expected.spots().all(), actual.spots().all()); // Spot.equals: every field, features
    assertEquals(expected.links(), actual.links()); // Link.equals: ends and cost
    assertEquals(expected.tracks().size(), actual.tracks().size());
    for (int i = 0; i < expected.tracks().size(); i++) {
      assertEquals(expected.tracks().get(i).spots(), actual.tracks().get(i).spots());
    }
  }

  @Test
  void writeThenReadIsLossless() throws Exception {
    TrackMateDocument doc = SampleDocuments.full();
    Path file = tmp.resolve("tracks.xml");
    TrackMateXmlWriter.write(doc, file);
    TrackMateXmlFile back = TrackMateXmlReader.read(file);
    TrackMateDocument d = back.document();

    assertSameModel(doc.model(), d.model());
    assertEquals(1.0 / 3, d.model().links().get(3).cost());
    assertTrue(Double.isNaN(d.model().spots().get(1).feature("SCORE")));
    assertEquals(2.5, d.model().spots().get(3).feature("LABEL"));
    assertEquals(9.75, d.model().spots().get(12).feature("POSITION_T"));
    assertEquals("mother <&\"'>", d.model().spots().get(1).name());
    assertEquals(doc.calibration(), d.calibration());
    assertEquals(doc.image(), d.image());
    assertEquals(doc.detector(), d.detector());
    assertEquals(doc.initialQualityThreshold(), d.initialQualityThreshold());
    assertEquals(doc.spotFilters(), d.spotFilters());
    assertEquals(doc.trackFilters(), d.trackFilters());
    assertEquals(doc.lapSettings(), d.lapSettings());
    assertEquals(doc.trackerKey(), d.trackerKey());
    assertEquals(doc.btrackmateSettings(), d.btrackmateSettings());
    assertEquals("BTrackmate test run\nline 2  with a control character", d.log());
    for (Map.Entry<String, org.volltrack.btrackmate.features.FeatureDeclaration> e :
        doc.spotDeclarations().entrySet()) {
      assertEquals(e.getValue(), d.spotDeclarations().get(e.getKey()));
    }
    assertEquals(doc.roiSpotIds(), d.roiSpotIds());
    assertArrayEquals(doc.roi(3), d.roi(3));
    assertEquals("7.14.0", back.version());
    assertEquals("SPARSE_LAP_TRACKER", back.trackerName());
    assertTrue(back.warnings().isEmpty(), () -> "warnings: " + back.warnings());

    // The file's tracks are the model's, named Track_<id>, all visible, with the computed features.
    TrackFeatureCalculator calc = new TrackFeatureCalculator(doc.model(), doc.calibration());
    assertEquals(Arrays.asList(0, 1), back.visibleTrackIds());
    for (TrackRecord r : back.tracks()) {
      TrackModel.Track t = doc.model().tracks().get(r.id());
      assertEquals("Track_" + t.id(), r.name());
      assertEquals(t.links(), sorted(r.links()));
      Map<String, Double> expected = calc.compute(t);
      for (Map.Entry<String, Double> e : expected.entrySet()) {
        assertEquals(e.getValue(), r.features().get(e.getKey()), e.getKey());
      }
    }
    Map<String, Double> edge = back.edgeFeatures(2, 3);
    Map<String, Double> expectedEdge = new org.volltrack.btrackmate.features.EdgeFeatureCalculator(doc.model(), doc.calibration())
            .compute(doc.model().links().get(1));
    assertEquals(expectedEdge, edge);
  }

  private static List<org.volltrack.btrackmate.model.Link> sorted(
      List<org.volltrack.btrackmate.model.Link> links) {
    List<org.volltrack.btrackmate.model.Link> out = new ArrayList<>(links);
    out.sort(
        (a, b) ->
            a.source() != b.source()
                ? Long.compare(a.source(), b.source())
                : Long.compare(a.target(), b.target()));
    return out;
  }

  @Test
  void minimalDocumentWithoutSettingsRoundTripsWithDefaults() throws Exception {
    List<Spot> spots =
        Arrays.asList(Spot.builder(5, 0, 1, 2, 0).radius(3).build(), Spot.builder(6, 2, 2, 2, 0).radius(5).build());
    TrackModel model = new TrackModel(SpotCollection.of(spots, 0, 2), Collections.emptyList());
    TrackMateDocument doc = TrackMateDocument.builder(model).build();
    TrackMateXmlFile back = writeRead(doc);
    assertSameModel(model, back.document().model());
    assertEquals(Calibration.pixels(), back.document().calibration());
    assertNull(back.document().lapSettings());
    assertEquals("MANUAL_TRACKER", back.trackerName());
    assertEquals(DetectorSettings.manual(4.0), back.document().detector());
    assertNull(back.document().btrackmateSettings());
    // The image size was derived from the spot extents: x + r = 7 → 8 px, 3 frames.
    assertEquals(new ImageInfo("", "", 8, 8, 1, 3), back.document().image());
    assertTrue(back.tracks().isEmpty());
  }

  @Test
  void spotsWithANanRadiusAreWrittenWithADerivedImageSize() throws Exception {
    // Found by TrackMateXmlFuzzTest: a RADIUS="NaN" (which the reader accepts) made the derived
    // image width NaN → 0, and the writer failed with "image sizes must be >= 1".
    List<Spot> spots =
        Arrays.asList(
            Spot.builder(1, 0, 4, 2, 0).radius(Double.NaN).build(),
            Spot.builder(2, 1, 1, 6, 0).radius(1).build());
    TrackModel model = new TrackModel(SpotCollection.of(spots, 0, 1), Collections.emptyList());
    TrackMateXmlFile back = writeRead(TrackMateDocument.builder(model).build());
    assertSameModel(model, back.document().model());
    assertEquals(new ImageInfo("", "", 5, 8, 1, 2), back.document().image());
  }

  @Test
  void tabsAndLineBreaksInNamesAndUnitsComeBack() throws Exception {
    // Found by TrackMateXmlFuzzTest: attribute values were written with literal tabs and line
    // breaks, which every XML reader turns into spaces.
    List<Spot> spots =
        Arrays.asList(Spot.builder(1, 0, 0, 0, 0).name("a\tb\nc\r\nd\re ").build());
    TrackModel model = new TrackModel(SpotCollection.of(spots, 0, 0), Collections.emptyList());
    Calibration cal = Calibration.of(1, 1, 1, 1, "µ\nm", "s\t");
    TrackMateXmlFile back = writeRead(TrackMateDocument.builder(model).calibration(cal).build());
    assertEquals("a\tb\nc\r\nd\re ", back.document().model().spots().get(1).name());
    assertEquals(cal, back.document().calibration());
  }

  @Test
  void tracksWhoseTimesAreAllInfiniteAreWritten() throws Exception {
    // Found by TrackMateXmlFuzzTest: with every POSITION_T infinite or NaN (a file may say so) the track
    // feature calculator found no first spot and the writer failed with a NullPointerException.
    List<Spot> spots =
        Arrays.asList(
            Spot.builder(1, 0, 0, 0, 0).feature("POSITION_T", Double.POSITIVE_INFINITY).build(),
            Spot.builder(2, 1, 1, 0, 0).feature("POSITION_T", Double.POSITIVE_INFINITY).build(),
            Spot.builder(3, 2, 2, 0, 0).feature("POSITION_T", Double.POSITIVE_INFINITY).build());
    TrackModel model =
        new TrackModel(
            SpotCollection.of(spots, 0, 2),
            Arrays.asList(
                new org.volltrack.btrackmate.model.Link(1, 2, 1),
                new org.volltrack.btrackmate.model.Link(2, 3, 1)));
    TrackMateXmlFile back = writeRead(TrackMateDocument.builder(model).build());
    assertSameModel(model, back.document().model());
    assertEquals(1, back.tracks().size());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "reader/FakeTracks_TrackMate-3.4.2.xml",
        "reader/FakeTracks_crop_TrackMate-3.7.0.xml",
        "reader/LabelImage_TrackMate-7.0.0.xml",
        "lap-conformance/trackmate_tracks_with_splitting_merging.xml",
      })
  void fixtureReadWrittenAndReadAgainKeepsItsModelAndSettings(String fixture) throws Exception {
    TrackMateXmlFile first = TrackMateXmlReader.read(Fixtures.trackmate(fixture));
    Path out = tmp.resolve("rewritten.xml");
    TrackMateXmlWriter.write(first.document(), out);
    TrackMateXmlFile second = TrackMateXmlReader.read(out);
    TrackMateDocument a = first.document();
    TrackMateDocument b = second.document();
    assertSameModel(a.model(), b.model());
    assertEquals(first.tracks().size(), second.tracks().size());
    assertEquals(a.calibration(), b.calibration());
    assertEquals(a.image(), b.image());
    assertEquals(a.detector(), b.detector());
    assertEquals(a.spotFilters(), b.spotFilters());
    assertEquals(a.trackFilters(), b.trackFilters());
    assertEquals(a.lapSettings(), b.lapSettings());
    assertEquals(a.trackerKey(), b.trackerKey());
    assertEquals(a.log().replace("\r\n", "\n").replace('\r', '\n'), b.log(), "log, line ends as \\n");
    assertEquals(a.roiSpotIds(), b.roiSpotIds());
    for (long id : a.roiSpotIds()) {
      assertArrayEquals(a.roi(id), b.roi(id));
    }
    // Spot declarations of the fixture survive (e.g. MANUAL_COLOR declared as an integer).
    assertEquals(
        declarationKeys(first.spotDeclarations()), declarationKeys(second.spotDeclarations()));
    assertTrue(second.warnings().isEmpty(), () -> "warnings: " + second.warnings());
  }

  private static List<String> declarationKeys(List<org.volltrack.btrackmate.features.FeatureDeclaration> d) {
    List<String> out = new ArrayList<>();
    for (org.volltrack.btrackmate.features.FeatureDeclaration x : d) {
      out.add(x.key());
    }
    Collections.sort(out);
    return out;
  }

  @Test
  void outputIsUtf8WithTrackMateStyleNumbers() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrackMateXmlWriter.write(SampleDocuments.full(), out);
    String xml = new String(out.toByteArray(), StandardCharsets.UTF_8);
    assertTrue(xml.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), xml.substring(0, 60));
    assertTrue(xml.contains("spatialunits=\"µm\""));
    assertTrue(xml.contains("SCORE=\"Infinity\""));
    assertTrue(xml.contains("SCORE=\"-Infinity\""));
    assertTrue(xml.contains("SCORE=\"NaN\""));
    assertTrue(xml.contains("LABEL=\"17\""), "declared-int features are written as integers");
    assertTrue(xml.contains("LABEL=\"2.5\""), "a non-integral value of an int feature stays exact");
    assertEquals("-0.0", TrackMateXmlWriter.number(-0.0, true), "-0.0 of an int feature stays -0.0");
    assertEquals("0", TrackMateXmlWriter.number(0.0, true));
    assertTrue(xml.contains("QUALITY=\"1.0E-7\""));
    assertTrue(xml.contains("QUALITY=\"2.5E12\""));
    assertTrue(xml.contains("ROI_N_POINTS=\"4\">-1.0 -1.0 1.0 -1.0 1.0 1.0 -1.0 1.5 </Spot>"));
    assertTrue(xml.contains("\n    <AllSpots nspots=\"9\">\n      <SpotsInFrame frame=\"0\">"));
    assertTrue(xml.contains("<SpotsInFrame frame=\"4\"/>") || xml.contains("<SpotsInFrame frame=\"4\" />"));
    assertTrue(!xml.contains("inf\"") && !xml.contains("nan\""));
  }
}
