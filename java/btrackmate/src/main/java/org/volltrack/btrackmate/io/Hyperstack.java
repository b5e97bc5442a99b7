package org.volltrack.btrackmate.io;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileInfo;
import ij.io.Opener;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Read-only voxel access to an ImageJ 1 image seen as a (C, T, Z, Y, X) hyperstack, with the name
 * used in error messages. Opening never shows a window and never calls {@code IJ.run}.
 */
final class Hyperstack {

  private final ImagePlus imp;
  private final String source;
  private final ImageStack stack;
  private final int offset;

  private Hyperstack(ImagePlus imp, String source) {
    this.imp = imp;
    this.source = source;
    this.stack = imp.getStack();
    this.offset = imp.getCalibration().isSigned16Bit() ? 32768 : 0;
  }

  /** Wraps an image already in memory; its title names it in error messages. */
  static Hyperstack of(ImagePlus imp) {
    String title = imp.getTitle();
    return new Hyperstack(imp, title == null || title.isEmpty() ? "image" : title);
  }

  /**
   * Opens an image file (TIFF, or any other format ImageJ 1 opens without plugins).
   *
   * @throws BadInputException when the file is missing or ImageJ cannot open it
   */
  static Hyperstack open(Path file, String what) {
    String source = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(source, "", "file not found; expected the " + what);
    }
    ImagePlus imp = new Opener().openImage(file.toAbsolutePath().toString());
    if (imp == null) {
      throw new BadInputException(
          source, "", "ImageJ cannot open it as an image; expected the " + what + " as a TIFF");
    }
    return new Hyperstack(imp, source);
  }

  String source() {
    return source;
  }

  ImagePlus image() {
    return imp;
  }

  int channels() {
    return imp.getNChannels();
  }

  int slices() {
    return imp.getNSlices();
  }

  int frames() {
    return imp.getNFrames();
  }

  int width() {
    return imp.getWidth();
  }

  int height() {
    return imp.getHeight();
  }

  /** The shape as text for error messages, e.g. {@code (T=2, Z=3, Y=4, X=5)} or with {@code C=2}. */
  String shape() {
    return "(" + (channels() > 1 ? "C=" + channels() + ", " : "") + "T=" + frames() + ", Z="
        + slices() + ", Y=" + height() + ", X=" + width() + ")";
  }

  boolean isRgb() {
    return imp.getType() == ImagePlus.COLOR_RGB || imp.getType() == ImagePlus.COLOR_256;
  }

  /**
   * True for images whose voxels hold integers: 8- and 16-bit images, and 32-bit images that ImageJ
   * converted from a 32-bit integer TIFF.
   */
  boolean isIntegerTyped() {
    int type = imp.getType();
    if (type == ImagePlus.GRAY8 || type == ImagePlus.GRAY16) {
      return true;
    }
    if (type == ImagePlus.GRAY32) {
      FileInfo fi = imp.getOriginalFileInfo();
      return fi != null
          && (fi.fileType == FileInfo.GRAY32_INT || fi.fileType == FileInfo.GRAY32_UNSIGNED);
    }
    return false;
  }

  /** The pixel array of one plane (0-based channel, slice, frame). */
  Object plane(int c, int z, int t) {
    return stack.getPixels(imp.getStackIndex(c + 1, z + 1, t + 1));
  }

  /** The value at index {@code i} of a plane array, with ImageJ's signed-16-bit offset undone. */
  double value(Object plane, int i) {
    if (plane instanceof byte[]) {
      return ((byte[]) plane)[i] & 0xff;
    }
    if (plane instanceof short[]) {
      return (((short[]) plane)[i] & 0xffff) - offset;
    }
    if (plane instanceof float[]) {
      return ((float[]) plane)[i];
    }
    throw new BadInputException(source, "", "unsupported pixel type; expected a grayscale image");
  }
}
