package org.volltrack.btrackmate.io;

/**
 * The geometry of the label image that spots were read from: its size in voxels, its calibration
 * and its frame interval, as the TrackMate XML's {@code ImageData} needs them. Immutable.
 */
public final class ImageGeometry {

  private final int width;
  private final int height;
  private final int slices;
  private final int frames;
  private final VoxelSize voxelSize;
  private final double frameInterval;
  private final String spaceUnit;
  private final String timeUnit;

  /**
   * @param width size along X, voxels
   * @param height size along Y, voxels
   * @param slices size along Z, voxels (1 for 2D)
   * @param frames number of time points
   * @param voxelSize physical voxel size
   * @param frameInterval time between frames (&gt; 0)
   * @param spaceUnit unit of the voxel size (e.g. "micron", "pixel")
   * @param timeUnit unit of the frame interval (e.g. "sec", "frame")
   */
  public ImageGeometry(
      int width,
      int height,
      int slices,
      int frames,
      VoxelSize voxelSize,
      double frameInterval,
      String spaceUnit,
      String timeUnit) {
    if (width < 1 || height < 1 || slices < 1 || frames < 1) {
      throw new IllegalArgumentException(
          "image sizes must be >= 1, got X=" + width + ", Y=" + height + ", Z=" + slices + ", T=" + frames);
    }
    if (!(frameInterval > 0) || Double.isInfinite(frameInterval)) {
      throw new IllegalArgumentException("frame interval must be finite and > 0, got " + frameInterval);
    }
    this.width = width;
    this.height = height;
    this.slices = slices;
    this.frames = frames;
    this.voxelSize = java.util.Objects.requireNonNull(voxelSize, "voxelSize");
    this.frameInterval = frameInterval;
    this.spaceUnit = spaceUnit == null ? "pixel" : spaceUnit;
    this.timeUnit = timeUnit == null ? "frame" : timeUnit;
  }

  /** Size along X in voxels. */
  public int width() {
    return width;
  }

  /** Size along Y in voxels. */
  public int height() {
    return height;
  }

  /** Size along Z in voxels (1 for 2D images). */
  public int slices() {
    return slices;
  }

  /** Number of time points. */
  public int frames() {
    return frames;
  }

  /** The voxel size used for the spots' physical positions. */
  public VoxelSize voxelSize() {
    return voxelSize;
  }

  /** Time between frames, in {@link #timeUnit()}. */
  public double frameInterval() {
    return frameInterval;
  }

  /** Unit of the voxel size. */
  public String spaceUnit() {
    return spaceUnit;
  }

  /** Unit of the frame interval. */
  public String timeUnit() {
    return timeUnit;
  }

  /**
   * The calibration TrackMate's XML needs ({@code ImageData} pixel sizes and frame interval, the
   * model's units): this geometry's voxel size, frame interval and units.
   */
  public org.volltrack.btrackmate.model.Calibration calibration() {
    return org.volltrack.btrackmate.model.Calibration.of(
        voxelSize.x(), voxelSize.y(), voxelSize.z(), frameInterval, spaceUnit, timeUnit);
  }

  /**
   * The {@code ImageData} description of the image file this geometry was read from.
   *
   * @param image the image file, or {@code null} when unknown (empty file name and folder)
   */
  public ImageInfo imageInfo(java.nio.file.Path image) {
    String name = "";
    String folder = "";
    if (image != null) {
      java.nio.file.Path abs = image.toAbsolutePath().normalize();
      name = abs.getFileName() == null ? "" : abs.getFileName().toString();
      folder = abs.getParent() == null ? "" : abs.getParent().toString() + java.io.File.separator;
    }
    return new ImageInfo(name, folder, width, height, slices, frames);
  }

  /** True for 2D images (a single Z slice). */
  public boolean isPlanar() {
    return slices == 1;
  }

  @Override
  public String toString() {
    return "ImageGeometry[T=" + frames + ", Z=" + slices + ", Y=" + height + ", X=" + width
        + ", " + voxelSize + ", dt=" + frameInterval + "]";
  }
}
