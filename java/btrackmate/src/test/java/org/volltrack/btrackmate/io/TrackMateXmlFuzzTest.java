package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.volltrack.btrackmate.FuzzSeeds;
import org.volltrack.btrackmate.FuzzValues;
import org.volltrack.btrackmate.model.Calibration;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;

/**
 * Property-based tests of the TrackMate XML writer and reader: generated models (extreme and
 * non-finite feature values, divisions, merges, gap-closing links, unicode names and units) come
 * back losslessly; truncated or mutated files either read (and then write and read back the same)
 * or throw one {@link TrackMateXmlException} with a one-line message naming the file — never
 * another exception.
 */
@AddLifecycleHook(FuzzSeeds.class)
class TrackMateXmlFuzzTest {

  static final String SOURCE = "fuzz/tracks.xml";

  private static final String[] FEATURE_KEYS = {
    "SCORE", "MEAN_INTENSITY_CH1", "LABEL", "VOLUME", "X_1", "a.b-c", "MANUAL_SPOT_COLOR",
    "INSIDE_TISSUE", "_", "ELLIPSE_MAJOR"
  };

  /** A random document and the model it must come back as. */
  static TrackMateDocument randomDocument(Random r) {
    int frames = 1 + r.nextInt(8);
    double dt = FuzzValues.positive(r);
    int n = r.nextInt(30);
    List<Spot> spots = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < n; i++) {
      int id;
      do {
        id = r.nextBoolean() ? r.nextInt(64) : r.nextInt(Integer.MAX_VALUE);
      } while (!ids.add(id));
      Spot.Builder b =
          Spot.builder(id, r.nextInt(frames), FuzzValues.finite(r), FuzzValues.finite(r), FuzzValues.finite(r))
              .radius(FuzzValues.any(r))
              .quality(FuzzValues.any(r))
              .visible(r.nextInt(4) > 0);
      if (r.nextInt(4) > 0) {
        b.name(FuzzValues.unicode(r, 10));
      }
      int nf = r.nextInt(4);
      for (int f = 0; f < nf; f++) {
        b.feature(FuzzValues.oneOf(r, FEATURE_KEYS), FuzzValues.any(r));
      }
      if (r.nextInt(5) == 0) {
        b.feature(FeatureKeys.POSITION_T, FuzzValues.finite(r));
      }
      spots.add(b.build());
    }
    SpotCollection collection = SpotCollection.of(spots, 0, frames - 1);
    // Links: chains, divisions (two targets), merges (two sources), gaps (Δframe > 1).
    List<Link> links = new ArrayList<>();
    Set<String> pairs = new HashSet<>();
    int tries = r.nextInt(3 * n + 1);
    for (int t = 0; t < tries; t++) {
      Spot a = spots.get(r.nextInt(n));
      Spot b = spots.get(r.nextInt(n));
      if (a.frame() >= b.frame() || !pairs.add(a.id() + ">" + b.id())) {
        continue;
      }
      links.add(new Link(a.id(), b.id(), FuzzValues.any(r)));
    }
    TrackModel model = new TrackModel(collection, links);
    Calibration cal =
        Calibration.of(
            FuzzValues.positive(r), FuzzValues.positive(r), FuzzValues.positive(r), dt,
            FuzzValues.unicode(r, 4), FuzzValues.unicode(r, 4));
    return TrackMateDocument.builder(model).calibration(cal).log(FuzzValues.unicode(r, 40)).build();
  }

  @Provide
  Arbitrary<TrackMateDocument> documents() {
    return Arbitraries.randomValue(TrackMateXmlFuzzTest::randomDocument);
  }

  static byte[] write(TrackMateDocument doc) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrackMateXmlWriter.write(doc, out);
    return out.toByteArray();
  }

  /** The model as the reader gives it: POSITION_T only where it is not frame × dt. */
  static TrackModel expectedModel(TrackMateDocument doc) {
    double dt = doc.calibration().dt();
    SpotCollection spots =
        doc.model()
            .spots()
            .map(
                s -> {
                  Double t = s.features().get(FeatureKeys.POSITION_T);
                  if (t == null || Double.compare(t, s.frame() * dt) != 0) {
                    return s;
                  }
                  Spot.Builder b = Spot.builder(s.id(), s.frame(), s.x(), s.y(), s.z())
                      .radius(s.radius()).quality(s.quality()).visible(s.visible()).name(s.name());
                  s.features().forEach((k, v) -> {
                    if (!k.equals(FeatureKeys.POSITION_T)) {
                      b.feature(k, v);
                    }
                  });
                  return b.build();
                });
    return new TrackModel(spots, doc.model().links());
  }

  /** Field by field, so that a failure says which field of which spot differs. */
  static void assertSameSpots(List<Spot> expected, List<Spot> actual) {
    assertEquals(expected.size(), actual.size(), "number of spots");
    for (int i = 0; i < expected.size(); i++) {
      Spot a = expected.get(i);
      Spot b = actual.get(i);
      String where = "spot " + a.id();
      assertEquals(a.id(), b.id(), where);
      assertEquals(escape(a.name()), escape(b.name()), where + " name");
      assertEquals(a.radius(), b.radius(), where + " radius");
      assertEquals(a.quality(), b.quality(), where + " quality");
      assertEquals(a.visible(), b.visible(), where + " visibility");
      assertEquals(a.features(), b.features(), where + " features");
      assertEquals(a, b, where);
    }
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u{%x}", c) : String.valueOf((char) c)));
    return sb.toString();
  }

  @Property
  void generatedModelsComeBackLosslessly(@ForAll("documents") TrackMateDocument doc)
      throws Exception {
    byte[] xml = write(doc);
    TrackMateXmlFile back = TrackMateXmlReader.read(new ByteArrayInputStream(xml), SOURCE);
    TrackMateDocument d = back.document();
    assertSameSpots(expectedModel(doc).spots().all(), d.model().spots().all());
    TrackMateXmlRoundTripTest.assertSameModel(expectedModel(doc), d.model());
    assertEquals(doc.calibration(), d.calibration());
    assertEquals(doc.log().replace("\r\n", "\n").replace('\r', '\n'), d.log());
    assertEquals(doc.model().tracks().size(), back.tracks().size());
  }

  // ---- damaged files ------------------------------------------------------------------------------

  /** Reads; a usable document (which then writes and reads back the same) or one clean error. */
  static void readOrFailCleanly(byte[] bytes) throws Exception {
    TrackMateXmlFile file;
    try {
      file = TrackMateXmlReader.read(new ByteArrayInputStream(bytes), SOURCE);
    } catch (TrackMateXmlException e) {
      String m = e.getMessage();
      CellsCsvReaderFuzzTest.assertOneLine(m);
      assertTrue(m.startsWith(SOURCE), m);
      return;
    }
    byte[] again = write(file.document());
    TrackMateXmlFile second = TrackMateXmlReader.read(new ByteArrayInputStream(again), SOURCE);
    // The writer writes a SpotsInFrame for every frame 0..last (as TrackMate does), so the frame
    // keys may grow; spots, links and tracks stay.
    TrackModel a = file.document().model();
    TrackModel b = second.document().model();
    assertSameSpots(a.spots().all(), b.spots().all());
    assertEquals(a.links(), b.links());
    assertEquals(a.tracks().size(), b.tracks().size());
  }

  private static final String[] TOKENS = {
    "<!DOCTYPE TrackMate>", "<!DOCTYPE x [<!ENTITY e \"v\">]>", "&amp;", "&xxe;", "&#0;", "&#x10FFFF;",
    "&#xD800;", "<", ">", "\"", "'", "]]>", "<![CDATA[x]]>", "<?pi x?>", "<!-- c -->",
    "<Spot ID=\"1\" POSITION_X=\"0\" POSITION_Y=\"0\" POSITION_Z=\"0\"/>",
    "<Edge SPOT_SOURCE_ID=\"1\" SPOT_TARGET_ID=\"1\"/>", "<Track TRACK_ID=\"0\"/>", "<TrackID TRACK_ID=\"9\"/>",
    "NaN", "inf", "-1", "99999999999", "1e999", "-0", " ID=\"5\"", " POSITION_X=\"x\"", " FRAME=\"7\"",
    " é=\"1\"", " a:b=\"1\"", " xmlns:a=\"u\"", " ROI_N_POINTS=\"3\"", "</Model>", "<Settings/>",
    "<Model/>", "\u0000", "\uFEFF", "</TrackMate>", "<TrackMate version=\"7\">", " name=\"\"",
    "<SpotsInFrame frame=\"3\"/>", "<BTrackmate>{</BTrackmate>", "<BTrackmate>{\"version\":1}</BTrackmate>"
  };

  @Provide
  Arbitrary<byte[]> damagedFiles() {
    return Arbitraries.randomValue(
        r -> {
          String xml = new String(safeWrite(randomDocument(r)), StandardCharsets.UTF_8);
          int mutations = 1 + r.nextInt(3);
          for (int m = 0; m < mutations && !xml.isEmpty(); m++) {
            int at = r.nextInt(xml.length());
            int len = Math.min(xml.length() - at, 1 + r.nextInt(20));
            switch (r.nextInt(6)) {
              case 0:
                xml = xml.substring(0, at);
                break;
              case 1:
                xml = xml.substring(0, at) + xml.substring(at + len);
                break;
              case 2:
                xml = xml.substring(0, at) + FuzzValues.oneOf(r, TOKENS) + xml.substring(at);
                break;
              case 3: { // replace an attribute value
                int q = xml.indexOf("=\"", at);
                int end = q < 0 ? -1 : xml.indexOf('"', q + 2);
                if (end > 0) {
                  String v = r.nextBoolean() ? FuzzValues.oneOf(r, TOKENS) : FuzzValues.unicode(r, 4);
                  xml = xml.substring(0, q + 2) + v + xml.substring(end);
                }
                break;
              }
              case 4: { // duplicate a line
                int s = xml.lastIndexOf('\n', at) + 1;
                int e = xml.indexOf('\n', at);
                if (e > s) {
                  xml = xml.substring(0, e + 1) + xml.substring(s, e + 1) + xml.substring(e + 1);
                }
                break;
              }
              default: { // drop a line
                int s = xml.lastIndexOf('\n', at) + 1;
                int e = xml.indexOf('\n', at);
                if (e > s) {
                  xml = xml.substring(0, s) + xml.substring(e + 1);
                }
              }
            }
          }
          return xml.getBytes(StandardCharsets.UTF_8);
        });
  }

  private static byte[] safeWrite(TrackMateDocument doc) {
    try {
      return write(doc);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Property
  void damagedFilesGiveADocumentOrOneCleanError(@ForAll("damagedFiles") byte[] xml) throws Exception {
    readOrFailCleanly(xml);
  }

  @Property
  void arbitraryBytesGiveADocumentOrOneCleanError(@ForAll @Size(max = 300) byte[] bytes)
      throws Exception {
    readOrFailCleanly(bytes);
  }
}
