package org.volltrack.btrackmate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.volltrack.btrackmate.Fixtures;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

class LapSettingsXmlTest {

  static Element trackerSettings(Path xml) throws Exception {
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
    return (Element) doc.getElementsByTagName("TrackerSettings").item(0);
  }

  private static Element parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new InputSource(new StringReader(xml)))
        .getDocumentElement();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "lap-conformance/trackmate_tracks_without_gap_closing.xml",
        "lap-conformance/trackmate_tracks_with_gap_closing.xml",
        "lap-conformance/trackmate_tracks_with_splitting.xml",
        "lap-conformance/trackmate_tracks_with_merging.xml",
        "lap-conformance/trackmate_tracks_with_splitting_merging.xml",
        "reader/FakeTracks_TrackMate-3.4.2.xml",
        "reader/FakeTracks_crop_TrackMate-3.7.0.xml",
        "reader/LabelImage_TrackMate-7.0.0.xml"
      })
  void readsEveryFixture(String name) throws Exception {
    Element e = trackerSettings(Fixtures.trackmate(name));
    LapSettings s = LapSettingsXml.read(e);
    assertEquals(15.0, s.linkingMaxDistance());
    assertEquals(15.0, s.gapClosingMaxDistance());
    assertEquals(2, s.maxFrameGap());
    assertEquals(0.9, s.cutoffPercentile());
    assertEquals(1.05, s.alternativeLinkingCostFactor());
    assertEquals(Double.POSITIVE_INFINITY, s.blockingValue());
    assertEquals(name.contains("split") || name.contains("3.4.2"), s.allowTrackSplitting());
    // Writing back gives the same element, attribute for attribute.
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
    Element w = LapSettingsXml.write(doc, s, LapSettingsXml.trackerKey(e));
    assertTrue(w.isEqualNode(stripWhitespace(e)), "round trip of " + name);
  }

  @Test
  void readsFlagsOfTheMergingFixture() throws Exception {
    LapSettings s =
        LapSettingsXml.read(
            trackerSettings(Fixtures.trackmate("lap-conformance/trackmate_tracks_with_merging.xml")));
    assertTrue(s.allowGapClosing());
    assertTrue(s.allowTrackMerging());
    assertFalse(s.allowTrackSplitting());
  }

  private static Element stripWhitespace(Element e) throws Exception {
    Element copy = (Element) e.cloneNode(true);
    strip(copy);
    return copy;
  }

  private static void strip(org.w3c.dom.Node n) {
    org.w3c.dom.NodeList kids = n.getChildNodes();
    for (int i = kids.getLength() - 1; i >= 0; i--) {
      org.w3c.dom.Node k = kids.item(i);
      if (k.getNodeType() == org.w3c.dom.Node.TEXT_NODE && k.getNodeValue().trim().isEmpty()) {
        n.removeChild(k);
      } else {
        strip(k);
      }
    }
  }

  @Test
  void writesTrackMatesLayoutAndNumbers() throws Exception {
    Map<String, Double> pen = new LinkedHashMap<>();
    pen.put("MEAN_INTENSITY_CH1", 1.0);
    pen.put("QUALITY", 0.25);
    LapSettings s =
        LapSettings.builder()
            .gapClosingFeaturePenalties(pen)
            .maxFrameGap(3)
            .allowTrackSplitting(true)
            .singletonGapClosing(true)
            .kalmanSearchRadius(12)
            .build();
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
    Element e = LapSettingsXml.write(doc, s);
    doc.appendChild(e);
    StringWriter out = new StringWriter();
    javax.xml.transform.Transformer t = TransformerFactory.newInstance().newTransformer();
    t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
    t.transform(new DOMSource(doc), new StreamResult(out));
    String xml = out.toString();
    assertTrue(xml.contains("TRACKER_NAME=\"SPARSE_LAP_TRACKER\""), xml);
    assertTrue(xml.contains("BLOCKING_VALUE=\"Infinity\""), xml);
    assertTrue(xml.contains("MAX_FRAME_GAP=\"3\""), xml);
    assertTrue(xml.contains("LINKING_MAX_DISTANCE=\"15.0\""), xml);
    assertTrue(xml.contains("ALLOW_TRACK_SPLITTING=\"true\""), xml);
    assertTrue(xml.contains("<FeaturePenalties MEAN_INTENSITY_CH1=\"1.0\" QUALITY=\"0.25\"/>"), xml);
    assertFalse(xml.contains("SINGLETON"), xml);
    assertFalse(xml.contains("KALMAN"), xml);
    LapSettings back = LapSettingsXml.read(parse(xml));
    assertEquals(
        s.toBuilder().singletonGapClosing(false).clearKalmanSearchRadius().build(), back);
    Element withKalman = parse(xml.replace("BLOCKING_VALUE=", "KALMAN_SEARCH_RADIUS=\"12.0\" BLOCKING_VALUE="));
    assertEquals(12.0, LapSettingsXml.read(withKalman).kalmanSearchRadius().getAsDouble());
  }

  @Test
  void rejectsOtherTrackers() throws Exception {
    Element e = parse("<TrackerSettings TRACKER_NAME=\"KALMAN_TRACKER\" LINKING_MAX_DISTANCE=\"15.0\"/>");
    String m = assertThrows(IllegalArgumentException.class, () -> LapSettingsXml.read(e)).getMessage();
    assertTrue(m.contains("KALMAN_TRACKER") && m.contains("SPARSE_LAP_TRACKER"), m);
    Element noKey = parse("<TrackerSettings/>");
    m = assertThrows(IllegalArgumentException.class, () -> LapSettingsXml.read(noKey)).getMessage();
    assertTrue(m.contains("TRACKER_NAME") && m.contains("missing"), m);
  }

  @Test
  void rejectsMissingPartsAndBadValues() throws Exception {
    String head =
        "<TrackerSettings TRACKER_NAME=\"SPARSE_LAP_TRACKER\" CUTOFF_PERCENTILE=\"0.9\""
            + " ALTERNATIVE_LINKING_COST_FACTOR=\"1.05\" BLOCKING_VALUE=\"Infinity\">";
    String linking = "<Linking LINKING_MAX_DISTANCE=\"15.0\"><FeaturePenalties/></Linking>";
    String gap =
        "<GapClosing ALLOW_GAP_CLOSING=\"true\" GAP_CLOSING_MAX_DISTANCE=\"15.0\" MAX_FRAME_GAP=\"2\">"
            + "<FeaturePenalties/></GapClosing>";
    String split =
        "<TrackSplitting ALLOW_TRACK_SPLITTING=\"false\" SPLITTING_MAX_DISTANCE=\"15.0\">"
            + "<FeaturePenalties/></TrackSplitting>";
    String merge =
        "<TrackMerging ALLOW_TRACK_MERGING=\"false\" MERGING_MAX_DISTANCE=\"15.0\">"
            + "<FeaturePenalties/></TrackMerging>";
    assertEquals(
        LapSettings.defaults(),
        LapSettingsXml.read(parse(head + linking + gap + split + merge + "</TrackerSettings>")));
    Element missing = parse(head + linking + gap + split + "</TrackerSettings>");
    String m = assertThrows(IllegalArgumentException.class, () -> LapSettingsXml.read(missing)).getMessage();
    assertTrue(m.contains("TrackMerging") && m.contains("missing"), m);
    Element bad =
        parse(head.replace("\"0.9\"", "\"1.9\"") + linking + gap + split + merge + "</TrackerSettings>");
    m = assertThrows(IllegalArgumentException.class, () -> LapSettingsXml.read(bad)).getMessage();
    assertTrue(m.contains("CUTOFF_PERCENTILE"), m);
    Element noAttr =
        parse(head + linking + gap.replace(" MAX_FRAME_GAP=\"2\"", "") + split + merge + "</TrackerSettings>");
    m = assertThrows(IllegalArgumentException.class, () -> LapSettingsXml.read(noAttr)).getMessage();
    assertTrue(m.contains("GapClosing") && m.contains("MAX_FRAME_GAP"), m);
    Element pen =
        parse(
            head
                + linking.replace("<FeaturePenalties/>", "<FeaturePenalties QUALITY=\"x\"/>")
                + gap + split + merge + "</TrackerSettings>");
    m = assertThrows(IllegalArgumentException.class, () -> LapSettingsXml.read(pen)).getMessage();
    assertTrue(m.contains("QUALITY"), m);
    assertEquals(
        Collections.singletonMap("QUALITY", 2.0),
        LapSettingsXml.read(
                parse(
                    head
                        + linking.replace("<FeaturePenalties/>", "<FeaturePenalties QUALITY=\"2\"/>")
                        + gap + split + merge + "</TrackerSettings>"))
            .linkingFeaturePenalties());
  }
}
