package org.volltrack.btrackmate.model;

import java.util.Objects;

/**
 * The physical size of a voxel and of a frame, with their units: an immutable value.
 *
 * <p>Spot positions are already in physical units; the calibration says which units, converts a
 * frame index to a time ({@code frame × dt}) and is written to TrackMate's {@code ImageData}
 * ({@code pixelwidth}, {@code pixelheight}, {@code voxeldepth}, {@code timeinterval}) and
 * {@code Model} ({@code spatialunits}, {@code timeunits}).
 */
public final class Calibration {

  private final double dx;
  private final double dy;
  private final double dz;
  private final double dt;
  private final String spaceUnit;
  private final String timeUnit;

  private Calibration(double dx, double dy, double dz, double dt, String spaceUnit, String timeUnit) {
    this.dx = positive("dx", dx);
    this.dy = positive("dy", dy);
    this.dz = positive("dz", dz);
    this.dt = positive("dt", dt);
    this.spaceUnit = Objects.requireNonNull(spaceUnit, "spaceUnit");
    this.timeUnit = Objects.requireNonNull(timeUnit, "timeUnit");
  }

  /**
   * A calibration.
   *
   * @param dx voxel width, &gt; 0
   * @param dy voxel height, &gt; 0
   * @param dz voxel depth, &gt; 0
   * @param dt frame interval, &gt; 0
   * @param spaceUnit unit of dx, dy, dz and of spot positions, e.g. {@code µm} or {@code pixel}
   * @param timeUnit unit of dt, e.g. {@code s} or {@code frame}
   * @throws IllegalArgumentException when a size is not finite and positive
   */
  public static Calibration of(
      double dx, double dy, double dz, double dt, String spaceUnit, String timeUnit) {
    return new Calibration(dx, dy, dz, dt, spaceUnit, timeUnit);
  }

  /** Uncalibrated data: sizes 1, units {@code pixel} and {@code frame}. */
  public static Calibration pixels() {
    return new Calibration(1, 1, 1, 1, "pixel", "frame");
  }

  private static double positive(String what, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(what + " must be finite and > 0, got " + v);
    }
    return v;
  }

  /** Voxel width. */
  public double dx() {
    return dx;
  }

  /** Voxel height. */
  public double dy() {
    return dy;
  }

  /** Voxel depth. */
  public double dz() {
    return dz;
  }

  /** The frame interval. */
  public double dt() {
    return dt;
  }

  /** Unit of lengths and positions. */
  public String spaceUnit() {
    return spaceUnit;
  }

  /** Unit of times. */
  public String timeUnit() {
    return timeUnit;
  }

  /** The time of a frame: {@code frame × dt}. */
  public double timeOf(int frame) {
    return frame * dt;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Calibration)) {
      return false;
    }
    Calibration c = (Calibration) o;
    return Double.compare(dx, c.dx) == 0
        && Double.compare(dy, c.dy) == 0
        && Double.compare(dz, c.dz) == 0
        && Double.compare(dt, c.dt) == 0
        && spaceUnit.equals(c.spaceUnit)
        && timeUnit.equals(c.timeUnit);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dx, dy, dz, dt, spaceUnit, timeUnit);
  }

  @Override
  public String toString() {
    return "Calibration[" + dx + " x " + dy + " x " + dz + " " + spaceUnit + ", dt=" + dt + " "
        + timeUnit + "]";
  }
}
