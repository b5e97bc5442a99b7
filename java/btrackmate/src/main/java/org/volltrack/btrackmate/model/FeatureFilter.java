package org.volltrack.btrackmate.model;

import java.util.Objects;

/**
 * A TrackMate feature filter on one numeric feature, an immutable value: the one class for both the
 * spot filters BTrackmate applies and the {@code <Filter feature= value= isabove=/>} elements of a
 * TrackMate file's {@code SpotFilterCollection} and {@code TrackFilterCollection}.
 *
 * <p>As a spot filter: with {@code isAbove} a spot passes when its value
 * is &ge; the threshold, otherwise when it is &le; the threshold (TrackMate's
 * {@code SpotCollection.filter}: equal values pass either way). Saved in the XML as
 * {@code <Filter feature= value= isabove=/>}.
 *
 * <p>A spot that lacks the feature, or whose value is NaN, does not pass. (TrackMate throws a
 * NullPointerException on a missing feature, and lets NaN pass an "above" filter but not a "below"
 * one; BTrackmate treats both as "unknown, so not shown", the same for both directions.)
 */
public final class FeatureFilter implements SpotFilter {

  private final String feature;
  private final double value;
  private final boolean isAbove;

  /**
   * @param feature the spot feature key, e.g. {@code VOLUME} or {@code MEAN_INTENSITY_CH1}
   * @param value the threshold (not NaN)
   * @param isAbove true to keep values &ge; the threshold, false to keep values &le; it
   */
  public FeatureFilter(String feature, double value, boolean isAbove) {
    if (feature == null || feature.trim().isEmpty()) {
      throw new IllegalArgumentException("a feature filter needs a feature key");
    }
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException("feature filter on " + feature + ": threshold is NaN");
    }
    this.feature = feature;
    this.value = value;
    this.isAbove = isAbove;
  }

  /** Keeps spots with {@code VOLUME} &ge; {@code v}. */
  public static FeatureFilter minVolume(double v) {
    return new FeatureFilter(FeatureKeys.VOLUME, v, true);
  }

  /** Keeps spots with {@code VOLUME} &le; {@code v}. */
  public static FeatureFilter maxVolume(double v) {
    return new FeatureFilter(FeatureKeys.VOLUME, v, false);
  }

  /** Keeps spots with {@code MEAN_INTENSITY_CH<channel>} &ge; {@code v} (channels count from 1). */
  public static FeatureFilter minMeanIntensity(int channel, double v) {
    return new FeatureFilter(meanIntensityKey(channel), v, true);
  }

  /** Keeps spots with {@code MEAN_INTENSITY_CH<channel>} &le; {@code v} (channels count from 1). */
  public static FeatureFilter maxMeanIntensity(int channel, double v) {
    return new FeatureFilter(meanIntensityKey(channel), v, false);
  }

  /** Keeps spots with at least the fraction {@code f} of their voxels in the tissue ({@code INSIDE_TISSUE} &ge; f). */
  public static FeatureFilter minInsideTissue(double f) {
    return new FeatureFilter(FeatureKeys.INSIDE_TISSUE, f, true);
  }

  private static String meanIntensityKey(int channel) {
    if (channel < 1) {
      throw new IllegalArgumentException("channels count from 1, got " + channel);
    }
    return "MEAN_INTENSITY_CH" + channel;
  }

  /** The feature key. */
  public String feature() {
    return feature;
  }

  /** The threshold. */
  public double value() {
    return value;
  }

  /** True: keep values &ge; threshold; false: keep values &le; threshold. */
  public boolean isAbove() {
    return isAbove;
  }

  @Override
  public boolean accepts(Spot spot) {
    return accepts(spot.feature(feature));
  }

  /**
   * Whether a feature value passes (for spots, edges or tracks alike): with {@code isAbove} when
   * &ge; the threshold, otherwise when &le; it; {@code null} (feature missing) and NaN never pass.
   */
  public boolean accepts(Double featureValue) {
    if (featureValue == null || featureValue.isNaN()) {
      return false;
    }
    return isAbove ? featureValue >= value : featureValue <= value;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FeatureFilter)) {
      return false;
    }
    FeatureFilter f = (FeatureFilter) o;
    return feature.equals(f.feature) && Double.compare(value, f.value) == 0 && isAbove == f.isAbove;
  }

  @Override
  public int hashCode() {
    return Objects.hash(feature, value, isAbove);
  }

  @Override
  public String toString() {
    return feature + (isAbove ? " >= " : " <= ") + value;
  }
}
