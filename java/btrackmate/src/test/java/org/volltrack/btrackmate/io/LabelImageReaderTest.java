package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.io.Images.Kind;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Label image of T=3, Z=3, Y=4, X=5 with voxel size z=2, y=0.5, x=0.25 (voxel volume 0.25):
 *
 * <ul>
 *   <li>frame 0, label 3: voxels (z,y,x) = (0,1,1), (0,1,2), (1,1,1), (1,2,1);
 *   <li>frame 0, label 1: voxel (2,3,4);
 *   <li>frame 1: empty;
 *   <li>frame 2, label 1: voxels (0,0,0), (0,0,1).
 * </ul>
 */
class LabelImageReaderTest {

  @TempDir Path dir;

  private static final double EPS = 1e-12;

  static double[][][][] labels() {
    double[][][][] l = Images.zeros(3, 3, 4, 5);
    l[0][0][1][1] = 3;
    l[0][0][1][2] = 3;
    l[0][1][1][1] = 3;
    l[0][1][2][1] = 3;
    l[0][2][3][4] = 1;
    l[2][0][0][0] = 1;
    l[2][0][0][1] = 1;
    return l;
  }

  static ImagePlus labelImage() {
    return Images.calibrate(Images.tzyx("labels.tif", Kind.SHORT, labels()), 2.0, 0.5, 0.25, 10.0, "micron");
  }

  /** Two channels: channel 1 = 1, 2, 3, 4 on label 3's voxels (in the order listed), 7 elsewhere; channel 2 = 10. */
  static ImagePlus rawImage() {
    double[][][][] c1 = Images.zeros(3, 3, 4, 5);
    double[][][][] c2 = Images.zeros(3, 3, 4, 5);
    for (double[][][] t : c1) {
      for (double[][] z : t) {
        for (double[] y : z) {
          Arrays.fill(y, 7);
        }
      }
    }
    for (double[][][] t : c2) {
      for (double[][] z : t) {
        for (double[] y : z) {
          Arrays.fill(y, 10);
        }
      }
    }
    c1[0][0][1][1] = 1;
    c1[0][0][1][2] = 2;
    c1[0][1][1][1] = 3;
    c1[0][1][2][1] = 4;
    c1[2][0][0][1] = 9;
    return Images.hyperstack("raw.tif", Kind.SHORT, new double[][][][][] {c1, c2});
  }

  /** ZYX mask: tissue on the z = 0 plane only. */
  static ImagePlus maskImage() {
    double[][][][] m = Images.zeros(1, 3, 4, 5);
    for (double[] row : m[0][0]) {
      Arrays.fill(row, 255);
    }
    return Images.tzyx("mask.tif", Kind.BYTE, m);
  }

  @Test
  void measuresCentroidsVolumesAndExtentsOnAnisotropicVoxels() {
    LabelImageCells cells = new LabelImageReader().read(labelImage(), null, null);
    SpotCollection spots = cells.spots();
    assertEquals(Arrays.asList(0, 1, 2), new ArrayList<>(spots.byFrame().keySet()));
    assertTrue(spots.inFrame(1).isEmpty(), "the empty frame is kept");
    assertEquals(3, spots.size());

    // IDs in (frame, label) order: frame 0 label 1, frame 0 label 3, frame 2 label 1.
    Spot one = spots.get(0);
    assertEquals(0, one.frame());
    assertEquals(1.0, one.feature("LABEL"));
    assertEquals(4 * 0.25, one.x(), EPS);
    assertEquals(3 * 0.5, one.y(), EPS);
    assertEquals(2 * 2.0, one.z(), EPS);
    assertEquals(0.25, one.feature("VOLUME"), EPS);
    assertEquals(1.0, one.quality());

    Spot three = spots.get(1);
    assertEquals(0, three.frame());
    assertEquals(3.0, three.feature("LABEL"));
    // mean index x = (1+2+1+1)/4 = 1.25, y = (1+1+1+2)/4 = 1.25, z = (0+0+1+1)/4 = 0.5
    assertEquals(1.25 * 0.25, three.x(), EPS);
    assertEquals(1.25 * 0.5, three.y(), EPS);
    assertEquals(0.5 * 2.0, three.z(), EPS);
    assertEquals(1.0, three.feature("VOLUME"), EPS);
    assertEquals(Math.cbrt(3.0 / (4.0 * Math.PI)), three.radius(), EPS);
    assertEquals(4.0, three.quality());
    assertEquals(2 * 0.25, three.feature("EXTENT_X"), EPS);
    assertEquals(2 * 0.5, three.feature("EXTENT_Y"), EPS);
    assertEquals(2 * 2.0, three.feature("EXTENT_Z"), EPS);

    Spot late = spots.get(2);
    assertEquals(2, late.frame());
    assertEquals(0.5 * 0.25, late.x(), EPS);
    assertEquals(0.0, late.y(), EPS);
    assertEquals(0.0, late.z(), EPS);
    assertEquals(0.5, late.feature("VOLUME"), EPS);

    assertEquals(Arrays.asList("LABEL", "VOLUME", "EXTENT_X", "EXTENT_Y", "EXTENT_Z"), cells.featureKeys());
    assertEquals(cells.featureKeys(), new ArrayList<>(three.features().keySet()));
    assertNull(cells.tissueMask());
  }

