package org.volltrack.btrackmate.features;

import static org.volltrack.btrackmate.features.TrackMateFeatures.DIRECTIONAL_CHANGE_RATE;
import static org.volltrack.btrackmate.features.TrackMateFeatures.DISPLACEMENT;
import static org.volltrack.btrackmate.features.TrackMateFeatures.EDGE_TIME;
import static org.volltrack.btrackmate.features.TrackMateFeatures.EDGE_X_LOCATION;
import static org.volltrack.btrackmate.features.TrackMateFeatures.EDGE_Y_LOCATION;
import static org.volltrack.btrackmate.features.TrackMateFeatures.EDGE_Z_LOCATION;
import static org.volltrack.btrackmate.features.TrackMateFeatures.LINK_COST;
import static org.volltrack.btrackmate.features.TrackMateFeatures.SPEED;
import static org.volltrack.btrackmate.features.TrackMateFeatures.SPOT_SOURCE_ID;
import static org.volltrack.btrackmate.features.TrackMateFeatures.SPOT_TARGET_ID;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.volltrack.btrackmate.model.Calibration;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.TrackModel;
import org.volltrack.btrackmate.model.FeatureKeys;

/**
 * TrackMate's edge features for the links of a {@link TrackModel} (spec {@code trackmate.md}
 * §2.6): source and target IDs, LINK_COST, SPEED = D/|Δt|, DISPLACEMENT = D, EDGE_TIME and
 * EDGE_X/Y/Z_LOCATION (midpoints), DIRECTIONAL_CHANGE_RATE.
 *
 * <p>The time of a spot is its {@code POSITION_T} feature when it carries one, otherwise
 * {@code frame × dt}. The calculator keeps an index of each spot's predecessors (built once, over
 * the whole model or, with {@link #forTrack}, over one track), so edges can be computed one at a
 * time while streaming a file.
 */
public final class EdgeFeatureCalculator {

  private final TrackModel model;
  private final Calibration calibration;
  private final Map<Long, Long> singlePredecessor = new HashMap<>();
  private final Map<Long, Integer> predecessorCount = new HashMap<>();

  /** A calculator for the links of {@code model}, with times from {@code calibration}. */
  public EdgeFeatureCalculator(TrackModel model, Calibration calibration) {
    this(model, model.links(), calibration);
  }

  private EdgeFeatureCalculator(TrackModel model, List<Link> indexed, Calibration calibration) {
    this.model = Objects.requireNonNull(model, "model");
    this.calibration = Objects.requireNonNull(calibration, "calibration");
    for (Link l : indexed) {
      predecessorCount.merge(l.target(), 1, Integer::sum);
      singlePredecessor.put(l.target(), l.source());
    }
  }

  /**
   * A calculator for the links of one track only: its index holds that track's links, so memory
   * stays proportional to the track (a spot's predecessors are always in its own track).
   */
  public static EdgeFeatureCalculator forTrack(
      TrackModel model, TrackModel.Track track, Calibration calibration) {
    return new EdgeFeatureCalculator(model, track.links(), calibration);
  }

  /** The time of a spot: its {@code POSITION_T} feature if it has one, else frame × dt. */
  public static double time(Spot spot, Calibration calibration) {
    Double t = spot.features().get(FeatureKeys.POSITION_T);
    return t != null ? t : calibration.timeOf(spot.frame());
  }

  /** Euclidean distance between two spots. */
  static double distance(Spot a, Spot b) {
    return Math.sqrt(a.squareDistanceTo(b));
  }

  /**
   * All edge features of one link, keyed by TrackMate key, in the order of {@link
   * TrackMateFeatures#EDGE}.
   *
   * @throws IllegalArgumentException when the link's spots are not in the model
   */
  public Map<String, Double> compute(Link link) {
    Spot source = spot(link.source());
    Spot target = spot(link.target());
    double ts = time(source, calibration);
    double tt = time(target, calibration);
    double d = distance(source, target);
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(SPOT_SOURCE_ID, (double) link.source());
    out.put(SPOT_TARGET_ID, (double) link.target());
    out.put(LINK_COST, link.cost());
    out.put(DIRECTIONAL_CHANGE_RATE, directionalChangeRate(link));
    out.put(SPEED, d / Math.abs(tt - ts));
    out.put(DISPLACEMENT, d);
    out.put(EDGE_TIME, 0.5 * (ts + tt));
    out.put(EDGE_X_LOCATION, 0.5 * (source.x() + target.x()));
    out.put(EDGE_Y_LOCATION, 0.5 * (source.y() + target.y()));
    out.put(EDGE_Z_LOCATION, 0.5 * (source.z() + target.z()));
    return out;
  }

  /** The speed of a link: distance over the absolute time difference. */
  public double speed(Link link) {
    Spot source = spot(link.source());
    Spot target = spot(link.target());
    return distance(source, target)
        / Math.abs(time(target, calibration) - time(source, calibration));
  }

  /**
   * The rate of change of direction at the link's source: the angle between the incoming step
   * (predecessor → source) and this step (source → target), atan2(|v1×v2|, v1·v2), divided by the
   * link's time difference. NaN unless the source has exactly one predecessor.
   */
  public double directionalChangeRate(Link link) {
    Integer n = predecessorCount.get(link.source());
    if (n == null || n != 1) {
      return Double.NaN;
    }
    Spot pred = spot(singlePredecessor.get(link.source()));
    Spot source = spot(link.source());
    Spot target = spot(link.target());
    double dx1 = source.x() - pred.x();
    double dy1 = source.y() - pred.y();
    double dz1 = source.z() - pred.z();
    double dx2 = target.x() - source.x();
    double dy2 = target.y() - source.y();
    double dz2 = target.z() - source.z();
    double cx = dy1 * dz2 - dz1 * dy2;
    double cy = dz1 * dx2 - dx1 * dz2;
    double cz = dx1 * dy2 - dy1 * dx2;
    double cross = Math.sqrt(cx * cx + cy * cy + cz * cz);
    double dot = dx1 * dx2 + dy1 * dy2 + dz1 * dz2;
    double angle = Math.atan2(cross, dot);
    return angle / (time(target, calibration) - time(source, calibration));
  }

  private Spot spot(long id) {
    Spot s = model.spots().get(id);
    if (s == null) {
      throw new IllegalArgumentException("spot " + id + " is not in the model");
    }
    return s;
  }
}
