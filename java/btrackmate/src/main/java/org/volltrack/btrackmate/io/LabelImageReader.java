package org.volltrack.btrackmate.io;

import ij.ImagePlus;
import ij.measure.Calibration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Reads cells from an integer label image (ZYX or TZYX; 0 = background), with an optional raw image
 * for intensities and an optional tissue mask.
 *
 * <p>Per label per frame it makes one spot:
 *
 * <ul>
 *   <li>position: the mean voxel index along each axis times the voxel size (voxel i is centred at
 *       i × voxel size, TrackMate's convention; no half-voxel shift);
 *   <li>{@code QUALITY}: the voxel count (as TrackMate's label-image detector);
 *   <li>{@code VOLUME}: voxel count × voxel volume; for a 2D image (one Z slice) the area, voxel count
 *       × x × y;
 *   <li>{@code RADIUS}: the radius of the sphere of that volume, ∛(3V/4π), or of the disc of that
 *       area, √(A/π), for 2D;
 *   <li>{@code LABEL}: the label value;
 *   <li>{@code EXTENT_X}, {@code EXTENT_Y}, {@code EXTENT_Z} (3D only): the bounding box sides,
 *       (max index − min index + 1) × voxel size;
 *   <li>with a raw image of C channels, for each channel c = 1..C: {@code MEAN_INTENSITY_CHc},
 *       {@code TOTAL_INTENSITY_CHc} (sum) and {@code STD_INTENSITY_CHc} (population standard
 *       deviation, divisor n) of the raw values under the label;
 *   <li>with a tissue mask: {@code INSIDE_TISSUE}, the fraction of the label's voxels where the mask is
 *       non-zero.
 * </ul>
 *
 * <p>Spot IDs are 0, 1, 2, … in the order (frame, label value); the spot collection has every frame
 * of the image, empty ones included. Labels are never zeroed outside the mask (BTrackMate's bug):
 * the mask only measures.
 *
 * <p>Shapes: the raw image must have the labels' T, Z, Y and X (any number of channels); the mask
 * must have the labels' Z, Y and X and either 1 frame (used for every frame) or the labels' T. The
 * voxel size is the labels' ImageJ calibration unless overridden; the frame interval is the labels'
 * calibration (1 when it is 0, as TrackMate does) unless overridden. The calibration of the raw and
 * mask images is not used. Pixel values are raw stored values (ImageJ's signed-16-bit offset undone;
 * no other calibration function applied). Instances are immutable and may be shared.
 */
public final class LabelImageReader {

  private final VoxelSize voxelSize;
  private final Double frameInterval;

  /** A reader that uses the label image's own calibration. */
  public LabelImageReader() {
    this(null, null);
  }

  /**
   * A reader with overrides.
   *
   * @param voxelSize the voxel size to use instead of the label image's calibration, or {@code null}
   * @param frameInterval the frame interval to use instead of the calibration's, or {@code null}
   * @throws IllegalArgumentException when the frame interval is not finite and &gt; 0
   */
  public LabelImageReader(VoxelSize voxelSize, Double frameInterval) {
    if (frameInterval != null && (!(frameInterval > 0) || Double.isInfinite(frameInterval))) {
      throw new IllegalArgumentException("frame interval must be finite and > 0, got " + frameInterval);
    }
    this.voxelSize = voxelSize;
    this.frameInterval = frameInterval;
  }

  /**
   * Reads label, raw and mask image files.
   *
   * @param labels the label image (required)
   * @param raw the raw image, or {@code null}
   * @param mask the tissue mask, or {@code null}
   * @throws BadInputException when a file is missing or unreadable, or the images do not fit
   */
  public LabelImageCells read(Path labels, Path raw, Path mask) {
    Hyperstack l = Hyperstack.open(labels, "label image");
    Hyperstack r = raw == null ? null : Hyperstack.open(raw, "raw image");
    Hyperstack m = mask == null ? null : Hyperstack.open(mask, "tissue mask");
    return read(l, r, m);
  }

  /**
   * Reads images already in memory; their titles name them in error messages.
   *
   * @param labels the label image (required)
   * @param raw the raw image, or {@code null}
   * @param mask the tissue mask, or {@code null}
   * @throws BadInputException when the images do not fit
   */
  public LabelImageCells read(ImagePlus labels, ImagePlus raw, ImagePlus mask) {
    return read(
        Hyperstack.of(labels),
        raw == null ? null : Hyperstack.of(raw),
        mask == null ? null : Hyperstack.of(mask));
  }

  /** The voxel size from an image's ImageJ calibration. */
  static VoxelSize calibration(Hyperstack h) {
    Calibration cal = h.image().getCalibration();
    try {
      return VoxelSize.zyx(cal.pixelDepth, cal.pixelHeight, cal.pixelWidth);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          h.source(), "calibration", e.getMessage() + "; set the voxel size explicitly");
    }
  }

  private LabelImageCells read(Hyperstack labels, Hyperstack raw, Hyperstack mask) {
    checkLabels(labels);
    if (raw != null) {
      checkRaw(labels, raw);
    }
    VoxelSize vs = voxelSize == null ? calibration(labels) : voxelSize;
    TissueMask tissue = null;
    if (mask != null) {
      tissue = TissueMask.of(mask, vs);
      checkMask(labels, mask);
    }
    Calibration cal = labels.image().getCalibration();
    double dt = frameInterval != null ? frameInterval : (cal.frameInterval > 0 ? cal.frameInterval : 1.0);
    ImageGeometry geometry =
        new ImageGeometry(
            labels.width(), labels.height(), labels.slices(), labels.frames(), vs, dt,
            cal.getUnit(), cal.getTimeUnit());

    int channels = raw == null ? 0 : raw.channels();
    List<String> keys = featureKeys(geometry.isPlanar(), channels, tissue != null);
    List<Spot> spots = new ArrayList<>();
    long nextId = 0;
    for (int t = 0; t < labels.frames(); t++) {
      Map<Integer, Region> regions = measureFrame(labels, raw, tissue, t, channels);
      for (Map.Entry<Integer, Region> e : regions.entrySet()) {
        spots.add(e.getValue().toSpot(nextId++, t, e.getKey(), geometry, channels, tissue != null));
      }
    }
    return new LabelImageCells(
        SpotCollection.of(spots, 0, labels.frames() - 1), geometry, keys, tissue);
  }

  private static List<String> featureKeys(boolean planar, int channels, boolean tissue) {
    List<String> keys = new ArrayList<>();
    keys.add(CellColumns.LABEL_KEY);
    keys.add(CellColumns.VOLUME_KEY);
    keys.add("EXTENT_X");
    keys.add("EXTENT_Y");
    if (!planar) {
      keys.add("EXTENT_Z");
    }
    for (int c = 1; c <= channels; c++) {
      keys.add("MEAN_INTENSITY_CH" + c);
      keys.add("TOTAL_INTENSITY_CH" + c);
      keys.add("STD_INTENSITY_CH" + c);
    }
    if (tissue) {
      keys.add(CellColumns.INSIDE_TISSUE_KEY);
    }
    return keys;
  }

  private static void checkLabels(Hyperstack labels) {
    if (labels.channels() != 1) {
      throw new BadInputException(
          labels.source(), "", "has " + labels.channels() + " channels, shape " + labels.shape()
              + "; expected a single-channel ZYX or TZYX label image");
    }
    if (!labels.isIntegerTyped()) {
      String type = labels.isRgb() ? "an RGB" : "a 32-bit floating-point";
      throw new BadInputException(
          labels.source(), "", "is " + type + " image; expected an integer label image (8-, 16- or 32-bit integer)");
    }
  }

  private static void checkRaw(Hyperstack labels, Hyperstack raw) {
    if (raw.isRgb()) {
      throw new BadInputException(
          raw.source(), "", "is an RGB image; expected a grayscale raw image (split the colour channels)");
    }
    if (raw.frames() != labels.frames() || raw.slices() != labels.slices()
        || raw.height() != labels.height() || raw.width() != labels.width()) {
      throw new BadInputException(
          raw.source(), "", "raw image shape " + raw.shape() + " does not match label image "
              + labels.source() + " shape " + labels.shape()
              + "; expected the same T, Z, Y and X (channels may differ)");
    }
  }

  private static void checkMask(Hyperstack labels, Hyperstack mask) {
    if (mask.slices() != labels.slices() || mask.height() != labels.height()
        || mask.width() != labels.width()
        || (mask.frames() != 1 && mask.frames() != labels.frames())) {
      throw new BadInputException(
          mask.source(), "", "tissue mask shape " + mask.shape() + " does not match label image "
              + labels.source() + " shape " + labels.shape()
              + "; expected the same Z, Y and X, and T = 1 or the labels' T");
    }
  }

  private static Map<Integer, Region> measureFrame(
      Hyperstack labels, Hyperstack raw, TissueMask tissue, int t, int channels) {
    Map<Integer, Region> regions = new HashMap<>();
    int w = labels.width();
    int h = labels.height();
    Object[] rawPlanes = new Object[channels];
    for (int z = 0; z < labels.slices(); z++) {
      Object labelPlane = labels.plane(0, z, t);
      for (int c = 0; c < channels; c++) {
        rawPlanes[c] = raw.plane(c, z, t);
      }
      Object maskPlane = tissue == null ? null : tissue.image().plane(0, z, tissue.maskFrame(t));
      Region last = null;
      int lastLabel = 0;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int i = y * w + x;
          double v = labels.value(labelPlane, i);
          if (v == 0) {
            continue;
          }
          int label = checkLabelValue(labels, v, t, z, y, x);
          if (last == null || label != lastLabel) {
            last = regions.get(label);
            if (last == null) {
              last = new Region(channels);
              regions.put(label, last);
            }
            lastLabel = label;
          }
          last.add(x, y, z);
          for (int c = 0; c < channels; c++) {
            last.addIntensity(c, raw.value(rawPlanes[c], i));
          }
          if (maskPlane != null && tissue.image().value(maskPlane, i) != 0) {
            last.inside++;
          }
        }
      }
    }
    return new TreeMap<>(regions);
  }

  private static int checkLabelValue(Hyperstack labels, double v, int t, int z, int y, int x) {
    if (v < 0 || v != Math.rint(v) || v > 16777216) {
      throw new BadInputException(
          labels.source(), "voxel (t=" + t + ", z=" + z + ", y=" + y + ", x=" + x + ")",
          "label value " + v + "; expected an integer label between 0 and 16777216");
    }
    return (int) v;
  }

  /** Running sums for one label in one frame. */
  private static final class Region {
    long count;
    long sumX;
    long sumY;
    long sumZ;
    int minX = Integer.MAX_VALUE;
    int minY = Integer.MAX_VALUE;
    int minZ = Integer.MAX_VALUE;
    int maxX = -1;
    int maxY = -1;
    int maxZ = -1;
    long inside;
    final double[] total;
    final double[] mean;
    final double[] m2;

    Region(int channels) {
      total = new double[channels];
      mean = new double[channels];
      m2 = new double[channels];
    }

    void add(int x, int y, int z) {
      count++;
      sumX += x;
      sumY += y;
      sumZ += z;
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      minZ = Math.min(minZ, z);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
      maxZ = Math.max(maxZ, z);
    }

    /** Welford's update; called after {@link #add}, so {@code count} already includes this voxel. */
    void addIntensity(int c, double v) {
      total[c] += v;
      double delta = v - mean[c];
      mean[c] += delta / count;
      m2[c] += delta * (v - mean[c]);
    }

    Spot toSpot(long id, int frame, int label, ImageGeometry g, int channels, boolean tissue) {
      VoxelSize vs = g.voxelSize();
      double n = count;
      double x = sumX / n * vs.x();
      double y = sumY / n * vs.y();
      double z = sumZ / n * vs.z();
      double volume;
      double radius;
      if (g.isPlanar()) {
        volume = n * vs.x() * vs.y();
        radius = Math.sqrt(volume / Math.PI);
      } else {
        volume = n * vs.volume();
        radius = Math.cbrt(3.0 * volume / (4.0 * Math.PI));
      }
      Spot.Builder b = Spot.builder(id, frame, x, y, z).radius(radius).quality(n);
      b.feature(CellColumns.LABEL_KEY, label);
      b.feature(CellColumns.VOLUME_KEY, volume);
      b.feature("EXTENT_X", (maxX - minX + 1) * vs.x());
      b.feature("EXTENT_Y", (maxY - minY + 1) * vs.y());
      if (!g.isPlanar()) {
        b.feature("EXTENT_Z", (maxZ - minZ + 1) * vs.z());
      }
      for (int c = 0; c < channels; c++) {
        b.feature("MEAN_INTENSITY_CH" + (c + 1), total[c] / n);
        b.feature("TOTAL_INTENSITY_CH" + (c + 1), total[c]);
        b.feature("STD_INTENSITY_CH" + (c + 1), Math.sqrt(m2[c] / n));
      }
      if (tissue) {
        b.feature(CellColumns.INSIDE_TISSUE_KEY, inside / n);
      }
      return b.build();
    }
  }
}