  @Test
  void geometryComesFromTheCalibration() {
    ImageGeometry g = new LabelImageReader().read(labelImage(), null, null).geometry();
    assertEquals(5, g.width());
    assertEquals(4, g.height());
    assertEquals(3, g.slices());
    assertEquals(3, g.frames());
    assertEquals(VoxelSize.zyx(2.0, 0.5, 0.25), g.voxelSize());
    assertEquals(10.0, g.frameInterval());
    assertEquals("micron", g.spaceUnit());
    assertFalse(g.isPlanar());
  }

  @Test
  void overridesReplaceTheCalibration() {
    LabelImageCells cells =
        new LabelImageReader(VoxelSize.zyx(1.0, 1.0, 1.0), 3.0).read(labelImage(), null, null);
    Spot three = cells.spots().get(1);
    assertEquals(1.25, three.x(), EPS);
    assertEquals(1.25, three.y(), EPS);
    assertEquals(0.5, three.z(), EPS);
    assertEquals(4.0, three.feature("VOLUME"), EPS);
    assertEquals(3.0, cells.geometry().frameInterval());
  }

  @Test
  void frameIntervalDefaultsToOneWhenTheCalibrationHasNone() {
    ImagePlus l = Images.calibrate(Images.tzyx("l", Kind.SHORT, labels()), 2.0, 0.5, 0.25, 0.0, "micron");
    assertEquals(1.0, new LabelImageReader().read(l, null, null).geometry().frameInterval());
  }

  @Test
  void intensityFeaturesPerChannel() {
    LabelImageCells cells = new LabelImageReader().read(labelImage(), rawImage(), null);
    Spot three = cells.spots().get(1);
    assertEquals(2.5, three.feature("MEAN_INTENSITY_CH1"), EPS);
    assertEquals(10.0, three.feature("TOTAL_INTENSITY_CH1"), EPS);
    assertEquals(Math.sqrt(1.25), three.feature("STD_INTENSITY_CH1"), EPS);
    assertEquals(10.0, three.feature("MEAN_INTENSITY_CH2"), EPS);
    assertEquals(40.0, three.feature("TOTAL_INTENSITY_CH2"), EPS);
    assertEquals(0.0, three.feature("STD_INTENSITY_CH2"), EPS);
    Spot one = cells.spots().get(0);
    assertEquals(7.0, one.feature("MEAN_INTENSITY_CH1"), EPS);
    assertEquals(0.0, one.feature("STD_INTENSITY_CH1"), EPS);
    Spot late = cells.spots().get(2);
    assertEquals(8.0, late.feature("MEAN_INTENSITY_CH1"), EPS);
    assertEquals(16.0, late.feature("TOTAL_INTENSITY_CH1"), EPS);
    assertEquals(1.0, late.feature("STD_INTENSITY_CH1"), EPS);
    assertEquals(
        Arrays.asList(
            "LABEL", "VOLUME", "EXTENT_X", "EXTENT_Y", "EXTENT_Z",
            "MEAN_INTENSITY_CH1", "TOTAL_INTENSITY_CH1", "STD_INTENSITY_CH1",
            "MEAN_INTENSITY_CH2", "TOTAL_INTENSITY_CH2", "STD_INTENSITY_CH2"),
        cells.featureKeys());
  }

