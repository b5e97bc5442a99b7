package org.volltrack.btrackmate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.BTrackmate;
import org.volltrack.btrackmate.BTrackmateResult;
import org.volltrack.btrackmate.filter.FilterSettings;
import org.volltrack.btrackmate.filter.RoiBox;
import org.volltrack.btrackmate.io.TrackMateXmlFile;
import org.volltrack.btrackmate.io.TrackMateXmlReader;
import org.volltrack.btrackmate.io.VoxelSize;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.settings.BTrackmateSettings;
import org.volltrack.btrackmate.tracking.TrackingProgress;

/** "Track cells from CSV..." run with macro options, headless, against the Java API. */
class TrackCellsFromCsvTest {

  @TempDir Path tmp;

  @BeforeAll
  static void headless() {
    assertTrue(java.awt.GraphicsEnvironment.isHeadless(), "these tests run with java.awt.headless=true");
  }

  /**
   * Two cells moving along x over 6 frames, one dividing at frame 2 into a daughter that lives
   * two frames (a short branch), and a big outlier that the volume filter hides.
   */
  static Path cells(Path dir) throws Exception {
    StringBuilder sb = new StringBuilder("id,frame,x,y,z,volume\n");
    for (int t = 0; t < 6; t++) {
      sb.append(1 + t).append(',').append(t).append(',').append(t).append(",0,0,10\n");
      sb.append(10 + t).append(',').append(t).append(',').append(t).append(",50,0,10\n");
    }
    sb.append("100,3,2.5,3,0,10\n");
    sb.append("101,4,2.5,3.5,0,10\n");
    sb.append("200,2,0,100,0,1000\n");
    Path p = dir.resolve("cells.csv");
    Files.write(p, sb.toString().getBytes(StandardCharsets.UTF_8));
    return p;
  }

