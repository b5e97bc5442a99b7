package org.volltrack.btrackmate.tracking;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The settings of TrackMate's LAP tracker ({@code SPARSE_LAP_TRACKER}): an immutable value.
 *
 * <p>The key strings are TrackMate's own ({@code TrackerKeys}) because they are saved in the XML
 * and accepted on the command line; the defaults are TrackMate's (spec §1.2). Build one with
 * {@link #builder()}, from a key map with {@link #fromMap(Map)}, or read it from XML with {@link
 * LapSettingsXml}.
 *
 * <p>One BTrackmate extension is kept apart from the TrackMate keys: {@link
 * #singletonGapClosing()} (key {@link #SINGLETON_GAP_CLOSING}, off by default) lets spots that got
 * no link in the frame-to-frame step take part in gap closing (TrackMate issue #125, "blinking"
 * spots). It is not written to TrackMate's {@code TrackerSettings} element and is absent from
 * {@link #toTrackMateMap()}.
 */
public final class LapSettings {

  /** Frame-to-frame cutoff (physical units); a candidate is kept when cost &lt; value². */
  public static final String LINKING_MAX_DISTANCE = "LINKING_MAX_DISTANCE";
  /** Feature → weight penalties for frame-to-frame links. */
  public static final String LINKING_FEATURE_PENALTIES = "LINKING_FEATURE_PENALTIES";
  /** Whether segment ends may be joined to later segment starts. */
  public static final String ALLOW_GAP_CLOSING = "ALLOW_GAP_CLOSING";
  /** Gap-closing cutoff (physical units); a candidate is kept when cost ≤ value². */
  public static final String GAP_CLOSING_MAX_DISTANCE = "GAP_CLOSING_MAX_DISTANCE";
  /** Largest frame difference of a gap-closing link (1 ≤ Δframe ≤ value). */
  public static final String MAX_FRAME_GAP = "MAX_FRAME_GAP";
  /** Feature → weight penalties for gap closing. */
  public static final String GAP_CLOSING_FEATURE_PENALTIES = "GAP_CLOSING_FEATURE_PENALTIES";
  /** Whether a segment middle may be linked to a segment start one frame later. */
  public static final String ALLOW_TRACK_SPLITTING = "ALLOW_TRACK_SPLITTING";
  /** Splitting cutoff (physical units); a candidate is kept when cost ≤ value². */
  public static final String SPLITTING_MAX_DISTANCE = "SPLITTING_MAX_DISTANCE";
  /** Feature → weight penalties for splitting. */
  public static final String SPLITTING_FEATURE_PENALTIES = "SPLITTING_FEATURE_PENALTIES";
  /** Whether a segment end may be linked to a segment middle one frame later. */
  public static final String ALLOW_TRACK_MERGING = "ALLOW_TRACK_MERGING";
  /** Merging cutoff (physical units); a candidate is kept when cost ≤ value². */
  public static final String MERGING_MAX_DISTANCE = "MERGING_MAX_DISTANCE";
  /** Feature → weight penalties for merging. */
  public static final String MERGING_FEATURE_PENALTIES = "MERGING_FEATURE_PENALTIES";
  /** Factor applied to the max (step 1) or percentile (step 2) cost to get the no-link cost. */
  public static final String ALTERNATIVE_LINKING_COST_FACTOR = "ALTERNATIVE_LINKING_COST_FACTOR";
  /** Percentile of the step-2 candidate costs used for the no-link cost, in [0, 1]. */
  public static final String CUTOFF_PERCENTILE = "CUTOFF_PERCENTILE";
  /** Stored and persisted by TrackMate; the sparse tracker never reads it. */
  public static final String BLOCKING_VALUE = "BLOCKING_VALUE";
  /** Optional; used by TrackMate's Kalman trackers only. */
  public static final String KALMAN_SEARCH_RADIUS = "KALMAN_SEARCH_RADIUS";

  /**
   * BTrackmate extension (not a TrackMate key): let spots never linked in step 1 take part in gap
   * closing. Stored by BTrackmate's own settings element, never in {@code TrackerSettings}.
   */
  public static final String SINGLETON_GAP_CLOSING = "SINGLETON_GAP_CLOSING";

  /** TrackMate's tracker key for this tracker. */
  public static final String TRACKER_KEY = "SPARSE_LAP_TRACKER";
  /** TrackMate's tracker key for the simple variant (same algorithm and settings map). */
  public static final String SIMPLE_TRACKER_KEY = "SIMPLE_SPARSE_LAP_TRACKER";

  /** The TrackMate keys this class knows, in TrackMate's order. */
  public static final List<String> TRACKMATE_KEYS =
      Collections.unmodifiableList(
          Arrays.asList(
              LINKING_MAX_DISTANCE,
              LINKING_FEATURE_PENALTIES,
              ALLOW_GAP_CLOSING,
              GAP_CLOSING_MAX_DISTANCE,
              MAX_FRAME_GAP,
              GAP_CLOSING_FEATURE_PENALTIES,
              ALLOW_TRACK_SPLITTING,
              SPLITTING_MAX_DISTANCE,
              SPLITTING_FEATURE_PENALTIES,
              ALLOW_TRACK_MERGING,
              MERGING_MAX_DISTANCE,
              MERGING_FEATURE_PENALTIES,
              ALTERNATIVE_LINKING_COST_FACTOR,
              CUTOFF_PERCENTILE,
              BLOCKING_VALUE,
              KALMAN_SEARCH_RADIUS));

  public static final double DEFAULT_LINKING_MAX_DISTANCE = 15.0;
  public static final boolean DEFAULT_ALLOW_GAP_CLOSING = true;
  public static final double DEFAULT_GAP_CLOSING_MAX_DISTANCE = 15.0;
  public static final int DEFAULT_MAX_FRAME_GAP = 2;
  public static final boolean DEFAULT_ALLOW_TRACK_SPLITTING = false;
  public static final double DEFAULT_SPLITTING_MAX_DISTANCE = 15.0;
  public static final boolean DEFAULT_ALLOW_TRACK_MERGING = false;
  public static final double DEFAULT_MERGING_MAX_DISTANCE = 15.0;
  public static final double DEFAULT_ALTERNATIVE_LINKING_COST_FACTOR = 1.05;
  public static final double DEFAULT_CUTOFF_PERCENTILE = 0.9;
  public static final double DEFAULT_BLOCKING_VALUE = Double.POSITIVE_INFINITY;
  public static final double DEFAULT_KALMAN_SEARCH_RADIUS = 20.0;

  private final double linkingMaxDistance;
  private final Map<String, Double> linkingFeaturePenalties;
  private final boolean allowGapClosing;
  private final double gapClosingMaxDistance;
  private final int maxFrameGap;
  private final Map<String, Double> gapClosingFeaturePenalties;
  private final boolean allowTrackSplitting;
  private final double splittingMaxDistance;
  private final Map<String, Double> splittingFeaturePenalties;
  private final boolean allowTrackMerging;
  private final double mergingMaxDistance;
  private final Map<String, Double> mergingFeaturePenalties;
  private final double alternativeLinkingCostFactor;
  private final double cutoffPercentile;
  private final double blockingValue;
  private final Double kalmanSearchRadius;
  private final boolean singletonGapClosing;

  private LapSettings(Builder b) {
    this.linkingMaxDistance = b.linkingMaxDistance;
    this.linkingFeaturePenalties = freeze(b.linkingFeaturePenalties);
    this.allowGapClosing = b.allowGapClosing;
    this.gapClosingMaxDistance = b.gapClosingMaxDistance;
    this.maxFrameGap = b.maxFrameGap;
    this.gapClosingFeaturePenalties = freeze(b.gapClosingFeaturePenalties);
    this.allowTrackSplitting = b.allowTrackSplitting;
    this.splittingMaxDistance = b.splittingMaxDistance;
    this.splittingFeaturePenalties = freeze(b.splittingFeaturePenalties);
    this.allowTrackMerging = b.allowTrackMerging;
    this.mergingMaxDistance = b.mergingMaxDistance;
    this.mergingFeaturePenalties = freeze(b.mergingFeaturePenalties);
    this.alternativeLinkingCostFactor = b.alternativeLinkingCostFactor;
    this.cutoffPercentile = b.cutoffPercentile;
    this.blockingValue = b.blockingValue;
    this.kalmanSearchRadius = b.kalmanSearchRadius;
    this.singletonGapClosing = b.singletonGapClosing;
  }

  private static Map<String, Double> freeze(Map<String, Double> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  /** A builder holding TrackMate's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** TrackMate's default settings (gap closing on, splitting and merging off). */
  public static LapSettings defaults() {
    return new Builder().build();
  }

  /** A builder initialised with every value of these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.linkingMaxDistance = linkingMaxDistance;
    b.linkingFeaturePenalties.putAll(linkingFeaturePenalties);
    b.allowGapClosing = allowGapClosing;
    b.gapClosingMaxDistance = gapClosingMaxDistance;
    b.maxFrameGap = maxFrameGap;
    b.gapClosingFeaturePenalties.putAll(gapClosingFeaturePenalties);
    b.allowTrackSplitting = allowTrackSplitting;
    b.splittingMaxDistance = splittingMaxDistance;
    b.splittingFeaturePenalties.putAll(splittingFeaturePenalties);
    b.allowTrackMerging = allowTrackMerging;
    b.mergingMaxDistance = mergingMaxDistance;
    b.mergingFeaturePenalties.putAll(mergingFeaturePenalties);
    b.alternativeLinkingCostFactor = alternativeLinkingCostFactor;
    b.cutoffPercentile = cutoffPercentile;
    b.blockingValue = blockingValue;
    b.kalmanSearchRadius = kalmanSearchRadius;
    b.singletonGapClosing = singletonGapClosing;
    return b;
  }

  public double linkingMaxDistance() {
    return linkingMaxDistance;
  }

  /** Feature key → weight, insertion order, unmodifiable. */
  public Map<String, Double> linkingFeaturePenalties() {
    return linkingFeaturePenalties;
  }

  public boolean allowGapClosing() {
    return allowGapClosing;
  }

  public double gapClosingMaxDistance() {
    return gapClosingMaxDistance;
  }

  public int maxFrameGap() {
    return maxFrameGap;
  }

  /** Feature key → weight, insertion order, unmodifiable. */
  public Map<String, Double> gapClosingFeaturePenalties() {
    return gapClosingFeaturePenalties;
  }

  public boolean allowTrackSplitting() {
    return allowTrackSplitting;
  }

  public double splittingMaxDistance() {
    return splittingMaxDistance;
  }

  /** Feature key → weight, insertion order, unmodifiable. */
  public Map<String, Double> splittingFeaturePenalties() {
    return splittingFeaturePenalties;
  }

  public boolean allowTrackMerging() {
    return allowTrackMerging;
  }

  public double mergingMaxDistance() {
    return mergingMaxDistance;
  }

  /** Feature key → weight, insertion order, unmodifiable. */
  public Map<String, Double> mergingFeaturePenalties() {
    return mergingFeaturePenalties;
  }

  public double alternativeLinkingCostFactor() {
    return alternativeLinkingCostFactor;
  }

  public double cutoffPercentile() {
    return cutoffPercentile;
  }

  /** Persisted for TrackMate; not used by the sparse tracker. */
  public double blockingValue() {
    return blockingValue;
  }

  /** The optional {@code KALMAN_SEARCH_RADIUS}; empty when not set. Not used by the LAP tracker. */
  public OptionalDouble kalmanSearchRadius() {
    return kalmanSearchRadius == null ? OptionalDouble.empty() : OptionalDouble.of(kalmanSearchRadius);
  }

  /**
   * BTrackmate extension (TrackMate issue #125): when true, spots that received no link in the
   * frame-to-frame step take part in gap closing as one-spot segments (both a start and an end).
   * Off by default, which is TrackMate's behaviour.
   */
  public boolean singletonGapClosing() {
    return singletonGapClosing;
  }

  /** True when step 2 (gap closing, splitting or merging) has anything to do. */
  public boolean anySegmentLinking() {
    return allowGapClosing || allowTrackSplitting || allowTrackMerging;
  }

  /**
   * The TrackMate settings map (TrackMate key → value: Double, Integer, Boolean, or an
   * unmodifiable {@code Map<String, Double>} for the penalty maps), in TrackMate's key order.
   * {@code KALMAN_SEARCH_RADIUS} is included only when set; the BTrackmate extension is not
   * included.
   */
  public Map<String, Object> toTrackMateMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(LINKING_MAX_DISTANCE, linkingMaxDistance);
    m.put(LINKING_FEATURE_PENALTIES, linkingFeaturePenalties);
    m.put(ALLOW_GAP_CLOSING, allowGapClosing);
    m.put(GAP_CLOSING_MAX_DISTANCE, gapClosingMaxDistance);
    m.put(MAX_FRAME_GAP, maxFrameGap);
    m.put(GAP_CLOSING_FEATURE_PENALTIES, gapClosingFeaturePenalties);
    m.put(ALLOW_TRACK_SPLITTING, allowTrackSplitting);
    m.put(SPLITTING_MAX_DISTANCE, splittingMaxDistance);
    m.put(SPLITTING_FEATURE_PENALTIES, splittingFeaturePenalties);
    m.put(ALLOW_TRACK_MERGING, allowTrackMerging);
    m.put(MERGING_MAX_DISTANCE, mergingMaxDistance);
    m.put(MERGING_FEATURE_PENALTIES, mergingFeaturePenalties);
    m.put(ALTERNATIVE_LINKING_COST_FACTOR, alternativeLinkingCostFactor);
    m.put(CUTOFF_PERCENTILE, cutoffPercentile);
    m.put(BLOCKING_VALUE, blockingValue);
    if (kalmanSearchRadius != null) {
      m.put(KALMAN_SEARCH_RADIUS, kalmanSearchRadius);
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * {@link #toTrackMateMap()} plus the BTrackmate extension key {@link #SINGLETON_GAP_CLOSING}: the
   * full map that {@link #fromMap(Map)} reads back to equal settings.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(toTrackMateMap());
    m.put(SINGLETON_GAP_CLOSING, singletonGapClosing);
    return Collections.unmodifiableMap(m);
  }

  /**
   * Settings from a key map, starting from TrackMate's defaults; keys absent from the map keep
   * their default. Accepted keys: the TrackMate keys ({@link #TRACKMATE_KEYS}) and {@link
   * #SINGLETON_GAP_CLOSING}. Values may be typed (Number, Boolean, Map) or strings as given on a
   * command line: numbers in Java syntax ({@code Infinity} allowed), booleans {@code true}/{@code
   * false}, penalty maps as {@code FEATURE=weight,FEATURE=weight} (empty string for none).
   *
   * @throws IllegalArgumentException on an unknown key, a value of the wrong type, or a value out
   *     of range; the message names the key
   */
  public static LapSettings fromMap(Map<String, ?> map) {
    Builder b = builder();
    for (Map.Entry<String, ?> e : map.entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      if (key == null) {
        throw new IllegalArgumentException("LAP settings: null key");
      }
      switch (key) {
        case LINKING_MAX_DISTANCE:
          b.linkingMaxDistance(SettingValues.toDouble(key, v));
          break;
        case LINKING_FEATURE_PENALTIES:
          b.linkingFeaturePenalties(SettingValues.toPenalties(key, v));
          break;
        case ALLOW_GAP_CLOSING:
          b.allowGapClosing(SettingValues.toBoolean(key, v));
          break;
        case GAP_CLOSING_MAX_DISTANCE:
          b.gapClosingMaxDistance(SettingValues.toDouble(key, v));
          break;
        case MAX_FRAME_GAP:
          b.maxFrameGap(SettingValues.toInt(key, v));
          break;
        case GAP_CLOSING_FEATURE_PENALTIES:
          b.gapClosingFeaturePenalties(SettingValues.toPenalties(key, v));
          break;
        case ALLOW_TRACK_SPLITTING:
          b.allowTrackSplitting(SettingValues.toBoolean(key, v));
          break;
        case SPLITTING_MAX_DISTANCE:
          b.splittingMaxDistance(SettingValues.toDouble(key, v));
          break;
        case SPLITTING_FEATURE_PENALTIES:
          b.splittingFeaturePenalties(SettingValues.toPenalties(key, v));
          break;
        case ALLOW_TRACK_MERGING:
          b.allowTrackMerging(SettingValues.toBoolean(key, v));
          break;
        case MERGING_MAX_DISTANCE:
          b.mergingMaxDistance(SettingValues.toDouble(key, v));
          break;
        case MERGING_FEATURE_PENALTIES:
          b.mergingFeaturePenalties(SettingValues.toPenalties(key, v));
          break;
        case ALTERNATIVE_LINKING_COST_FACTOR:
          b.alternativeLinkingCostFactor(SettingValues.toDouble(key, v));
          break;
        case CUTOFF_PERCENTILE:
          b.cutoffPercentile(SettingValues.toDouble(key, v));
          break;
        case BLOCKING_VALUE:
          b.blockingValue(SettingValues.toDouble(key, v));
          break;
        case KALMAN_SEARCH_RADIUS:
          b.kalmanSearchRadius(SettingValues.toDouble(key, v));
          break;
        case SINGLETON_GAP_CLOSING:
          b.singletonGapClosing(SettingValues.toBoolean(key, v));
          break;
        default:
          throw new IllegalArgumentException(
              "LAP settings: unknown key '"
                  + key
                  + "'; expected one of "
                  + TRACKMATE_KEYS
                  + " or "
                  + SINGLETON_GAP_CLOSING);
      }
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof LapSettings)) {
      return false;
    }
    LapSettings s = (LapSettings) o;
    return Double.compare(linkingMaxDistance, s.linkingMaxDistance) == 0
        && linkingFeaturePenalties.equals(s.linkingFeaturePenalties)
        && allowGapClosing == s.allowGapClosing
        && Double.compare(gapClosingMaxDistance, s.gapClosingMaxDistance) == 0
        && maxFrameGap == s.maxFrameGap
        && gapClosingFeaturePenalties.equals(s.gapClosingFeaturePenalties)
        && allowTrackSplitting == s.allowTrackSplitting
        && Double.compare(splittingMaxDistance, s.splittingMaxDistance) == 0
        && splittingFeaturePenalties.equals(s.splittingFeaturePenalties)
        && allowTrackMerging == s.allowTrackMerging
        && Double.compare(mergingMaxDistance, s.mergingMaxDistance) == 0
        && mergingFeaturePenalties.equals(s.mergingFeaturePenalties)
        && Double.compare(alternativeLinkingCostFactor, s.alternativeLinkingCostFactor) == 0
        && Double.compare(cutoffPercentile, s.cutoffPercentile) == 0
        && Double.compare(blockingValue, s.blockingValue) == 0
        && Objects.equals(kalmanSearchRadius, s.kalmanSearchRadius)
        && singletonGapClosing == s.singletonGapClosing;
  }

  @Override
  public int hashCode() {
    return Objects.hash(toMap());
  }

  @Override
  public String toString() {
    return "LapSettings" + toMap();
  }

  /**
   * Builds {@link LapSettings}, starting from TrackMate's defaults. Each setter checks its value
   * and throws {@link IllegalArgumentException} naming the TrackMate key and the expected range.
   */
  public static final class Builder {
    private double linkingMaxDistance = DEFAULT_LINKING_MAX_DISTANCE;
    private final Map<String, Double> linkingFeaturePenalties = new LinkedHashMap<>();
    private boolean allowGapClosing = DEFAULT_ALLOW_GAP_CLOSING;
    private double gapClosingMaxDistance = DEFAULT_GAP_CLOSING_MAX_DISTANCE;
    private int maxFrameGap = DEFAULT_MAX_FRAME_GAP;
    private final Map<String, Double> gapClosingFeaturePenalties = new LinkedHashMap<>();
    private boolean allowTrackSplitting = DEFAULT_ALLOW_TRACK_SPLITTING;
    private double splittingMaxDistance = DEFAULT_SPLITTING_MAX_DISTANCE;
    private final Map<String, Double> splittingFeaturePenalties = new LinkedHashMap<>();
    private boolean allowTrackMerging = DEFAULT_ALLOW_TRACK_MERGING;
    private double mergingMaxDistance = DEFAULT_MERGING_MAX_DISTANCE;
    private final Map<String, Double> mergingFeaturePenalties = new LinkedHashMap<>();
    private double alternativeLinkingCostFactor = DEFAULT_ALTERNATIVE_LINKING_COST_FACTOR;
    private double cutoffPercentile = DEFAULT_CUTOFF_PERCENTILE;
    private double blockingValue = DEFAULT_BLOCKING_VALUE;
    private Double kalmanSearchRadius;
    private boolean singletonGapClosing;

    private Builder() {}

    /** {@code LINKING_MAX_DISTANCE}: finite, ≥ 0. */
    public Builder linkingMaxDistance(double value) {
      this.linkingMaxDistance = SettingValues.checkDistance(LINKING_MAX_DISTANCE, value);
      return this;
    }

    /** {@code LINKING_FEATURE_PENALTIES}: feature → finite weight ≥ 0; replaces the map. */
    public Builder linkingFeaturePenalties(Map<String, Double> penalties) {
      SettingValues.replacePenalties(LINKING_FEATURE_PENALTIES, linkingFeaturePenalties, penalties);
      return this;
    }

    public Builder allowGapClosing(boolean value) {
      this.allowGapClosing = value;
      return this;
    }

    /** {@code GAP_CLOSING_MAX_DISTANCE}: finite, ≥ 0. */
    public Builder gapClosingMaxDistance(double value) {
      this.gapClosingMaxDistance = SettingValues.checkDistance(GAP_CLOSING_MAX_DISTANCE, value);
      return this;
    }

    /** {@code MAX_FRAME_GAP}: ≥ 1 (the largest frame difference a gap-closing link may span). */
    public Builder maxFrameGap(int value) {
      if (value < 1) {
        throw new IllegalArgumentException(MAX_FRAME_GAP + " must be an integer >= 1, got " + value);
      }
      this.maxFrameGap = value;
      return this;
    }

    /** {@code GAP_CLOSING_FEATURE_PENALTIES}: feature → finite weight ≥ 0; replaces the map. */
    public Builder gapClosingFeaturePenalties(Map<String, Double> penalties) {
      SettingValues.replacePenalties(
          GAP_CLOSING_FEATURE_PENALTIES, gapClosingFeaturePenalties, penalties);
      return this;
    }

    public Builder allowTrackSplitting(boolean value) {
      this.allowTrackSplitting = value;
      return this;
    }

    /** {@code SPLITTING_MAX_DISTANCE}: finite, ≥ 0. */
    public Builder splittingMaxDistance(double value) {
      this.splittingMaxDistance = SettingValues.checkDistance(SPLITTING_MAX_DISTANCE, value);
      return this;
    }

    /** {@code SPLITTING_FEATURE_PENALTIES}: feature → finite weight ≥ 0; replaces the map. */
    public Builder splittingFeaturePenalties(Map<String, Double> penalties) {
      SettingValues.replacePenalties(
          SPLITTING_FEATURE_PENALTIES, splittingFeaturePenalties, penalties);
      return this;
    }

    public Builder allowTrackMerging(boolean value) {
      this.allowTrackMerging = value;
      return this;
    }

    /** {@code MERGING_MAX_DISTANCE}: finite, ≥ 0. */
    public Builder mergingMaxDistance(double value) {
      this.mergingMaxDistance = SettingValues.checkDistance(MERGING_MAX_DISTANCE, value);
      return this;
    }

    /** {@code MERGING_FEATURE_PENALTIES}: feature → finite weight ≥ 0; replaces the map. */
    public Builder mergingFeaturePenalties(Map<String, Double> penalties) {
      SettingValues.replacePenalties(MERGING_FEATURE_PENALTIES, mergingFeaturePenalties, penalties);
      return this;
    }

    /** {@code ALTERNATIVE_LINKING_COST_FACTOR}: finite, &gt; 0. */
    public Builder alternativeLinkingCostFactor(double value) {
      if (!(value > 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException(
            ALTERNATIVE_LINKING_COST_FACTOR + " must be a finite number > 0, got " + value);
      }
      this.alternativeLinkingCostFactor = value;
      return this;
    }

    /** {@code CUTOFF_PERCENTILE}: in [0, 1]. */
    public Builder cutoffPercentile(double value) {
      if (!(value >= 0 && value <= 1)) {
        throw new IllegalArgumentException(
            CUTOFF_PERCENTILE + " must be in [0, 1], got " + value);
      }
      this.cutoffPercentile = value;
      return this;
    }

    /** {@code BLOCKING_VALUE}: any number but NaN (TrackMate stores +Infinity; unused here). */
    public Builder blockingValue(double value) {
      if (Double.isNaN(value)) {
        throw new IllegalArgumentException(BLOCKING_VALUE + " must be a number (not NaN), got NaN");
      }
      this.blockingValue = value;
      return this;
    }

    /** {@code KALMAN_SEARCH_RADIUS}: finite, &gt; 0. */
    public Builder kalmanSearchRadius(double value) {
      if (!(value > 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException(
            KALMAN_SEARCH_RADIUS + " must be a finite number > 0, got " + value);
      }
      this.kalmanSearchRadius = value;
      return this;
    }

    /** Removes the optional {@code KALMAN_SEARCH_RADIUS}. */
    public Builder clearKalmanSearchRadius() {
      this.kalmanSearchRadius = null;
      return this;
    }

    /** BTrackmate extension {@link LapSettings#SINGLETON_GAP_CLOSING}; see {@link LapSettings#singletonGapClosing()}. */
    public Builder singletonGapClosing(boolean value) {
      this.singletonGapClosing = value;
      return this;
    }

    public LapSettings build() {
      return new LapSettings(this);
    }
  }
}