  @Test
  void insideTissueIsTheFractionOfVoxelsInTheMaskAndLabelsAreNotClipped() {
    LabelImageCells cells = new LabelImageReader().read(labelImage(), null, maskImage());
    Spot three = cells.spots().get(1);
    assertEquals(0.5, three.feature("INSIDE_TISSUE"), EPS);
    assertEquals(4.0, three.quality(), "the whole label is measured, not only its part in the mask");
    assertEquals(0.0, cells.spots().get(0).feature("INSIDE_TISSUE"), EPS);
    assertEquals(1.0, cells.spots().get(2).feature("INSIDE_TISSUE"), EPS);
    assertEquals("mask.tif", cells.tissueMask().source());
    assertEquals(VoxelSize.zyx(2.0, 0.5, 0.25), cells.tissueMask().voxelSize());
  }

  @Test
  void aTimeResolvedMaskIsUsedFrameByFrame() {
    double[][][][] m = Images.zeros(3, 3, 4, 5);
    m[0][0][1][1] = 1; // frame 0: one of label 3's voxels
    m[2][0][0][0] = 1; // frame 2: one of the two voxels of label 1
    ImagePlus mask = Images.tzyx("mask.tif", Kind.BYTE, m);
    SpotCollection s = new LabelImageReader().read(labelImage(), null, mask).spots();
    assertEquals(0.25, s.get(1).feature("INSIDE_TISSUE"), EPS);
    assertEquals(0.5, s.get(2).feature("INSIDE_TISSUE"), EPS);
  }

  @Test
  void planarImagesGiveAreaAndDiscRadius() {
    double[][][][] l = Images.zeros(1, 1, 3, 3);
    l[0][0][0][0] = 2;
    l[0][0][0][1] = 2;
    l[0][0][1][0] = 2;
    ImagePlus imp = Images.calibrate(Images.tzyx("2d", Kind.BYTE, l), 5.0, 0.5, 0.5, 1.0, "micron");
    LabelImageCells cells = new LabelImageReader().read(imp, null, null);
    Spot s = cells.spots().get(0);
    assertEquals(0.75, s.feature("VOLUME"), EPS);
    assertEquals(Math.sqrt(0.75 / Math.PI), s.radius(), EPS);
    assertEquals(0.0, s.z());
    assertEquals(1.0 / 3.0 * 0.5, s.x(), EPS);
    assertNull(s.feature("EXTENT_Z"));
    assertTrue(cells.geometry().isPlanar());
    assertEquals(Arrays.asList("LABEL", "VOLUME", "EXTENT_X", "EXTENT_Y"), cells.featureKeys());
  }

  @Test
  void readsTiffFilesWrittenByImageJ() throws IOException {
    Path l = dir.resolve("labels.tif");
    Path r = dir.resolve("raw.tif");
    Path m = dir.resolve("mask.tif");
    assertTrue(new FileSaver(labelImage()).saveAsTiff(l.toString()));
    assertTrue(new FileSaver(rawImage()).saveAsTiff(r.toString()));
    assertTrue(new FileSaver(maskImage()).saveAsTiff(m.toString()));
    LabelImageCells fromFiles = new LabelImageReader().read(l, r, m);
    LabelImageCells inMemory = new LabelImageReader().read(labelImage(), rawImage(), maskImage());
    assertEquals(inMemory.spots().all(), fromFiles.spots().all());
    assertEquals(10.0, fromFiles.geometry().frameInterval());
    assertEquals(VoxelSize.zyx(2.0, 0.5, 0.25), fromFiles.geometry().voxelSize());
    assertEquals(3, fromFiles.geometry().frames());
  }