  @Test
  void macroRunWritesWhatTheJavaApiWrites() throws Exception {
    Path csv = cells(tmp);
    Path out = tmp.resolve("plugin tracks.xml"); // a space: the macro needs [brackets]
    String options =
        MacroHarness.options(
            "cells=" + csv, "out=" + out, "frame_interval=30", "linking_max_distance=5",
            "gap_closing_max_distance=6", "max_frame_gap=3", "allow_track_splitting",
            "splitting_max_distance=5", "min_tracklet_length=3", "max_volume=100", "roi_y_max=60");

    MacroHarness.Result run = MacroHarness.run(new TrackCellsFromCsv(), options);

    assertEquals(1, run.log.size(), run.log.toString());
    assertTrue(run.log.get(0).startsWith("Track cells from CSV: wrote " + out + " ("), run.log.get(0));
    assertTrue(run.newNonDaemonThreads.isEmpty(), run.newNonDaemonThreads.toString());

    Map<String, Object> tracker = new LinkedHashMap<>();
    tracker.put("LINKING_MAX_DISTANCE", 5.0);
    tracker.put("ALLOW_GAP_CLOSING", false); // a checkbox absent from the options is off
    tracker.put("GAP_CLOSING_MAX_DISTANCE", 6.0);
    tracker.put("MAX_FRAME_GAP", 3);
    tracker.put("ALLOW_TRACK_SPLITTING", true);
    tracker.put("SPLITTING_MAX_DISTANCE", 5.0);
    tracker.put("ALLOW_TRACK_MERGING", false);
    tracker.put("MERGING_MAX_DISTANCE", 15.0); // the dialog's default
    tracker.put("SINGLETON_GAP_CLOSING", false);
    BTrackmateSettings expected =
        BTrackmateSettings.builder()
            .cellsCsv(csv)
            .frameInterval(30.0)
            .tracker(tracker)
            .minTrackletLength(3)
            .filters(
                new FilterSettings(
                    Collections.singletonList(FeatureFilter.maxVolume(100)),
                    new RoiBox(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, 60, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
                    false))
            .build();
    BTrackmateResult api = BTrackmate.run(expected, TrackingProgress.NONE);
    Path apiOut = tmp.resolve("api.xml");
    BTrackmate.write(api, apiOut);

    XmlComparison.assertSameTracking(apiOut, out);
    assertTrue(api.prunedLinkCount() > 0, "the short branch is pruned: " + api);
    assertEquals(
        new String(Files.readAllBytes(apiOut), StandardCharsets.UTF_8),
        new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
        "the same settings give the same file");
  }

  /** What ImageJ 1.54p's Recorder wrote after an interactive run (checked under Xvfb), replayed. */
  @Test
  void aRecordedCommandReplays() throws Exception {
    Path csv = cells(tmp);
    Path out = tmp.resolve("rec tracks.xml");
    String recorded =
        "cells=" + csv + " out=[" + out + "] mask=[] voxel_z=[] voxel_y=[] voxel_x=[] frame_interval=[] "
            + "linking_max_distance=7.5 allow_gap_closing gap_closing_max_distance=15.0 max_frame_gap=2 "
            + "allow_track_splitting splitting_max_distance=15.0 merging_max_distance=15.0 "
            + "min_tracklet_length=0 min_inside_tissue=[] roi_x_min=[] roi_x_max=[] roi_y_min=[] "
            + "roi_y_max=[] roi_z_min=[] roi_z_max=[] min_volume=[] max_volume=[] min_mean_intensity=[] "
            + "max_mean_intensity=[] intensity_channel=1";
    MacroHarness.Result run = MacroHarness.run(new TrackCellsFromCsv(), recorded);
    assertEquals(1, run.log.size(), run.log.toString());
    Map<String, Object> tracker = new LinkedHashMap<>();
    tracker.put("LINKING_MAX_DISTANCE", 7.5);
    tracker.put("ALLOW_GAP_CLOSING", true);
    tracker.put("ALLOW_TRACK_SPLITTING", true);
    BTrackmateSettings api = new TrackCellsFromCsv().settings(MacroOptions.read(recorded, new TrackCellsFromCsv().fields()));
    assertEquals(csv, api.cellsCsv());
    assertTrue(api.tracker().entrySet().containsAll(tracker.entrySet()), api.tracker().toString());
    assertTrue(api.filters().isEmpty());
    Path apiOut = tmp.resolve("api.xml");
    BTrackmate.write(BTrackmate.run(api, TrackingProgress.NONE), apiOut);
    XmlComparison.assertSameTracking(apiOut, out);
  }

  @Test
  void defaultsAreTrackMatesExceptCheckboxesAbsentFromAMacro() throws Exception {
    Path csv = cells(tmp);
    Values v = MacroOptions.read(MacroHarness.options("cells=" + csv, "out=" + tmp.resolve("t.xml")),
        new TrackCellsFromCsv().fields());
    BTrackmateSettings s = new TrackCellsFromCsv().settings(v);
    assertEquals(15.0, s.tracker().get("LINKING_MAX_DISTANCE"));
    assertEquals(2, s.tracker().get("MAX_FRAME_GAP"));
    assertEquals(false, s.tracker().get("ALLOW_GAP_CLOSING"));
    assertEquals(0, s.minTrackletLength());
    assertTrue(s.filters().isEmpty());
    assertEquals(null, s.voxelSize());
    assertEquals(null, s.frameInterval());
  }

  @Test
  void voxelSizeNeedsAllThreeKeys() throws Exception {
    Path csv = cells(tmp);
    List<Field> fields = new TrackCellsFromCsv().fields();
    Values all = MacroOptions.read(
        MacroHarness.options("cells=" + csv, "voxel_z=2", "voxel_y=0.5", "voxel_x=0.25"), fields);
    assertEquals(VoxelSize.zyx(2, 0.5, 0.25), new TrackCellsFromCsv().settings(all).voxelSize());
    Values some = MacroOptions.read(MacroHarness.options("cells=" + csv, "voxel_z=2"), fields);
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> new TrackCellsFromCsv().settings(some));
    assertEquals("voxel_y: missing; give voxel_z, voxel_y and voxel_x together, or none of them", e.getMessage());
  }

