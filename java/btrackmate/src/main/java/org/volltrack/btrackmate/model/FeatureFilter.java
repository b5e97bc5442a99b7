package org.volltrack.btrackmate.model;

import java.util.Objects;

/**
 * A TrackMate feature filter: keep the objects whose feature is above (or below) a threshold. It
 * is saved as {@code <Filter feature="…" value="…" isabove="…"/>} in {@code SpotFilterCollection}
 * or {@code TrackFilterCollection}. An immutable value.
 */
public final class FeatureFilter {
  private final String feature;
  private final double value;
  private final boolean above;

  /**
   * A filter.
   *
   * @param feature the TrackMate feature key, e.g. {@code QUALITY} or {@code NUMBER_SPOTS}
   * @param value the threshold
   * @param above true to keep values above the threshold, false to keep those below
   * @throws IllegalArgumentException on an empty key or a NaN threshold
   */
  public FeatureFilter(String feature, double value, boolean above) {
    if (feature == null || feature.trim().isEmpty()) {
      throw new IllegalArgumentException("a filter needs a feature key");
    }
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException("filter on " + feature + ": threshold is NaN");
    }
    this.feature = feature;
    this.value = value;
    this.above = above;
  }

  /** The feature key. */
  public String feature() {
    return feature;
  }

  /** The threshold. */
  public double value() {
    return value;
  }

  /** True when the filter keeps values above the threshold (TrackMate's {@code isabove}). */
  public boolean isAbove() {
    return above;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FeatureFilter)) {
      return false;
    }
    FeatureFilter f = (FeatureFilter) o;
    return feature.equals(f.feature) && Double.compare(value, f.value) == 0 && above == f.above;
  }

  @Override
  public int hashCode() {
    return Objects.hash(feature, value, above);
  }

  @Override
  public String toString() {
    return feature + (above ? " > " : " < ") + value;
  }
}
