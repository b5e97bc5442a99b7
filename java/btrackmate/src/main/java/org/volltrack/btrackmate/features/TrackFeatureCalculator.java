package org.volltrack.btrackmate.features;

import static org.volltrack.btrackmate.features.TrackMateFeatures.*;
import static org.volltrack.btrackmate.model.FeatureKeys.*;

import java.util.ArrayList;
import java.util.Arrays;
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
 * TrackMate's track features for the tracks of a {@link TrackModel} (spec {@code trackmate.md}
 * §2.6): index and ID, branching counts, gaps, duration, displacement, mean location, speed
 * statistics, mean quality and the motility features.
 *
 * <p>Times are spot times as {@link EdgeFeatureCalculator#time}. Tracks are named
 * {@code Track_<id>} ({@link #trackName}); TRACK_INDEX is the rank of the name in natural order.
 */
public final class TrackFeatureCalculator {

  private final TrackModel model;
  private final Calibration calibration;
  private final int[] indexOfTrack;

  /** A calculator for the tracks of {@code model}, with times from {@code calibration}. */
  public TrackFeatureCalculator(TrackModel model, Calibration calibration) {
    this.model = Objects.requireNonNull(model, "model");
    this.calibration = Objects.requireNonNull(calibration, "calibration");
    int n = model.tracks().size();
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(i);
    }
    AlphanumericOrder order = new AlphanumericOrder();
    ids.sort((a, b) -> order.compare(trackName(a), trackName(b)));
    indexOfTrack = new int[n];
    for (int rank = 0; rank < n; rank++) {
      indexOfTrack[ids.get(rank)] = rank;
    }
  }

  /** The name BTrackmate gives a track in the XML: {@code Track_<id>}. */
  public static String trackName(int trackId) {
    return "Track_" + trackId;
  }

  /**
   * All track features of one track, keyed by TrackMate key, in the order of {@link
   * TrackMateFeatures#TRACK}.
   */
  public Map<String, Double> compute(TrackModel.Track track) {
    List<Spot> spots = track.spots();
    List<Link> links = track.links();
    EdgeFeatureCalculator edges = EdgeFeatureCalculator.forTrack(model, track, calibration);

    // Branching: earlier/later neighbour counts per spot; gaps from frame differences.
    Map<Long, int[]> neighbours = new HashMap<>();
    int gaps = 0;
    int longestGap = 0;
    Map<Long, Spot> byId = new HashMap<>();
    for (Spot s : spots) {
      byId.put(s.id(), s);
    }
    for (Link l : links) {
      Spot a = byId.get(l.source());
      Spot b = byId.get(l.target());
      double ta = EdgeFeatureCalculator.time(a, calibration);
      double tb = EdgeFeatureCalculator.time(b, calibration);
      Spot early = ta <= tb ? a : b;
      Spot late = early == a ? b : a;
      neighbours.computeIfAbsent(late.id(), k -> new int[2])[0]++;
      neighbours.computeIfAbsent(early.id(), k -> new int[2])[1]++;
      int df = Math.abs(b.frame() - a.frame());
      if (df > 1) {
        gaps++;
        longestGap = Math.max(longestGap, df - 1);
      }
    }
    int splits = 0;
    int merges = 0;
    int complex = 0;
    for (int[] c : neighbours.values()) {
      int earlier = c[0];
      int later = c[1];
      if (earlier <= 1 && later > 1) {
        splits++;
      } else if (later <= 1 && earlier > 1) {
        merges++;
      } else if (earlier > 1 && later > 1) {
        complex++;
      }
    }

    // Duration, displacement, location, quality.
    // Frame order gives the ends when times cannot (NaN or infinite POSITION_T, or dt).
    Spot first = spots.get(0);
    Spot last = spots.get(spots.size() - 1);
    double tmin = Double.POSITIVE_INFINITY;
    double tmax = Double.NEGATIVE_INFINITY;
    double sx = 0;
    double sy = 0;
    double sz = 0;
    double sq = 0;
    for (Spot s : spots) {
      double t = EdgeFeatureCalculator.time(s, calibration);
      if (t < tmin) {
        tmin = t;
        first = s;
      }
      if (t > tmax) {
        tmax = t;
        last = s;
      }
      sx += s.x();
      sy += s.y();
      sz += s.z();
      sq += s.quality();
    }
    int n = spots.size();
    double duration = tmax - tmin;
    double displacement = EdgeFeatureCalculator.distance(first, last);
    Spot firstByFrame = spots.get(0);
    double maxDistance = 0;
    for (Spot s : spots) {
      maxDistance = Math.max(maxDistance, EdgeFeatureCalculator.distance(firstByFrame, s));
    }

    // Speeds and motility over the edges.
    double[] speeds = new double[links.size()];
    double total = 0;
    double rateSum = 0;
    int rateCount = 0;
    for (int i = 0; i < links.size(); i++) {
      Link l = links.get(i);
      speeds[i] = edges.speed(l);
      total += EdgeFeatureCalculator.distance(byId.get(l.source()), byId.get(l.target()));
      double rate = edges.directionalChangeRate(l);
      if (!Double.isNaN(rate)) {
        rateSum += rate;
        rateCount++;
      }
    }
    double mean = Double.NaN;
    double max = Double.NaN;
    double min = Double.NaN;
    double median = Double.NaN;
    double std = Double.NaN;
    if (speeds.length > 0) {
      double sum = 0;
      for (double v : speeds) {
        sum += v;
      }
      mean = sum / speeds.length;
      double[] sorted = speeds.clone();
      Arrays.sort(sorted);
      min = sorted[0];
      max = sorted[sorted.length - 1];
      median = sorted[sorted.length / 2];
      double ss = 0;
      for (double v : speeds) {
        ss += (v - mean) * (v - mean);
      }
      std = Math.sqrt(ss / (speeds.length - 1));
    }
    double straightLineSpeed = displacement / duration;

    Map<String, Double> out = new LinkedHashMap<>();
    out.put(TRACK_INDEX, (double) indexOfTrack[track.id()]);
    out.put(TRACK_ID, (double) track.id());
    out.put(NUMBER_SPOTS, (double) n);
    out.put(NUMBER_GAPS, (double) gaps);
    out.put(NUMBER_SPLITS, (double) splits);
    out.put(NUMBER_MERGES, (double) merges);
    out.put(NUMBER_COMPLEX, (double) complex);
    out.put(LONGEST_GAP, (double) longestGap);
    out.put(TRACK_DURATION, duration);
    out.put(TRACK_START, tmin);
    out.put(TRACK_STOP, tmax);
    out.put(TRACK_DISPLACEMENT, displacement);
    out.put(TRACK_X_LOCATION, sx / n);
    out.put(TRACK_Y_LOCATION, sy / n);
    out.put(TRACK_Z_LOCATION, sz / n);
    out.put(TRACK_MEAN_SPEED, mean);
    out.put(TRACK_MAX_SPEED, max);
    out.put(TRACK_MIN_SPEED, min);
    out.put(TRACK_MEDIAN_SPEED, median);
    out.put(TRACK_STD_SPEED, std);
    out.put(TRACK_MEAN_QUALITY, sq / n);
    out.put(TOTAL_DISTANCE_TRAVELED, total);
    out.put(MAX_DISTANCE_TRAVELED, maxDistance);
    out.put(CONFINEMENT_RATIO, displacement / total);
    out.put(MEAN_STRAIGHT_LINE_SPEED, straightLineSpeed);
    out.put(LINEARITY_OF_FORWARD_PROGRESSION, straightLineSpeed / mean);
    out.put(MEAN_DIRECTIONAL_CHANGE_RATE, rateCount == 0 ? Double.NaN : rateSum / rateCount);
    return out;
  }
}
