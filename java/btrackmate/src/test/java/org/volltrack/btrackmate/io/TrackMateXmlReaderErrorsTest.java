package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad files give one clear {@link TrackMateXmlException}; what TrackMate tolerates is tolerated. */
class TrackMateXmlReaderErrorsTest {

  @TempDir Path tmp;

  private static final String SPOTS =
      "    <AllSpots nspots=\"2\">\n"
          + "      <SpotsInFrame frame=\"0\">\n"
          + "        <Spot ID=\"1\" name=\"a\" POSITION_X=\"1.0\" POSITION_Y=\"2.0\" POSITION_Z=\"0.0\""
          + " POSITION_T=\"0.0\" FRAME=\"0\" RADIUS=\"1.0\" QUALITY=\"1.0\" VISIBILITY=\"1\"/>\n"
          + "      </SpotsInFrame>\n"
          + "      <SpotsInFrame frame=\"1\">\n"
          + "        <Spot ID=\"2\" name=\"b\" POSITION_X=\"1.5\" POSITION_Y=\"2.0\" POSITION_Z=\"0.0\""
          + " POSITION_T=\"1.0\" FRAME=\"1\" RADIUS=\"1.0\" QUALITY=\"1.0\" VISIBILITY=\"1\"/>\n"
          + "      </SpotsInFrame>\n"
          + "    </AllSpots>\n";
  private static final String TRACKS =
      "    <AllTracks>\n"
          + "      <Track name=\"Track_0\" TRACK_ID=\"0\">\n"
          + "        <Edge SPOT_SOURCE_ID=\"2\" SPOT_TARGET_ID=\"1\" LINK_COST=\"0.25\"/>\n"
          + "      </Track>\n"
          + "    </AllTracks>\n"
          + "    <FilteredTracks><TrackID TRACK_ID=\"0\"/></FilteredTracks>\n";

