package org.volltrack.btrackmate.io;

import java.util.Objects;

/**
 * The image a TrackMate file refers to ({@code Settings/ImageData}): file name, folder and size in
 * pixels, slices and frames. The voxel size and frame interval are in {@link
 * org.volltrack.btrackmate.model.Calibration}. An immutable value; empty name and folder mean
 * "no image" (Fiji then builds an empty canvas from the spot extents, spec §2.9).
 */
public final class ImageInfo {
  private final String filename;
  private final String folder;
  private final int width;
  private final int height;
  private final int nslices;
  private final int nframes;

  /**
   * An image description.
   *
   * @throws IllegalArgumentException when a size is &lt; 1 or a string is null
   */
  public ImageInfo(String filename, String folder, int width, int height, int nslices, int nframes) {
    this.filename = Objects.requireNonNull(filename, "filename");
    this.folder = Objects.requireNonNull(folder, "folder");
    if (width < 1 || height < 1 || nslices < 1 || nframes < 1) {
      throw new IllegalArgumentException(
          "image sizes must be >= 1, got width=" + width + " height=" + height + " nslices="
              + nslices + " nframes=" + nframes);
    }
    this.width = width;
    this.height = height;
    this.nslices = nslices;
    this.nframes = nframes;
  }

  /** The file name, or "" when unknown. */
  public String filename() {
    return filename;
  }

  /** The folder (TrackMate writes it with a trailing separator), or "" when unknown. */
  public String folder() {
    return folder;
  }

  /** Width in pixels. */
  public int width() {
    return width;
  }

  /** Height in pixels. */
  public int height() {
    return height;
  }

  /** Number of Z slices. */
  public int nslices() {
    return nslices;
  }

  /** Number of frames. */
  public int nframes() {
    return nframes;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ImageInfo)) {
      return false;
    }
    ImageInfo i = (ImageInfo) o;
    return filename.equals(i.filename)
        && folder.equals(i.folder)
        && width == i.width
        && height == i.height
        && nslices == i.nslices
        && nframes == i.nframes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(filename, folder, width, height, nslices, nframes);
  }

  @Override
  public String toString() {
    return "ImageInfo[" + folder + filename + ", " + width + "x" + height + "x" + nslices + ", "
        + nframes + " frames]";
  }
}
