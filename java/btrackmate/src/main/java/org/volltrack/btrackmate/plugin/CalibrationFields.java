package org.volltrack.btrackmate.plugin;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.volltrack.btrackmate.io.VoxelSize;

/** Voxel size and frame interval overrides as dialog fields; empty fields keep the calibration. */
final class CalibrationFields {

  private CalibrationFields() {}

  static final String VOXEL_Z = "voxel_z";
  static final String VOXEL_Y = "voxel_y";
  static final String VOXEL_X = "voxel_x";
  static final String FRAME_INTERVAL = "frame_interval";

  /** The calibration fields, in dialog order. */
  static final List<Field> CALIBRATION =
      Collections.unmodifiableList(
          Arrays.asList(
              Field.number("Voxel_z", "",
                      "voxel size along Z, physical units; give all three voxel sizes or none (empty: the image's)")
                  .under("Calibration overrides (empty: the image's own)"),
              Field.number("Voxel_y", "", "voxel size along Y, physical units").onSameRow(),
              Field.number("Voxel_x", "", "voxel size along X, physical units").onSameRow(),
              Field.number("Frame_interval", "",
                  "time between frames (e.g. s); empty: the image's, else 1")));

  /**
   * The voxel size override, or {@code null} when all three fields are empty.
   *
   * @throws org.volltrack.btrackmate.io.BadInputException when only some are given, or one is not &gt; 0
   */
  static VoxelSize voxelSize(Values v) {
    Double z = v.optionalPositive(VOXEL_Z);
    Double y = v.optionalPositive(VOXEL_Y);
    Double x = v.optionalPositive(VOXEL_X);
    if (z == null && y == null && x == null) {
      return null;
    }
    if (z == null || y == null || x == null) {
      throw Values.bad(z == null ? VOXEL_Z : y == null ? VOXEL_Y : VOXEL_X,
          "missing; give voxel_z, voxel_y and voxel_x together, or none of them");
    }
    return VoxelSize.zyx(z, y, x);
  }

  /** The frame interval override, or {@code null} when empty. */
  static Double frameInterval(Values v) {
    return v.optionalPositive(FRAME_INTERVAL);
  }
}
