package org.volltrack.btrackmate.io;

/** The physical size of one voxel along Z, Y and X (e.g. in µm). Immutable; every size finite and &gt; 0. */
public final class VoxelSize {

  private final double z;
  private final double y;
  private final double x;

  private VoxelSize(double z, double y, double x) {
    check("z", z);
    check("y", y);
    check("x", x);
    this.z = z;
    this.y = y;
    this.x = x;
  }

  private static void check(String axis, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(
          "voxel size along " + axis + " must be finite and > 0, got " + v);
    }
  }

  /**
   * A voxel size, given in array order (Z, Y, X) like the rest of volltrack.
   *
   * @throws IllegalArgumentException when a size is not finite and &gt; 0
   */
  public static VoxelSize zyx(double z, double y, double x) {
    return new VoxelSize(z, y, x);
  }

  /** Size along Z (TrackMate's {@code voxeldepth}). */
  public double z() {
    return z;
  }

  /** Size along Y (TrackMate's {@code pixelheight}). */
  public double y() {
    return y;
  }

  /** Size along X (TrackMate's {@code pixelwidth}). */
  public double x() {
    return x;
  }

  /** The volume of one voxel, z × y × x. */
  public double volume() {
    return z * y * x;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof VoxelSize)) {
      return false;
    }
    VoxelSize v = (VoxelSize) o;
    return Double.compare(z, v.z) == 0 && Double.compare(y, v.y) == 0 && Double.compare(x, v.x) == 0;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(z, y, x);
  }

  @Override
  public String toString() {
    return "VoxelSize[z=" + z + ", y=" + y + ", x=" + x + "]";
  }
}
