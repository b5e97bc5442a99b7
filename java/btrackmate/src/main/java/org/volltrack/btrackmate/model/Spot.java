package org.volltrack.btrackmate.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One detected cell in one frame: an immutable value.
 *
 * <p>Positions are in physical units (the calibration's unit, e.g. µm). Besides the fixed fields,
 * a spot carries any number of named numeric features (TrackMate feature keys such as
 * {@code MEAN_INTENSITY_CH1}, or BTrackmate's own such as {@code VOLUME}). {@link #feature(String)}
 * answers both the fixed TrackMate keys ({@code POSITION_X}, {@code FRAME}, {@code RADIUS},
 * {@code QUALITY}, {@code VISIBILITY}, ...) and the extra features, so cost functions and filters
 * never need to know which is which.
 *
 * <p>Spots compare by ID, as TrackMate's {@code Spot.compareTo} does: the LAP cost matrices order
 * their rows and columns by spot ID, so IDs decide ties.
 */
public final class Spot implements Comparable<Spot> {

  private final long id;
  private final int frame;
  private final double x;
  private final double y;
  private final double z;
  private final double radius;
  private final double quality;
  private final boolean visible;
  private final String name;
  private final Map<String, Double> features;

  private Spot(Builder b) {
    this.id = b.id;
    this.frame = b.frame;
    this.x = b.x;
    this.y = b.y;
    this.z = b.z;
    this.radius = b.radius;
    this.quality = b.quality;
    this.visible = b.visible;
    this.name = b.name == null ? "ID" + b.id : b.name;
    this.features = Collections.unmodifiableMap(new LinkedHashMap<>(b.features));
  }

  public static Builder builder(long id, int frame, double x, double y, double z) {
    return new Builder(id, frame, x, y, z);
  }

  /** A builder initialised with every field of this spot. */
  public Builder toBuilder() {
    Builder b = new Builder(id, frame, x, y, z);
    b.radius = radius;
    b.quality = quality;
    b.visible = visible;
    b.name = name;
    b.features.putAll(features);
    return b;
  }

  /** A copy of this spot with another visibility. */
  public Spot withVisible(boolean newVisible) {
    return newVisible == visible ? this : toBuilder().visible(newVisible).build();
  }

  public long id() {
    return id;
  }

  public int frame() {
    return frame;
  }

  public double x() {
    return x;
  }

  public double y() {
    return y;
  }

  public double z() {
    return z;
  }

  public double radius() {
    return radius;
  }

  public double quality() {
    return quality;
  }

  public boolean visible() {
    return visible;
  }

  public String name() {
    return name;
  }

  /** The extra named features (not the fixed fields), in insertion order, unmodifiable. */
  public Map<String, Double> features() {
    return features;
  }

  /**
   * The value of a feature by its TrackMate key, fixed fields included; {@code null} when the spot
   * does not have it. {@code POSITION_T} is not known to a spot (it needs the frame interval) and
   * is answered only when stored as an extra feature.
   */
  public Double feature(String key) {
    switch (key) {
      case FeatureKeys.POSITION_X:
        return x;
      case FeatureKeys.POSITION_Y:
        return y;
      case FeatureKeys.POSITION_Z:
        return z;
      case FeatureKeys.FRAME:
        return (double) frame;
      case FeatureKeys.RADIUS:
        return radius;
      case FeatureKeys.QUALITY:
        return quality;
      case FeatureKeys.VISIBILITY:
        return visible ? 1.0 : 0.0;
      default:
        return features.get(key);
    }
  }

  /** Squared Euclidean distance over X, Y and Z, as TrackMate's {@code Spot.squareDistanceTo}. */
  public double squareDistanceTo(Spot o) {
    double dx = x - o.x;
    double dy = y - o.y;
    double dz = z - o.z;
    return dx * dx + dy * dy + dz * dz;
  }

  @Override
  public int compareTo(Spot o) {
    return Long.compare(id, o.id);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Spot)) {
      return false;
    }
    Spot s = (Spot) o;
    return id == s.id
        && frame == s.frame
        && Double.compare(x, s.x) == 0
        && Double.compare(y, s.y) == 0
        && Double.compare(z, s.z) == 0
        && Double.compare(radius, s.radius) == 0
        && Double.compare(quality, s.quality) == 0
        && visible == s.visible
        && name.equals(s.name)
        && features.equals(s.features);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, frame, x, y, z);
  }

  @Override
  public String toString() {
    return "Spot[id=" + id + ", frame=" + frame + ", x=" + x + ", y=" + y + ", z=" + z + "]";
  }

  /** Builds a {@link Spot}; validates on {@link #build()}. */
  public static final class Builder {
    private final long id;
    private final int frame;
    private final double x;
    private final double y;
    private final double z;
    private double radius = 1.0;
    private double quality = 1.0;
    private boolean visible = true;
    private String name;
    private final Map<String, Double> features = new LinkedHashMap<>();

    private Builder(long id, int frame, double x, double y, double z) {
      this.id = id;
      this.frame = frame;
      this.x = x;
      this.y = y;
      this.z = z;
    }

    public Builder radius(double value) {
      this.radius = value;
      return this;
    }

    public Builder quality(double value) {
      this.quality = value;
      return this;
    }

    public Builder visible(boolean value) {
      this.visible = value;
      return this;
    }

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    /**
     * Sets an extra feature. A fixed key ({@code POSITION_X}, {@code FRAME}, ...) is refused: those
     * are set through the constructor arguments and the named setters.
     */
    public Builder feature(String key, double value) {
      if (FeatureKeys.isFixedSpotKey(key)) {
        throw new IllegalArgumentException(
            "spot feature '" + key + "' is a fixed field; set it through the builder");
      }
      features.put(key, value);
      return this;
    }

    public Spot build() {
      if (frame < 0) {
        throw new IllegalArgumentException("spot " + id + ": frame must be >= 0, got " + frame);
      }
      if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
        throw new IllegalArgumentException(
            "spot " + id + ": position must be finite, got (" + x + ", " + y + ", " + z + ")");
      }
      return new Spot(this);
    }
  }
}