  @Test
  void badParametersGiveOneLineAndNoFile() throws Exception {
    Path csv = cells(tmp);
    Path out = tmp.resolve("tracks.xml");
    String name = "Track cells from CSV: ";
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {
      MacroHarness.options("cells=" + csv, "out=" + out, "linking_max_distance=abc"),
      name + "linking_max_distance: expected a number, got 'abc'"});
    cases.add(new String[] {
      MacroHarness.options("out=" + out),
      name + "cells: missing; expected the cells.csv table, e.g. cells=/path/to/file"});
    cases.add(new String[] {
      MacroHarness.options("cells=" + tmp.resolve("nope.csv"), "out=" + out),
      name + "cells: file not found: " + tmp.resolve("nope.csv")});
    cases.add(new String[] {
      MacroHarness.options("cells=" + csv),
      name + "out: missing; expected the output TrackMate XML file, e.g. out=/path/to/file"});
    cases.add(new String[] {
      MacroHarness.options("cells=" + csv, "out=" + tmp.resolve("no/such/dir/t.xml")),
      name + "out: folder not found: " + tmp.resolve("no/such/dir")});
    cases.add(new String[] {
      MacroHarness.options("cells=" + csv, "out=" + out, "max_frame_gap=1.5"),
      name + "max_frame_gap: expected a whole number >= 1, got 1.5"});
    cases.add(new String[] {
      MacroHarness.options("cells=" + csv, "out=" + out, "min_tracklet_length=-1"),
      name + "min_tracklet_length: expected a whole number >= 0, got -1"});
    cases.add(new String[] {
      MacroHarness.options("cells=" + csv, "out=" + out, "centroid_in_tissue"),
      name + "the centroid-in-tissue filter needs a tissue mask"});
    cases.add(new String[] {
      MacroHarness.options("cells=" + csv, "out=" + out, "roi_x_min=5", "roi_x_max=1"),
      name + "roi: ROI box along x: min 5.0 is greater than max 1.0"});
    for (String[] c : cases) {
      MacroHarness.Result run = MacroHarness.run(new TrackCellsFromCsv(), c[0]);
      assertEquals(Collections.singletonList(c[1]), run.log, c[0]);
      try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
        assertEquals(Collections.singletonList(csv), collect(files), c[0]);
      }
    }
  }

  @Test
  void aBadCsvGivesOneLineNamingTheFileAndNoOutput() throws Exception {
    Path csv = tmp.resolve("cells.csv");
    Files.write(csv, "frame,x,y,z\n0,1,2,3\n1,abc,2,3\n".getBytes(StandardCharsets.UTF_8));
    Path out = tmp.resolve("tracks.xml");
    MacroHarness.Result run =
        MacroHarness.run(new TrackCellsFromCsv(), MacroHarness.options("cells=" + csv, "out=" + out));
    assertEquals(1, run.log.size(), run.log.toString());
    assertTrue(run.log.get(0).startsWith("Track cells from CSV: " + csv + ": "), run.log.get(0));
    assertTrue(run.log.get(0).contains("'x'"), run.log.get(0));
    assertFalse(Files.exists(out));
  }

  @Test
  void headlessWithoutMacroOptionsSaysHowToPassThem() throws Exception {
    MacroHarness.Result run = MacroHarness.run(new TrackCellsFromCsv(), null);
    assertEquals(
        Collections.singletonList(
            "Track cells from CSV: no screen, so the parameters must come as macro options, "
                + "e.g. run(\"Track cells from CSV...\", \"cells=... out=...\")"),
        run.log);
  }

  private static List<Path> collect(java.util.stream.Stream<Path> files) {
    List<Path> l = new ArrayList<>(Arrays.asList(files.toArray(Path[]::new)));
    Collections.sort(l);
    return l;
  }
}
