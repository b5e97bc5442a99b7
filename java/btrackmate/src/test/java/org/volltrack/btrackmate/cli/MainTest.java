package org.volltrack.btrackmate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ShortProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.Fixtures;
import org.volltrack.btrackmate.io.TrackMateDocument;
import org.volltrack.btrackmate.io.TrackMateXmlReader;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.settings.BTrackmateSettings;
import org.volltrack.btrackmate.settings.SettingsJson;
import org.volltrack.btrackmate.tracking.LapSettings;

/** The command line end to end, in process: inputs, filters, pruning, settings files, help. */
class MainTest {

  @TempDir Path tmp;

  private Path write(String name, String content) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, content.getBytes(StandardCharsets.UTF_8));
    return p;
  }

  /**
   * Cell 1 (ids 1..6) and cell 2 (ids 10..15) move along x over frames 0..5; cell 1 divides at
   * frame 2 (id 3) into a daughter living two frames (ids 100, 101); id 200 is a large outlier.
   */
  private Path cells() throws IOException {
    StringBuilder sb = new StringBuilder("id,frame,x,y,z,volume\n");
    for (int t = 0; t < 6; t++) {
      sb.append(1 + t).append(',').append(t).append(',').append(t).append(",0,0,10\n");
      sb.append(10 + t).append(',').append(t).append(',').append(t).append(",50,0,10\n");
    }
    sb.append("100,3,2.5,3,0,10\n101,4,2.5,3.5,0,10\n200,2,0,100,0,1000\n");
    return write("cells.csv", sb.toString());
  }

  private static Set<String> edges(TrackMateDocument d) {
    Set<String> out = new HashSet<>();
    for (Link l : d.model().links()) {
      out.add(l.source() + "->" + l.target());
    }
    return out;
  }

  @Test
  void cellsWithFiltersAreTrackedAndTheFiltersRecorded() throws IOException {
    Path out = tmp.resolve("tracks.xml");
    Cli r =
        Cli.run(
            "--cells", cells().toString(), "--out", out.toString(),
            "--LINKING_MAX_DISTANCE", "5", "--ALLOW_TRACK_SPLITTING", "true", "--SPLITTING_MAX_DISTANCE=5",
            "--max-volume", "100", "--roi", "-1", "10", "-1", "60", "-Infinity", "Infinity",
            "--voxel-size", "2", "0.5", "0.5", "--time-interval", "30");
    assertEquals(0, r.status, r.toString());
    assertEquals("", r.out);
    assertTrue(r.err.contains("btrackmate: wrote " + out + ": 15 cells (14 after filtering), 12 links (0 pruned), 2 tracks"), r.err);
    TrackMateDocument d = TrackMateXmlReader.read(out).document();
    assertFalse(d.model().spots().get(200).visible(), "filtered cells stay, invisible");
    assertTrue(d.model().spots().get(1).visible());
    assertEquals(null, d.model().trackOf(200));
    assertTrue(edges(d).contains("3->100"));
    assertEquals(Collections.singletonList(FeatureFilter.maxVolume(100)), d.spotFilters());
    assertEquals(0.5, d.calibration().dx());
    assertEquals(2.0, d.calibration().dz());
    assertEquals(30.0, d.calibration().dt());
    BTrackmateSettings payload = SettingsJson.fromJson(d.btrackmateSettings(), "payload");
    assertNotNull(payload.filters().roi(), "the ROI, which TrackMate cannot express, is in the BTrackmate element");
    assertEquals(-1.0, payload.filters().roi().xMin());
    assertEquals(Collections.singletonList(FeatureFilter.maxVolume(100)), payload.filters().featureFilters());
  }

  @Test
  void theRoiHidesCellsOutsideIt() throws IOException {
    Path out = tmp.resolve("tracks.xml");
    Cli r = Cli.run("--cells", cells().toString(), "--out", out.toString(), "--quiet", "--roi", "-1", "10", "-1", "10", "-1", "1");
    assertEquals(0, r.status, r.toString());
    TrackMateDocument d = TrackMateXmlReader.read(out).document();
    for (Spot s : d.model().spots().all()) {
      assertEquals(s.y() <= 10, s.visible(), "spot " + s.id());
    }
    for (Link l : d.model().links()) {
      assertTrue(d.model().spots().get(l.source()).visible() && d.model().spots().get(l.target()).visible());
    }
  }

  @Test
  void minTrackletLengthPrunesShortDaughters() throws IOException {
    Path out = tmp.resolve("pruned.xml");
    String[] common = {"--cells", cells().toString(), "--quiet", "--LINKING_MAX_DISTANCE", "5",
        "--ALLOW_TRACK_SPLITTING", "true", "--SPLITTING_MAX_DISTANCE", "5"};
    List<String> a = new ArrayList<>(Arrays.asList(common));
    a.addAll(Arrays.asList("--out", out.toString(), "--min-tracklet-length", "3"));
    assertEquals(0, Cli.run(a.toArray(new String[0])).status);
    Set<String> pruned = edges(TrackMateXmlReader.read(out).document());
    assertFalse(pruned.contains("3->100"));
    assertFalse(pruned.contains("100->101"));
    assertTrue(pruned.contains("3->4"));
    assertEquals(10, pruned.size());
    assertTrue(TrackMateXmlReader.read(out).document().model().spots().get(100).visible(), "pruned cells stay");
  }

  @Test
  void lowerCaseAliasesEqualTrackMateKeys() throws IOException {
    Path a = tmp.resolve("a.xml");
    Path b = tmp.resolve("b.xml");
    assertEquals(0, Cli.run("--cells", cells().toString(), "--out", a.toString(), "--quiet",
        "--LINKING_MAX_DISTANCE", "3", "--MAX_FRAME_GAP", "4", "--LINKING_FEATURE_PENALTIES", "VOLUME=1.0").status);
    assertEquals(0, Cli.run("--cells", cells().toString(), "--out", b.toString(), "--quiet",
        "--linking-max-distance", "3", "--max-frame-gap=4", "--linking-feature-penalties", "VOLUME=1.0").status);
    LapSettings la = TrackMateXmlReader.read(a).document().lapSettings();
    assertEquals(la, TrackMateXmlReader.read(b).document().lapSettings());
    assertEquals(3.0, la.linkingMaxDistance());
    assertEquals(4, la.maxFrameGap());
    assertEquals(Collections.singletonMap("VOLUME", 1.0), la.linkingFeaturePenalties());
  }

  @Test
  void savedSettingsRerunToTheSameFile() throws IOException {
    Path a = tmp.resolve("a.xml");
    Path b = tmp.resolve("b.xml");
    Path s = tmp.resolve("settings.json");
    Cli r = Cli.run("--cells", cells().toString(), "--out", a.toString(), "--quiet", "--save-settings", s.toString(),
        "--ALLOW_TRACK_SPLITTING", "true", "--min-tracklet-length", "3", "--filter", "VOLUME<=100",
        "--roi", "-5", "50", "-5", "60", "-1", "1", "--time-interval", "2.5", "--SINGLETON_GAP_CLOSING", "true");
    assertEquals(0, r.status, r.toString());
    Cli again = Cli.run("--settings", s.toString(), "--out", b.toString(), "--quiet");
    assertEquals(0, again.status, again.toString());
    assertEquals(withoutLog(a), withoutLog(b));
    BTrackmateSettings saved = SettingsJson.read(s);
    assertEquals(3, saved.minTrackletLength());
    assertEquals(Boolean.TRUE, saved.tracker().get("SINGLETON_GAP_CLOSING"));
    assertEquals(cells().toAbsolutePath(), saved.cellsCsv());
  }

  private static String withoutLog(Path xml) throws IOException {
    String s = new String(Files.readAllBytes(xml), StandardCharsets.UTF_8);
    return s.replaceAll("(?s)<Log>.*?</Log>", "<Log/>");
  }

  @Test
  void precedenceIsDefaultsThenSettingsThenTrackerSettingsThenFlags() throws IOException {
    Path xml = Fixtures.trackmate("lap-conformance/trackmate_tracks_with_splitting.xml");
    LapSettings fromXml = TrackMateXmlReader.read(xml).document().lapSettings();
    Path settings =
        write("s.json", "{\"input\": {\"cells_csv\": \"" + cells().toString().replace("\\", "\\\\") + "\"},"
            + " \"min_tracklet_length\": 4,"
            + " \"tracker\": {\"LINKING_MAX_DISTANCE\": 3.0, \"SINGLETON_GAP_CLOSING\": true, \"MAX_FRAME_GAP\": 7}}");
    Path saved = tmp.resolve("effective.json");
    Path out = tmp.resolve("o.xml");
    Cli r = Cli.run("--settings", settings.toString(), "--tracker-settings", xml.toString(),
        "--MAX_FRAME_GAP", "5", "--save-settings", saved.toString(), "--out", out.toString(), "--quiet");
    assertEquals(0, r.status, r.toString());
    BTrackmateSettings eff = SettingsJson.read(saved);
    LapSettings lap = LapSettings.fromMap(eff.tracker());
    assertEquals(fromXml.linkingMaxDistance(), lap.linkingMaxDistance(), "--tracker-settings over --settings");
    assertEquals(fromXml.allowTrackSplitting(), lap.allowTrackSplitting());
    assertEquals(5, lap.maxFrameGap(), "the flag over both files");
    assertTrue(lap.singletonGapClosing(), "the BTrackmate extension is not in TrackerSettings, so --settings keeps it");
    assertEquals(4, eff.minTrackletLength(), "--settings over the defaults");
    assertEquals(lap, TrackMateXmlReader.read(out).document().lapSettings().toBuilder().singletonGapClosing(true).build());
  }

  private static ImagePlus labelMovie(int frames) {
    // Two cubes of labels 1 and 2, shifting by one voxel along x each frame; 4 slices of 8 x 12.
    ImageStack stack = new ImageStack(12, 8);
    for (int t = 0; t < frames; t++) {
      for (int z = 0; z < 4; z++) {
        ShortProcessor ip = new ShortProcessor(12, 8);
        for (int y = 1; y < 3; y++) {
          for (int x = 1 + t; x < 3 + t; x++) {
            ip.set(x, y, 1);
            ip.set(x, y + 4, 2);
          }
        }
        stack.addSlice(ip);
      }
    }
    ImagePlus imp = new ImagePlus("labels", stack);
    imp.setDimensions(1, 4, frames);
    imp.setOpenAsHyperStack(true);
    return imp;
  }

  @Test
  void labelImageInputGivesCalibratedCellsAndImageData() throws IOException {
    Path labels = tmp.resolve("labels.tif");
    assertTrue(new FileSaver(labelMovie(3)).saveAsTiffStack(labels.toString()));
    Path out = tmp.resolve("tracks.xml");
    Cli r = Cli.run("--labels", labels.toString(), "--voxel-size", "2", "0.5", "0.5", "--time-interval", "60",
        "--out", out.toString(), "--quiet", "--LINKING_MAX_DISTANCE", "1.0");
    assertEquals(0, r.status, r.toString());
    TrackMateDocument d = TrackMateXmlReader.read(out).document();
    assertEquals(6, d.model().spots().size());
    assertEquals(4, d.model().links().size(), "each cube moves 0.5 per frame: two chains of 2 links");
    assertEquals(2, d.model().tracks().size());
    assertEquals("labels.tif", d.image().filename());
    assertEquals(12, d.image().width());
    assertEquals(8, d.image().height());
    assertEquals(4, d.image().nslices());
    assertEquals(3, d.image().nframes());
    assertEquals(0.5, d.calibration().dx());
    assertEquals(2.0, d.calibration().dz());
    assertEquals(60.0, d.calibration().dt());
    Spot first = d.model().spots().inFrame(0).get(0);
    // label 1 at frame 0: x and y voxels 1..2 (centre 1.5 × 0.5), z slices 0..3 (centre 1.5 × 2)
    assertEquals(0.75, first.x(), 1e-12);
    assertEquals(0.75, first.y(), 1e-12);
    assertEquals(3.0, first.z(), 1e-12);
    assertEquals(16 * 0.5 * 0.5 * 2.0, first.feature("VOLUME"), 1e-12);
  }

  @Test
  void xmlInputKeepsEmptyFramesWhichStopFrameToFrameLinks() throws IOException {
    // Frames 0..4, frame 2 empty: frame-to-frame links 1->2 and 3->4 only; bridging the empty
    // frame needs gap closing (off in the file's settings).
    List<Spot> spots = new ArrayList<>();
    spots.add(Spot.builder(1, 0, 0, 0, 0).build());
    spots.add(Spot.builder(2, 1, 1, 0, 0).build());
    spots.add(Spot.builder(3, 3, 2, 0, 0).build());
    spots.add(Spot.builder(4, 4, 3, 0, 0).build());
    org.volltrack.btrackmate.model.SpotCollection c =
        org.volltrack.btrackmate.model.SpotCollection.ofFrames(Arrays.asList(0, 1, 2, 3, 4), spots);
    Path in = tmp.resolve("in.xml");
    org.volltrack.btrackmate.io.TrackMateXmlWriter.write(
        TrackMateDocument.builder(new org.volltrack.btrackmate.model.TrackModel(c, Collections.<Link>emptyList()))
            .lapSettings(LapSettings.builder().allowGapClosing(false).build())
            .build(),
        in);
    Path out = tmp.resolve("out.xml");
    Cli r = Cli.run("--xml", in.toString(), "--out", out.toString(), "--quiet");
    assertEquals(0, r.status, r.toString());
    TrackMateDocument d = TrackMateXmlReader.read(out).document();
    assertEquals(Arrays.asList(0, 1, 2, 3, 4), new ArrayList<>(d.model().spots().byFrame().keySet()));
    assertEquals(new HashSet<>(Arrays.asList("1->2", "3->4")), edges(d), "the file's TrackerSettings (no gap closing) are the defaults");
    Path closed = tmp.resolve("closed.xml");
    assertEquals(0, Cli.run("--xml", in.toString(), "--out", closed.toString(), "--quiet", "--ALLOW_GAP_CLOSING", "true").status);
    assertEquals(new HashSet<>(Arrays.asList("1->2", "2->3", "3->4")), edges(TrackMateXmlReader.read(closed).document()), "a flag overrides them");
  }

  @Test
  void tissueMaskFiltersHideCellsOutsideTheTissue() throws IOException {
    Path labels = tmp.resolve("labels.tif");
    assertTrue(new FileSaver(labelMovie(3)).saveAsTiffStack(labels.toString()));
    // ZYX mask: tissue where y < 4 (label 1's rows), broadcast over time
    ImageStack stack = new ImageStack(12, 8);
    for (int z = 0; z < 4; z++) {
      ij.process.ByteProcessor ip = new ij.process.ByteProcessor(12, 8);
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 12; x++) {
          ip.set(x, y, 255);
        }
      }
      stack.addSlice(ip);
    }
    Path mask = tmp.resolve("mask.tif");
    assertTrue(new FileSaver(new ImagePlus("mask", stack)).saveAsTiffStack(mask.toString()));
    for (String[] filter : new String[][] {{"--centroid-in-tissue"}, {"--inside-tissue", "1.0"}}) {
      Path out = tmp.resolve("masked.xml");
      List<String> a = new ArrayList<>(Arrays.asList("--labels", labels.toString(), "--mask", mask.toString(),
          "--out", out.toString(), "--quiet", "--LINKING_MAX_DISTANCE", "2"));
      a.addAll(Arrays.asList(filter));
      Cli r = Cli.run(a.toArray(new String[0]));
      assertEquals(0, r.status, r.toString());
      TrackMateDocument d = TrackMateXmlReader.read(out).document();
      for (Spot s : d.model().spots().all()) {
        assertEquals(s.feature("LABEL") == 1.0, s.visible(), Arrays.toString(filter) + " spot " + s.id());
        assertEquals(s.feature("LABEL") == 1.0 ? 1.0 : 0.0, s.feature("INSIDE_TISSUE"), 1e-12);
      }
      assertEquals(2, d.model().links().size(), "only label 1 is tracked");
    }
  }

  @Test
  void helpDocumentsEveryFlagAndVersionPrints() {
    Cli h = Cli.run("--help");
    assertEquals(0, h.status);
    assertEquals("", h.err);
    for (String flag : Arrays.asList("--cells", "--labels", "--raw", "--mask", "--xml", "--no-tracking", "--out",
        "--voxel-size", "--time-interval", "--settings", "--tracker-settings", "--min-tracklet-length", "--filter",
        "--roi", "--inside-tissue", "--centroid-in-tissue", "--min-volume", "--max-volume", "--min-mean-intensity",
        "--max-mean-intensity", "--threads", "--quiet", "--save-settings", "--help", "--version")) {
      assertTrue(h.out.contains(flag + " "), flag);
    }
    for (String key : LapSettings.TRACKMATE_KEYS) {
      assertTrue(h.out.contains("--" + key + " "), key);
    }
    assertTrue(h.out.contains("--" + LapSettings.SINGLETON_GAP_CLOSING + " "));
    Cli v = Cli.run("--version");
    assertEquals(0, v.status);
    assertTrue(v.out.startsWith("btrackmate "), v.out);
  }

  @Test
  void noNonDaemonThreadIsLeftBehind() throws IOException {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    Path out = tmp.resolve("t.xml");
    assertEquals(0, Cli.run("--cells", cells().toString(), "--out", out.toString(), "--quiet", "--threads", "4").status);
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(t) && t.isAlive()) {
        assertTrue(t.isDaemon(), "non-daemon thread left: " + t.getName());
      }
    }
  }
}
