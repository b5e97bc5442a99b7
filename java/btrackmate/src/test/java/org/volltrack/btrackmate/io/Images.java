package org.volltrack.btrackmate.io;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/** Builds small ImageJ hyperstacks for tests. */
final class Images {

  private Images() {}

  /** Bit depths understood by {@link #hyperstack}. */
  enum Kind {
    BYTE,
    SHORT,
    FLOAT,
    RGB
  }

  /** A single-channel TZYX image: values[t][z][y][x]. */
  static ImagePlus tzyx(String title, Kind kind, double[][][][] values) {
    return hyperstack(title, kind, new double[][][][][] {values});
  }

  /** A CTZYX image: values[c][t][z][y][x], stored in ImageJ's C, Z, T plane order. */
  static ImagePlus hyperstack(String title, Kind kind, double[][][][][] values) {
    int nc = values.length;
    int nt = values[0].length;
    int nz = values[0][0].length;
    int h = values[0][0][0].length;
    int w = values[0][0][0][0].length;
    ImageStack stack = new ImageStack(w, h);
    for (int t = 0; t < nt; t++) {
      for (int z = 0; z < nz; z++) {
        for (int c = 0; c < nc; c++) {
          ImageProcessor ip;
          switch (kind) {
            case BYTE:
              ip = new ByteProcessor(w, h);
              break;
            case SHORT:
              ip = new ShortProcessor(w, h);
              break;
            case FLOAT:
              ip = new FloatProcessor(w, h);
              break;
            default:
              ip = new ColorProcessor(w, h);
              break;
          }
          for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
              ip.putPixelValue(x, y, values[c][t][z][y][x]);
            }
          }
          stack.addSlice(ip);
        }
      }
    }
    ImagePlus imp = new ImagePlus(title, stack);
    imp.setDimensions(nc, nz, nt);
    imp.setOpenAsHyperStack(true);
    return imp;
  }

  /** Sets the ImageJ calibration: voxel size and frame interval. */
  static ImagePlus calibrate(ImagePlus imp, double z, double y, double x, double dt, String unit) {
    imp.getCalibration().pixelDepth = z;
    imp.getCalibration().pixelHeight = y;
    imp.getCalibration().pixelWidth = x;
    imp.getCalibration().frameInterval = dt;
    imp.getCalibration().setUnit(unit);
    return imp;
  }

  /** An all-zero TZYX array. */
  static double[][][][] zeros(int t, int z, int y, int x) {
    return new double[t][z][y][x];
  }
}