  private static String file(String version, String model, String settings) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TrackMate version=\"" + version + "\">\n"
        + "  <Model spatialunits=\"micron\" timeunits=\"sec\">\n" + model + "  </Model>\n"
        + settings + "</TrackMate>\n";
  }

  private Path write(String content) throws Exception {
    Path p = tmp.resolve("test.xml");
    Files.write(p, content.getBytes(StandardCharsets.UTF_8));
    return p;
  }

  private TrackMateXmlException fails(String content) throws Exception {
    Path p = write(content);
    TrackMateXmlException e = assertThrows(TrackMateXmlException.class, () -> TrackMateXmlReader.read(p));
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }

  @Test
  void minimalFileWithoutSettingsReadsAndOrientsEdgesForward() throws Exception {
    TrackMateXmlFile f = TrackMateXmlReader.read(write(file("8.0.0-SNAPSHOT-f411154", SPOTS + TRACKS, "")));
    assertEquals(2, f.document().model().spots().size());
    assertEquals(1, f.document().model().links().size());
    assertEquals(1, f.document().model().links().get(0).source());
    assertEquals(0.25, f.document().model().links().get(0).cost());
    assertEquals("micron", f.document().calibration().spaceUnit());
    assertNull(f.document().image());
    assertEquals(0.25, f.edgeFeatures(2, 1).get("LINK_COST"));
  }

  @Test
  void malformedXmlNamesTheLine() throws Exception {
    // </AllSpots> is missing: the end tag of <Model> does not match.
    TrackMateXmlException e = fails(file("7.0.0", SPOTS.replace("    </AllSpots>\n", "") + TRACKS, ""));
    assertTrue(e.getMessage().contains("malformed XML"), e.getMessage());
    assertTrue(e.line() > 1, "line " + e.line());
  }

  @Test
  void notXmlAtAll() throws Exception {
    assertTrue(fails("this is a CSV,1,2\n").getMessage().contains("malformed XML"));
  }

  @Test
  void wrongRoot() throws Exception {
    TrackMateXmlException e = fails("<?xml version=\"1.0\"?>\n<Tracks nTracks=\"0\"/>\n");
    assertTrue(e.getMessage().contains("expected the root element <TrackMate>, found <Tracks>"), e.getMessage());
    assertEquals("Tracks", e.element());
    assertEquals(2, e.line());
  }

  @Test
  void missingVersionAndOldVersions() throws Exception {
    assertTrue(
        fails(file("x", SPOTS + TRACKS, "").replace(" version=\"x\"", ""))
            .getMessage().contains("required attribute version"));
    assertTrue(fails(file("2.0.1", SPOTS + TRACKS, "")).getMessage().contains("older than 2.1.0"));
    assertTrue(fails(file("abc", SPOTS + TRACKS, "")).getMessage().contains("not a version number"));
  }

  @Test
  void missingRequiredElements() throws Exception {
    assertTrue(
        fails(file("7.0.0", SPOTS + TRACKS.replace("<FilteredTracks><TrackID TRACK_ID=\"0\"/></FilteredTracks>", ""), ""))
            .getMessage().contains("required element <FilteredTracks> is missing"));
    assertTrue(fails(file("7.0.0", TRACKS, "")).getMessage().contains("<AllSpots> is missing"));
    String noModel = "<?xml version=\"1.0\"?>\n<TrackMate version=\"7.0.0\"><Log>x</Log></TrackMate>";
    assertTrue(fails(noModel).getMessage().contains("<Model> is missing"));
    String settings =
        "  <Settings>\n    <InitialSpotFilter feature=\"QUALITY\" value=\"0.0\" isabove=\"true\"/>\n"
            + "    <SpotFilterCollection/>\n    <TrackFilterCollection/>\n  </Settings>\n";
    TrackMateXmlException e = fails(file("7.0.0", SPOTS + TRACKS, settings));
    assertTrue(e.getMessage().contains("<Settings>: the required element <ImageData> is missing"), e.getMessage());
  }

  @Test
  void spotValuesMustBeJavaNumbers() throws Exception {
    TrackMateXmlException e = fails(file("7.0.0", SPOTS.replace("QUALITY=\"1.0\" VISIBILITY=\"1\"/>\n      </SpotsInFrame>\n      <SpotsInFrame frame=\"1\">", "QUALITY=\"inf\" VISIBILITY=\"1\"/>\n      </SpotsInFrame>\n      <SpotsInFrame frame=\"1\">") + TRACKS, ""));
    assertTrue(e.getMessage().contains("QUALITY=\"inf\" is not a number"), e.getMessage());
    assertEquals("Spot", e.element());
    assertEquals(6, e.line());
    assertTrue(fails(file("7.0.0", SPOTS.replace("ID=\"2\"", "ID=\"two\"") + TRACKS, "")).getMessage().contains("ID=\"two\" is not an integer"));
    assertTrue(fails(file("7.0.0", SPOTS.replace("ID=\"2\"", "ID=\"1\"") + TRACKS, "")).getMessage().contains("spot ID 1 appears twice"));
    assertTrue(fails(file("7.0.0", SPOTS.replace(" POSITION_Y=\"2.0\"", "") + TRACKS, "")).getMessage().contains("lacks the required attribute POSITION_Y"));
    assertTrue(fails(file("7.0.0", SPOTS.replace("FRAME=\"1\"", "FRAME=\"3\"") + TRACKS, "")).getMessage().contains("FRAME=3.0 but is in SpotsInFrame frame=1"));
  }

  @Test
  void framesBeyondAMillionAreRefusedOrDropped() throws Exception {
    // Rewriting such a file would write a SpotsInFrame for every frame up to it.
    TrackMateXmlException e =
        fails(file("7.0.0", SPOTS.replace("frame=\"1\"", "frame=\"2000000000\"").replace("FRAME=\"1\"", "FRAME=\"2000000000\"") + TRACKS, ""));
    assertTrue(e.getMessage().contains("frame must be in 0..999999, got 2000000000"), e.getMessage());
    String settings =
        "  <Settings>\n    <ImageData filename=\"\" folder=\"\" width=\"10\" height=\"10\" nslices=\"1\""
            + " nframes=\"2000000000\" pixelwidth=\"1\" pixelheight=\"1\" voxeldepth=\"1\" timeinterval=\"1\"/>\n"
            + "    <InitialSpotFilter feature=\"QUALITY\" value=\"0.0\" isabove=\"true\"/>\n"
            + "    <SpotFilterCollection/>\n    <TrackFilterCollection/>\n  </Settings>\n";
    TrackMateXmlFile f = TrackMateXmlReader.read(write(file("7.0.0", SPOTS + TRACKS, settings)));
    assertNull(f.document().image());
    assertTrue(f.warnings().toString().contains("nframes=2000000000"), f.warnings().toString());
  }

  @Test
  void invalidUtf8IsOneErrorAndNothingOnStandardError() throws Exception {
    // Found by TrackMateXmlFuzzTest: the JDK parser printed "[Fatal Error] ..." on stderr besides
    // the error, so the command line showed two lines.
    byte[] good = file("7.0.0", SPOTS + TRACKS, "").replace("name=\"a\"", "name=\"\u00e9\"")
        .getBytes(StandardCharsets.UTF_8);
    byte[] bad = good.clone();
    String text = new String(good, StandardCharsets.ISO_8859_1);
    bad[text.indexOf("name=\"") + 7] = (byte) 0xE4; // a 3-byte lead followed by a non-continuation
    Path p = tmp.resolve("bad-utf8.xml");
    Files.write(p, bad);
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    TrackMateXmlException e;
    try {
      System.setErr(new java.io.PrintStream(err));
      e = assertThrows(TrackMateXmlException.class, () -> TrackMateXmlReader.read(p));
    } finally {
      System.setErr(saved);
    }
    assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    assertEquals("", err.toString("UTF-8"));
    // A byte-order mark, and another declared encoding, still read.
    byte[] bom = new byte[good.length + 3];
    bom[0] = (byte) 0xEF;
    bom[1] = (byte) 0xBB;
    bom[2] = (byte) 0xBF;
    System.arraycopy(good, 0, bom, 3, good.length);
    Files.write(p, bom);
    assertEquals("\u00e9", TrackMateXmlReader.read(p).document().model().spots().get(1).name());
    String latin = new String(good, StandardCharsets.UTF_8).replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    Files.write(p, latin.getBytes(StandardCharsets.ISO_8859_1));
    assertEquals("\u00e9", TrackMateXmlReader.read(p).document().model().spots().get(1).name());
  }

  @Test
  void valuesTheModelRefusesAreOneCleanError() throws Exception {
    // Found by TrackMateXmlFuzzTest: an empty feature key escaped as an IllegalArgumentException.
    String decl =
        "    <FeatureDeclarations><SpotFeatures><Feature feature=\"\" name=\"n\" shortname=\"n\""
            + " dimension=\"NONE\" isint=\"false\"/></SpotFeatures></FeatureDeclarations>\n";
    TrackMateXmlException e = fails(file("7.0.0", decl + SPOTS + TRACKS, ""));
    assertTrue(e.getMessage().contains("unusable content: a feature declaration needs a key"), e.getMessage());
    String roi = SPOTS.replace("VISIBILITY=\"1\"/>\n      </SpotsInFrame>\n      <SpotsInFrame frame=\"1\">",
        "VISIBILITY=\"1\" ROI_N_POINTS=\"3\">0 0 1 NaN 1 1</Spot>\n      </SpotsInFrame>\n      <SpotsInFrame frame=\"1\">");
    assertTrue(fails(file("7.0.0", roi + TRACKS, "")).getMessage().contains("ROI coordinates must be finite"));
  }

  @Test
  void doctypeWithExternalEntityIsRefused() throws Exception {
    Path secret = tmp.resolve("secret.txt");
    Files.write(secret, "TOP-SECRET".getBytes(StandardCharsets.UTF_8));
    String xxe =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE TrackMate [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
            + file("7.0.0", SPOTS + TRACKS, "").substring("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".length())
                .replace("<Model", "<Log>&xxe;</Log><Model");
    TrackMateXmlException e = fails(xxe);
    assertTrue(e.getMessage().contains("DOCTYPE declaration is not allowed"), e.getMessage());
    assertFalse(e.getMessage().contains("TOP-SECRET"));
  }

  @Test
  void billionLaughsIsRefusedAtOnce() throws Exception {
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
      sb.append("<!ENTITY lol").append(i).append(" \"");
      for (int k = 0; k < 10; k++) {
        sb.append("&lol").append(i == 1 ? "" : Integer.toString(i - 1)).append(';');
      }
      sb.append("\">\n");
    }
    sb.append("]>\n<TrackMate version=\"7.0.0\"><Log>&lol9;</Log></TrackMate>\n");
    String content = sb.toString();
    TrackMateXmlException e =
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> fails(content));
    assertTrue(e.getMessage().contains("DOCTYPE declaration is not allowed"), e.getMessage());
  }

  @Test
  void edgesToUnknownSpotsAreSkippedWithAWarning() throws Exception {
    String tracks =
        TRACKS.replace(
            "<Edge SPOT_SOURCE_ID=\"2\" SPOT_TARGET_ID=\"1\" LINK_COST=\"0.25\"/>",
            "<Edge SPOT_SOURCE_ID=\"2\" SPOT_TARGET_ID=\"1\" LINK_COST=\"0.25\"/>"
                + "<Edge SPOT_SOURCE_ID=\"2\" SPOT_TARGET_ID=\"99\"/><Edge SPOT_SOURCE_ID=\"2\" SPOT_TARGET_ID=\"2\"/>");
    TrackMateXmlFile f = TrackMateXmlReader.read(write(file("8.1.0", SPOTS + tracks + "", "")));
    assertEquals(1, f.document().model().links().size());
    assertTrue(f.warnings().contains("line 14: edge 2->99 refers to an unknown spot; skipped"), f.warnings().toString());
    assertTrue(f.warnings().contains("line 14: edge 2->2 joins a spot to itself; skipped"), f.warnings().toString());
    assertTrue(f.warnings().get(0).contains("no FeatureDeclarations"));
  }

  @Test
  void edgeValuesMustBeNumbersOnlyWhereTrackMateReadsThem() throws Exception {
    // LINK_COST is always read: a non-number is an error with the Edge's line.
    TrackMateXmlException e =
        fails(file("7.0.0", SPOTS + TRACKS.replace("LINK_COST=\"0.25\"", "LINK_COST=\"cheap\""), ""));
    assertTrue(e.getMessage().contains("LINK_COST=\"cheap\" is not a number"), e.getMessage());
    assertEquals(14, e.line());
    // An undeclared attribute is ignored, as TrackMate ignores it.
    TrackMateXmlFile f =
        TrackMateXmlReader.read(
            write(file("7.0.0", SPOTS + TRACKS.replace("LINK_COST=\"0.25\"", "LINK_COST=\"0.25\" NOTE=\"manual\""), "")));
    assertEquals(1, f.document().model().links().size());
    assertEquals(java.util.Collections.singletonMap("LINK_COST", 0.25), f.edgeFeatures(1, 2));
  }

  @Test
  void nonLapTrackerIsReportedNotRead() throws Exception {
    String settings =
        "  <Settings>\n    <ImageData filename=\"\" folder=\"\" width=\"10\" height=\"10\" nslices=\"1\" nframes=\"2\""
            + " pixelwidth=\"0.5\" pixelheight=\"0.5\" voxeldepth=\"2.0\" timeinterval=\"5.0\"/>\n"
            + "    <InitialSpotFilter feature=\"QUALITY\" value=\"0.0\" isabove=\"true\"/>\n"
            + "    <SpotFilterCollection/>\n"
            + "    <TrackerSettings TRACKER_NAME=\"KALMAN_TRACKER\" KALMAN_SEARCH_RADIUS=\"15.0\""
            + " LINKING_MAX_DISTANCE=\"15.0\" MAX_FRAME_GAP=\"2\"/>\n"
            + "    <TrackFilterCollection><Filter feature=\"NUMBER_SPOTS\" value=\"3.0\" isabove=\"true\"/></TrackFilterCollection>\n"
            + "  </Settings>\n";
    TrackMateXmlFile f = TrackMateXmlReader.read(write(file("7.14.0", SPOTS + TRACKS, settings)));
    assertEquals("KALMAN_TRACKER", f.trackerName());
    assertNull(f.document().lapSettings());
    assertTrue(f.warnings().get(1).contains("tracker KALMAN_TRACKER is not a LAP tracker"), f.warnings().toString());
    assertEquals(0.5, f.document().calibration().dx());
    assertEquals(2.0, f.document().calibration().dz());
    assertEquals(5.0, f.document().calibration().dt());
    assertEquals(1, f.document().trackFilters().size());
    // POSITION_T = 1.0 differs from FRAME × dt = 5.0, so spot 2 keeps it.
    assertEquals(1.0, f.document().model().spots().get(2).feature("POSITION_T"));
    assertNull(f.document().model().spots().get(1).feature("POSITION_T"));
  }

  @Test
  void btrackmateStyleTruncatedLapSettingsAreReportedNotRead() throws Exception {
    String settings =
        "  <Settings>\n    <ImageData filename=\"\" folder=\"\" width=\"10\" height=\"10\" nslices=\"1\" nframes=\"2\""
            + " pixelwidth=\"1.0\" pixelheight=\"1.0\" voxeldepth=\"1.0\" timeinterval=\"1.0\"/>\n"
            + "    <InitialSpotFilter feature=\"QUALITY\" value=\"0.0\" isabove=\"true\"/>\n"
            + "    <SpotFilterCollection/>\n"
            + "    <TrackerSettings TRACKER_NAME=\"SPARSE_LAP_TRACKER\" CUTOFF_PERCENTILE=\"0.9\""
            + " ALTERNATIVE_LINKING_COST_FACTOR=\"1.05\" BLOCKING_VALUE=\"Infinity\"/>\n"
            + "    <TrackFilterCollection/>\n  </Settings>\n";
    TrackMateXmlFile f = TrackMateXmlReader.read(write(file("3.1.6", SPOTS + TRACKS, settings)));
    assertEquals("SPARSE_LAP_TRACKER", f.trackerName());
    assertNull(f.document().lapSettings());
    assertTrue(f.warnings().get(1).contains("LAP tracker settings unreadable"), f.warnings().toString());
    assertEquals(1, f.document().model().links().size());
  }
}
