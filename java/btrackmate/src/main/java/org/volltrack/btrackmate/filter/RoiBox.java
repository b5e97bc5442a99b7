package org.volltrack.btrackmate.filter;

import java.util.Objects;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotFilter;

/**
 * A box in physical units: a spot passes when its position lies inside, bounds included. An
 * infinite bound leaves that side open ({@link #UNBOUNDED} is the whole space).
 */
public final class RoiBox implements SpotFilter {

  /** The box with every side open. */
  public static final RoiBox UNBOUNDED =
      new RoiBox(
          Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

  private final double xMin;
  private final double xMax;
  private final double yMin;
  private final double yMax;
  private final double zMin;
  private final double zMax;

  /**
   * @throws IllegalArgumentException when a bound is NaN or a minimum exceeds its maximum
   */
  public RoiBox(double xMin, double xMax, double yMin, double yMax, double zMin, double zMax) {
    check("x", xMin, xMax);
    check("y", yMin, yMax);
    check("z", zMin, zMax);
    this.xMin = xMin;
    this.xMax = xMax;
    this.yMin = yMin;
    this.yMax = yMax;
    this.zMin = zMin;
    this.zMax = zMax;
  }

  private static void check(String axis, double min, double max) {
    if (Double.isNaN(min) || Double.isNaN(max)) {
      throw new IllegalArgumentException("ROI box bound along " + axis + " is NaN");
    }
    if (min > max) {
      throw new IllegalArgumentException(
          "ROI box along " + axis + ": min " + min + " is greater than max " + max);
    }
  }

  /** Lower X bound (inclusive). */
  public double xMin() {
    return xMin;
  }

  /** Upper X bound (inclusive). */
  public double xMax() {
    return xMax;
  }

  /** Lower Y bound (inclusive). */
  public double yMin() {
    return yMin;
  }

  /** Upper Y bound (inclusive). */
  public double yMax() {
    return yMax;
  }

  /** Lower Z bound (inclusive). */
  public double zMin() {
    return zMin;
  }

  /** Upper Z bound (inclusive). */
  public double zMax() {
    return zMax;
  }

  @Override
  public boolean accepts(Spot s) {
    return s.x() >= xMin && s.x() <= xMax && s.y() >= yMin && s.y() <= yMax
        && s.z() >= zMin && s.z() <= zMax;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RoiBox)) {
      return false;
    }
    RoiBox b = (RoiBox) o;
    return Double.compare(xMin, b.xMin) == 0 && Double.compare(xMax, b.xMax) == 0
        && Double.compare(yMin, b.yMin) == 0 && Double.compare(yMax, b.yMax) == 0
        && Double.compare(zMin, b.zMin) == 0 && Double.compare(zMax, b.zMax) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(xMin, xMax, yMin, yMax, zMin, zMax);
  }

  @Override
  public String toString() {
    return "RoiBox[x " + xMin + ".." + xMax + ", y " + yMin + ".." + yMax + ", z " + zMin + ".." + zMax + "]";
  }
}
