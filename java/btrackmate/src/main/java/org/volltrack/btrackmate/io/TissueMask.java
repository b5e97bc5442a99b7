package org.volltrack.btrackmate.io;

import ij.ImagePlus;
import java.nio.file.Path;

/**
 * A tissue mask: non-zero voxels are tissue. Either ZYX (one volume for every frame) or TZYX (one
 * volume per frame). Read-only: it keeps the image's pixel arrays and never changes them.
 *
 * <p>A physical point (x, y, z) falls in the voxel of nearest index, {@code round(x / voxel size x)}
 * and so on (the voxel-centre convention of TrackMate: voxel i is centred at i × voxel size).
 */
public final class TissueMask {

  private final Hyperstack image;
  private final VoxelSize voxelSize;

  private TissueMask(Hyperstack image, VoxelSize voxelSize) {
    if (image.channels() != 1) {
      throw new BadInputException(
          image.source(), "", "has " + image.channels() + " channels, shape " + image.shape()
              + "; expected a single-channel ZYX or TZYX tissue mask");
    }
    if (image.isRgb()) {
      throw new BadInputException(image.source(), "", "is an RGB image; expected a grayscale mask");
    }
    this.image = image;
    this.voxelSize = voxelSize;
  }

  /**
   * Opens a mask file.
   *
   * @param voxelSize the voxel size, or {@code null} to use the file's ImageJ calibration
   * @throws BadInputException when the file is missing or not a single-channel grayscale image
   */
  public static TissueMask open(Path file, VoxelSize voxelSize) {
    Hyperstack h = Hyperstack.open(file, "tissue mask");
    return new TissueMask(h, voxelSize == null ? LabelImageReader.calibration(h) : voxelSize);
  }

  /**
   * A mask from an image in memory (its title names it in error messages).
   *
   * @param voxelSize the voxel size, or {@code null} to use the image's calibration
   */
  public static TissueMask of(ImagePlus mask, VoxelSize voxelSize) {
    Hyperstack h = Hyperstack.of(mask);
    return new TissueMask(h, voxelSize == null ? LabelImageReader.calibration(h) : voxelSize);
  }

  static TissueMask of(Hyperstack mask, VoxelSize voxelSize) {
    return new TissueMask(mask, voxelSize);
  }

  /** The file (or image title) the mask came from. */
  public String source() {
    return image.source();
  }

  /** The voxel size used to map physical points to voxels. */
  public VoxelSize voxelSize() {
    return voxelSize;
  }

  /** Number of frames: 1 for a ZYX mask used for every frame. */
  public int frames() {
    return image.frames();
  }

  /** The mask's shape as text, e.g. {@code (T=1, Z=3, Y=4, X=5)}. */
  public String shape() {
    return image.shape();
  }

  Hyperstack image() {
    return image;
  }

  /**
   * The frame of the mask used for movie frame {@code frame}: 0 for a ZYX mask.
   *
   * @throws BadInputException when a TZYX mask has no such frame
   */
  int maskFrame(int frame) {
    if (image.frames() == 1) {
      return 0;
    }
    if (frame < 0 || frame >= image.frames()) {
      throw new BadInputException(
          image.source(), "frame " + frame, "the mask has " + image.frames()
              + " frames; expected a ZYX mask or a TZYX mask with a volume for every frame of the cells");
    }
    return frame;
  }

  /** True when voxel (z, y, x) of the given movie frame is tissue; false outside the image. */
  public boolean isTissue(int frame, int z, int y, int x) {
    if (z < 0 || y < 0 || x < 0 || z >= image.slices() || y >= image.height() || x >= image.width()) {
      return false;
    }
    Object plane = image.plane(0, z, maskFrame(frame));
    return image.value(plane, y * image.width() + x) != 0;
  }

  /**
   * True when the voxel nearest to the physical point (x, y, z) in the given frame is tissue;
   * false when the point lies outside the image.
   */
  public boolean containsPoint(int frame, double x, double y, double z) {
    long ix = Math.round(x / voxelSize.x());
    long iy = Math.round(y / voxelSize.y());
    long iz = Math.round(z / voxelSize.z());
    if (ix < 0 || iy < 0 || iz < 0 || ix > Integer.MAX_VALUE || iy > Integer.MAX_VALUE || iz > Integer.MAX_VALUE) {
      return false;
    }
    return isTissue(frame, (int) iz, (int) iy, (int) ix);
  }
}
