package org.volltrack.btrackmate.tracking;

import java.util.Map;
import org.volltrack.btrackmate.model.Spot;

/**
 * TrackMate's LAP link cost between two spots (spec §1.3), for callers that need one cost (the
 * tracker itself uses a primitive-array form of the same arithmetic).
 *
 * <ul>
 *   <li>D² = squared Euclidean distance over X, Y, Z; replaced by {@code Double.MIN_NORMAL} when 0.
 *   <li>No penalties: cost = D².
 *   <li>Penalties {feature → w}: ndiff = |a − b| / ((a + b) / 2) (0 when a = −b; a NaN ndiff is
 *       skipped); P = 1 + Σ w·1.5·ndiff; cost = D²·P². With a + b &lt; 0 the penalty shrinks, as in
 *       TrackMate.
 * </ul>
 */
public final class LinkCost {

  private LinkCost() {}

  /**
   * @throws IllegalArgumentException when a spot lacks a penalised feature (naming the spot and
   *     the feature); TrackMate fails with a NullPointerException there
   */
  public static double cost(Spot source, Spot target, Map<String, Double> penalties) {
    double d2 = source.squareDistanceTo(target);
    if (d2 == 0) {
      d2 = Double.MIN_NORMAL;
    }
    if (penalties.isEmpty()) {
      return d2;
    }
    double penalty = 1;
    for (Map.Entry<String, Double> e : penalties.entrySet()) {
      double a = value(source, e.getKey());
      double b = value(target, e.getKey());
      double ndiff = PenaltyCost.normalizedDifference(a, b);
      if (Double.isNaN(ndiff)) {
        continue;
      }
      penalty += e.getValue() * 1.5 * ndiff;
    }
    return d2 * penalty * penalty;
  }

  private static double value(Spot s, String feature) {
    Double v = s.feature(feature);
    if (v == null) {
      throw new IllegalArgumentException(
          "spot " + s.id() + " (frame " + s.frame() + ") has no feature '" + feature + "'");
    }
    return v;
  }
}