  /** A minimal little-endian TIFF of 32-bit integers (no SampleFormat tag: unsigned integer). */
  private static byte[] int32Tiff(int w, int h, int[] values) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(134 + 4 * w * h).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    int[][] tags = {
      {256, 3, w}, {257, 3, h}, {258, 3, 32}, {259, 3, 1}, {262, 3, 1},
      {273, 4, 134}, {277, 3, 1}, {278, 3, h}, {279, 4, 4 * w * h}, {284, 3, 1}
    };
    b.putShort((short) tags.length);
    for (int[] t : tags) {
      b.putShort((short) t[0]).putShort((short) t[1]).putInt(1);
      if (t[1] == 3) {
        b.putShort((short) t[2]).putShort((short) 0);
      } else {
        b.putInt(t[2]);
      }
    }
    b.putInt(0);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  @Test
  void thirtyTwoBitIntegerLabelTiffsAreAccepted() throws IOException {
    Path p = dir.resolve("int32.tif");
    Files.write(p, int32Tiff(3, 2, new int[] {70000, 70000, 0, 0, 5, 0}));
    SpotCollection s = new LabelImageReader(VoxelSize.zyx(1, 1, 1), null).read(p, null, null).spots();
    assertEquals(2, s.size());
    assertEquals(5.0, s.get(0).feature("LABEL"));
    assertEquals(1.0, s.get(0).x());
    assertEquals(1.0, s.get(0).y());
    assertEquals(70000.0, s.get(1).feature("LABEL"));
    assertEquals(0.5, s.get(1).x(), EPS);
    assertEquals(2.0, s.get(1).quality());
  }

  @Test
  void eightBitLabelsWork() {
    ImagePlus l = Images.calibrate(Images.tzyx("l8", Kind.BYTE, labels()), 2.0, 0.5, 0.25, 1.0, "micron");
    assertEquals(
        new LabelImageReader().read(labelImage(), null, null).spots().all(),
        new LabelImageReader().read(l, null, null).spots().all());
  }

  @Test
  void aMaskWithFewerFramesThanAFrameAskedIsAnError() {
    double[][][][] m = Images.zeros(2, 3, 4, 5);
    TissueMask mask = TissueMask.of(Images.tzyx("m2.tif", Kind.BYTE, m), VoxelSize.zyx(1, 1, 1));
    BadInputException e = assertThrows(BadInputException.class, () -> mask.isTissue(4, 0, 0, 0));
    assertTrue(e.getMessage().startsWith("m2.tif: frame 4: the mask has 2 frames"), e.getMessage());
  }

  // ---- errors ------------------------------------------------------------------------------

  private static String error(Runnable r) {
    BadInputException e = assertThrows(BadInputException.class, r::run);
    assertFalse(e.getMessage().contains("\n"));
    return e.getMessage();
  }

  @Test
  void floatLabelsAreRejected() {
    ImagePlus f = Images.tzyx("float.tif", Kind.FLOAT, labels());
    String m = error(() -> new LabelImageReader().read(f, null, null));
    assertTrue(m.startsWith("float.tif: is a 32-bit floating-point image; expected an integer label image"), m);
  }

  @Test
  void floatLabelsFromAFileAreRejected() {
    Path p = dir.resolve("float.tif");
    assertTrue(new FileSaver(Images.tzyx("float", Kind.FLOAT, labels())).saveAsTiff(p.toString()));
    String m = error(() -> new LabelImageReader().read(p, null, null));
    assertTrue(m.startsWith(p + ": is a 32-bit floating-point image"), m);
  }

  @Test
  void rgbLabelsAreRejected() {
    ImagePlus rgb = Images.tzyx("rgb.tif", Kind.RGB, labels());
    assertTrue(error(() -> new LabelImageReader().read(rgb, null, null)).contains("is an RGB image"));
  }

