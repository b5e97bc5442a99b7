package org.volltrack.btrackmate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.BTrackmate;
import org.volltrack.btrackmate.BTrackmateResult;
import org.volltrack.btrackmate.filter.FilterSettings;
import org.volltrack.btrackmate.io.TrackMateXmlReader;
import org.volltrack.btrackmate.io.VoxelSize;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.settings.BTrackmateSettings;
import org.volltrack.btrackmate.tracking.TrackingProgress;

/** "Track label image..." on a small constructed label TIFF, with macro options, headless. */
class TrackLabelImageTest {

  @TempDir Path tmp;

  private static final int T = 4;
  private static final int Z = 3;
  private static final int H = 12;
  private static final int W = 16;

  /**
   * A TZYX label image: cell 1 (a 2×2×2 cube) moves +1 voxel in x per frame; cell 2 sits still;
   * cell 3 is a single voxel (volume filter bait) in frames 1 and 2.
   */
  private static ImagePlus labels(boolean asFloat) {
    ImageStack stack = new ImageStack(W, H);
    for (int t = 0; t < T; t++) {
      for (int z = 0; z < Z; z++) {
        ImageProcessor ip = asFloat ? new FloatProcessor(W, H) : new ShortProcessor(W, H);
        if (z < 2) {
          for (int y = 2; y < 4; y++) {
            for (int x = 2 + t; x < 4 + t; x++) {
              ip.putPixelValue(x, y, 1);
            }
          }
          for (int y = 8; y < 10; y++) {
            for (int x = 10; x < 12; x++) {
              ip.putPixelValue(x, y, 2);
            }
          }
        }
        if (z == 2 && (t == 1 || t == 2)) {
          ip.putPixelValue(5, 9, 3);
        }
        stack.addSlice(ip);
      }
    }
    ImagePlus imp = new ImagePlus("labels", stack);
    imp.setDimensions(1, Z, T);
    imp.setOpenAsHyperStack(true);
    imp.getCalibration().pixelWidth = 0.5;
    imp.getCalibration().pixelHeight = 0.5;
    imp.getCalibration().pixelDepth = 2.0;
    imp.getCalibration().frameInterval = 10;
    imp.getCalibration().setUnit("micron");
    return imp;
  }

  private Path save(ImagePlus imp, String name) {
    Path p = tmp.resolve(name);
    assertTrue(new FileSaver(imp).saveAsTiff(p.toString()));
    return p;
  }

  @Test
  void macroRunWritesWhatTheJavaApiWrites() throws Exception {
    Path labels = save(labels(false), "labels.tif");
    Path out = tmp.resolve("tracks.xml");
    String options =
        MacroHarness.options(
            "labels=" + labels, "out=" + out, "linking_max_distance=1.2", "allow_gap_closing",
            "gap_closing_max_distance=2", "max_frame_gap=2", "min_volume=1");

    MacroHarness.Result run = MacroHarness.run(new TrackLabelImage(), options);

    assertEquals(1, run.log.size(), run.log.toString());
    assertTrue(run.log.get(0).startsWith("Track label image: wrote " + out + " ("), run.log.get(0));
    assertTrue(run.newNonDaemonThreads.isEmpty(), run.newNonDaemonThreads.toString());

    Map<String, Object> tracker = new LinkedHashMap<>();
    tracker.put("LINKING_MAX_DISTANCE", 1.2);
    tracker.put("ALLOW_GAP_CLOSING", true);
    tracker.put("GAP_CLOSING_MAX_DISTANCE", 2.0);
    tracker.put("MAX_FRAME_GAP", 2);
    tracker.put("ALLOW_TRACK_SPLITTING", false);
    tracker.put("SPLITTING_MAX_DISTANCE", 15.0);
    tracker.put("ALLOW_TRACK_MERGING", false);
    tracker.put("MERGING_MAX_DISTANCE", 15.0);
    tracker.put("SINGLETON_GAP_CLOSING", false);
    BTrackmateSettings expected =
        BTrackmateSettings.builder()
            .labels(labels)
            .tracker(tracker)
            .filters(new FilterSettings(Collections.singletonList(FeatureFilter.minVolume(1)), null, false))
            .build();
    BTrackmateResult api = BTrackmate.run(expected, TrackingProgress.NONE);
    Path apiOut = tmp.resolve("api.xml");
    BTrackmate.write(api, apiOut);

    XmlComparison.assertSameTracking(apiOut, out);
    assertEquals(
        new String(Files.readAllBytes(apiOut), StandardCharsets.UTF_8),
        new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
    // What the image holds: 2 cells x 4 frames + 2 single voxels; cell 1 and 2 linked 3 times each.
    assertEquals(10, api.spotCount());
    assertEquals(8, api.visibleSpotCount());
    assertEquals(6, api.linkCount());
    assertEquals(2, api.trackCount());
    assertEquals(10.0, TrackMateXmlReader.read(out).document().calibration().dt());
  }

  @Test
  void overridesReachTheSettings() throws Exception {
    Path labels = save(labels(false), "labels.tif");
    Path mask = save(labels(false), "mask.tif");
    Values v =
        MacroOptions.read(
            MacroHarness.options("labels=" + labels, "raw=" + labels, "mask=" + mask,
                "voxel_z=1", "voxel_y=0.25", "voxel_x=0.25", "frame_interval=5", "centroid_in_tissue",
                "min_inside_tissue=0.5", "min_mean_intensity=1", "intensity_channel=1"),
            new TrackLabelImage().fields());
    BTrackmateSettings s = new TrackLabelImage().settings(v);
    assertEquals(labels, s.labels());
    assertEquals(labels, s.raw());
    assertEquals(mask, s.mask());
    assertEquals(VoxelSize.zyx(1, 0.25, 0.25), s.voxelSize());
    assertEquals(5.0, s.frameInterval());
    assertTrue(s.filters().centroidInTissue());
    assertEquals(
        Arrays.asList(FeatureFilter.minInsideTissue(0.5), FeatureFilter.minMeanIntensity(1, 1)),
        s.filters().featureFilters());
  }

  @Test
  void aFloatLabelImageGivesOneLineAndNoFile() throws Exception {
    Path labels = save(labels(true), "float.tif");
    Path out = tmp.resolve("tracks.xml");
    MacroHarness.Result run =
        MacroHarness.run(new TrackLabelImage(), MacroHarness.options("labels=" + labels, "out=" + out));
    assertEquals(1, run.log.size(), run.log.toString());
    assertTrue(run.log.get(0).startsWith("Track label image: " + labels + ": "), run.log.get(0));
    assertFalse(Files.exists(out));
  }

  @Test
  void aMaskOfAnotherShapeGivesOneLineAndNoFile() throws Exception {
    Path labels = save(labels(false), "labels.tif");
    ImagePlus small = new ImagePlus("mask", new ShortProcessor(4, 4));
    Path mask = save(small, "mask.tif");
    Path out = tmp.resolve("tracks.xml");
    MacroHarness.Result run =
        MacroHarness.run(
            new TrackLabelImage(), MacroHarness.options("labels=" + labels, "mask=" + mask, "out=" + out));
    assertEquals(1, run.log.size(), run.log.toString());
    assertTrue(run.log.get(0).startsWith("Track label image: "), run.log.get(0));
    assertTrue(run.log.get(0).contains("mask"), run.log.get(0));
    assertFalse(Files.exists(out));
  }
}
