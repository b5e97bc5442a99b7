package org.volltrack.btrackmate.tracking;

import java.util.Map;

/**
 * TrackMate's link cost over a {@link SpotTable} (spec §1.3): D², or D²·P² with feature penalties
 * P = 1 + Σ 1.5·w·ndiff, D² replaced by {@code Double.MIN_NORMAL} when 0. The feature values are
 * copied into one primitive array, so the hot loop does no map lookup and no boxing.
 */
final class PenaltyCost {

  private final SpotTable table;
  private final double[] weights;
  private final double[] values;
  private final int nFeatures;
  private final boolean penaltyAtLeastOne;

  /**
   * @throws IllegalArgumentException when a visible spot lacks a penalised feature (TrackMate would
   *     fail with a NullPointerException)
   */
  PenaltyCost(SpotTable table, Map<String, Double> penalties, String settingsKey) {
    this.table = table;
    this.nFeatures = penalties.size();
    this.weights = new double[nFeatures];
    String[] features = new String[nFeatures];
    int f = 0;
    for (Map.Entry<String, Double> e : penalties.entrySet()) {
      features[f] = e.getKey();
      weights[f] = e.getValue();
      f++;
    }
    int n = table.size();
    this.values = new double[n * nFeatures];
    boolean nonNegative = true;
    for (int i = 0; i < n; i++) {
      for (f = 0; f < nFeatures; f++) {
        Double v = table.spots[i].feature(features[f]);
        if (v == null) {
          throw new IllegalArgumentException(
              "spot "
                  + table.id[i]
                  + " (frame "
                  + table.frame[i]
                  + ") has no feature '"
                  + features[f]
                  + "', which "
                  + settingsKey
                  + " penalises");
        }
        double d = v;
        values[i * nFeatures + f] = d;
        if (d < 0) {
          nonNegative = false;
        }
      }
    }
    // With weights >= 0 (LapSettings enforces it) and values >= 0 or NaN, every ndiff is >= 0 or
    // skipped, so P >= 1 and cost >= D²: a search by raw distance then misses no candidate.
    this.penaltyAtLeastOne = nonNegative;
  }

  /** True when cost ≥ D² for every pair, so candidates can be searched by distance. */
  boolean distancePruningIsSafe() {
    return penaltyAtLeastOne;
  }

  double cost(int source, int target) {
    double d2 = table.squareDistance(source, target);
    if (d2 == 0) {
      d2 = Double.MIN_NORMAL;
    }
    if (nFeatures == 0) {
      return d2;
    }
    double penalty = 1;
    int a = source * nFeatures;
    int b = target * nFeatures;
    for (int f = 0; f < nFeatures; f++) {
      double ndiff = normalizedDifference(values[a + f], values[b + f]);
      if (Double.isNaN(ndiff)) {
        continue;
      }
      penalty += weights[f] * 1.5 * ndiff;
    }
    return d2 * penalty * penalty;
  }

  /** |a − b| / ((a + b) / 2), and 0 when a == −b (TrackMate's {@code Spot.normalizeDiffTo}). */
  static double normalizedDifference(double a, double b) {
    if (a == -b) {
      return 0;
    }
    return Math.abs(a - b) / ((a + b) / 2);
  }
}