  @Test
  void multiChannelLabelsAreRejected() {
    ImagePlus two = Images.hyperstack("two.tif", Kind.SHORT, new double[][][][][] {labels(), labels()});
    String m = error(() -> new LabelImageReader().read(two, null, null));
    assertTrue(m.contains("has 2 channels, shape (C=2, T=3, Z=3, Y=4, X=5)"), m);
  }

  @Test
  void rawShapeMismatchNamesBothShapes() {
    ImagePlus raw = Images.tzyx("raw.tif", Kind.SHORT, Images.zeros(3, 3, 4, 6));
    String m = error(() -> new LabelImageReader().read(labelImage(), raw, null));
    assertEquals(
        "raw.tif: raw image shape (T=3, Z=3, Y=4, X=6) does not match label image labels.tif shape"
            + " (T=3, Z=3, Y=4, X=5); expected the same T, Z, Y and X (channels may differ)",
        m);
    ImagePlus fewerFrames = Images.tzyx("raw2.tif", Kind.SHORT, Images.zeros(2, 3, 4, 5));
    assertTrue(error(() -> new LabelImageReader().read(labelImage(), fewerFrames, null)).contains("(T=2, Z=3, Y=4, X=5)"));
  }

  @Test
  void rgbRawIsRejected() {
    ImagePlus raw = Images.tzyx("rgbraw.tif", Kind.RGB, Images.zeros(3, 3, 4, 5));
    assertTrue(error(() -> new LabelImageReader().read(labelImage(), raw, null)).startsWith("rgbraw.tif: is an RGB image"));
  }

  @Test
  void maskShapeMismatchNamesBothShapes() {
    ImagePlus mask = Images.tzyx("mask.tif", Kind.BYTE, Images.zeros(1, 2, 4, 5));
    String m = error(() -> new LabelImageReader().read(labelImage(), null, mask));
    assertEquals(
        "mask.tif: tissue mask shape (T=1, Z=2, Y=4, X=5) does not match label image labels.tif shape"
            + " (T=3, Z=3, Y=4, X=5); expected the same Z, Y and X, and T = 1 or the labels' T",
        m);
    ImagePlus twoFrames = Images.tzyx("mask2.tif", Kind.BYTE, Images.zeros(2, 3, 4, 5));
    assertTrue(error(() -> new LabelImageReader().read(labelImage(), null, twoFrames)).startsWith("mask2.tif: tissue mask shape (T=2"));
  }

  @Test
  void missingAndUnreadableFilesAreErrors() throws IOException {
    Path absent = dir.resolve("absent.tif");
    assertEquals(
        absent + ": file not found; expected the label image",
        error(() -> new LabelImageReader().read(absent, null, null)));
    Path text = dir.resolve("notes.tif");
    Files.write(text, "not an image".getBytes("UTF-8"));
    String m = error(() -> new LabelImageReader().read(text, null, null));
    assertTrue(m.startsWith(text + ": ImageJ cannot open it as an image"), m);
    Path l = dir.resolve("labels.tif");
    assertTrue(new FileSaver(labelImage()).saveAsTiff(l.toString()));
    assertTrue(error(() -> new LabelImageReader().read(l, dir.resolve("raw.tif"), null)).contains("expected the raw image"));
    assertTrue(error(() -> new LabelImageReader().read(l, null, dir.resolve("m.tif"))).contains("expected the tissue mask"));
  }

  @Test
  void badOverridesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LabelImageReader(null, 0.0));
    assertThrows(IllegalArgumentException.class, () -> VoxelSize.zyx(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> VoxelSize.zyx(1, Double.NaN, 1));
  }

  @Test
  void theReaderKeepsTheMaskItRead() {
    ImagePlus mask = maskImage();
    LabelImageCells cells = new LabelImageReader().read(labelImage(), null, mask);
    assertSame(cells.tissueMask(), cells.tissueMask());
    assertTrue(cells.tissueMask().isTissue(2, 0, 3, 4));
    assertFalse(cells.tissueMask().isTissue(0, 1, 0, 0));
    List<Spot> all = cells.spots().all();
    assertEquals(3, all.size());
  }
}
