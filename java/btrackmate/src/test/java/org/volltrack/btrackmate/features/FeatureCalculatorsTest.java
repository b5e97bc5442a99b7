package org.volltrack.btrackmate.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.model.Calibration;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;

/** Edge and track features on small tracks whose values are worked out by hand. */
class FeatureCalculatorsTest {

  private static final double EPS = 1e-12;
  private static final Calibration DT2 = Calibration.of(0.5, 0.5, 2, 2.0, "µm", "s");

  private static Spot spot(long id, int frame, double x, double y, double z, double q) {
    return Spot.builder(id, frame, x, y, z).quality(q).build();
  }

  /**
   * An L-shaped track: (0,0,0) f0 → (3,4,0) f1 → (3,4,0)+(0,0,2) f3 (a gap of one frame) with
   * dt = 2: speeds 5/2 and 2/4.
   */
  private static TrackModel lTrack() {
    List<Spot> spots =
        Arrays.asList(spot(1, 0, 0, 0, 0, 1), spot(2, 1, 3, 4, 0, 2), spot(3, 3, 3, 4, 2, 6));
    return new TrackModel(
        SpotCollection.of(spots, 0, 3),
        Arrays.asList(new Link(1, 2, 7.5), new Link(2, 3, 0.25)));
  }

  @Test
  void edgeFeaturesOfAStraightStepAndATurn() {
    TrackModel m = lTrack();
    EdgeFeatureCalculator c = new EdgeFeatureCalculator(m, DT2);
    Map<String, Double> first = c.compute(m.links().get(0));
    assertEquals(1.0, first.get("SPOT_SOURCE_ID"));
    assertEquals(2.0, first.get("SPOT_TARGET_ID"));
    assertEquals(7.5, first.get("LINK_COST"));
    assertEquals(5.0, first.get("DISPLACEMENT"), EPS);
    assertEquals(2.5, first.get("SPEED"), EPS);
    assertEquals(1.0, first.get("EDGE_TIME"), EPS); // (0 + 2) / 2
    assertEquals(1.5, first.get("EDGE_X_LOCATION"), EPS);
    assertEquals(2.0, first.get("EDGE_Y_LOCATION"), EPS);
    assertEquals(0.0, first.get("EDGE_Z_LOCATION"), EPS);
    assertTrue(Double.isNaN(first.get("DIRECTIONAL_CHANGE_RATE")), "no predecessor");

    Map<String, Double> second = c.compute(m.links().get(1));
    assertEquals(2.0, second.get("DISPLACEMENT"), EPS);
    assertEquals(0.5, second.get("SPEED"), EPS); // 2 over t = 6 - 2
    assertEquals(4.0, second.get("EDGE_TIME"), EPS);
    // The step turns from (3,4,0) to (0,0,2): a right angle, over 4 s.
    assertEquals(Math.PI / 2 / 4, second.get("DIRECTIONAL_CHANGE_RATE"), EPS);
    assertEquals(
        new ArrayList<>(second.keySet()),
        Arrays.asList(
            "SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LINK_COST", "DIRECTIONAL_CHANGE_RATE", "SPEED",
            "DISPLACEMENT", "EDGE_TIME", "EDGE_X_LOCATION", "EDGE_Y_LOCATION", "EDGE_Z_LOCATION"));
  }

  @Test
  void directionalChangeRateOfAReversalIsPiOverDt() {
    List<Spot> spots =
        Arrays.asList(spot(1, 0, 0, 0, 0, 1), spot(2, 1, 1, 0, 0, 1), spot(3, 2, 0, 0, 0, 1));
    TrackModel m =
        new TrackModel(SpotCollection.of(spots), Arrays.asList(new Link(1, 2, 0), new Link(2, 3, 0)));
    EdgeFeatureCalculator c = new EdgeFeatureCalculator(m, Calibration.pixels());
    assertEquals(Math.PI, c.directionalChangeRate(new Link(2, 3, 0)), EPS);
  }

  @Test
  void trackFeaturesOfTheLTrack() {
    TrackModel m = lTrack();
    Map<String, Double> f = new TrackFeatureCalculator(m, DT2).compute(m.tracks().get(0));
    assertEquals(0.0, f.get("TRACK_INDEX"));
    assertEquals(0.0, f.get("TRACK_ID"));
    assertEquals(3.0, f.get("NUMBER_SPOTS"));
    assertEquals(1.0, f.get("NUMBER_GAPS"));
    assertEquals(1.0, f.get("LONGEST_GAP"));
    assertEquals(0.0, f.get("NUMBER_SPLITS"));
    assertEquals(0.0, f.get("NUMBER_MERGES"));
    assertEquals(0.0, f.get("NUMBER_COMPLEX"));
    assertEquals(0.0, f.get("TRACK_START"));
    assertEquals(6.0, f.get("TRACK_STOP"));
    assertEquals(6.0, f.get("TRACK_DURATION"));
    double disp = Math.sqrt(9 + 16 + 4);
    assertEquals(disp, f.get("TRACK_DISPLACEMENT"), EPS);
    assertEquals(2.0, f.get("TRACK_X_LOCATION"), EPS);
    assertEquals(8.0 / 3, f.get("TRACK_Y_LOCATION"), EPS);
    assertEquals(2.0 / 3, f.get("TRACK_Z_LOCATION"), EPS);
    assertEquals(1.5, f.get("TRACK_MEAN_SPEED"), EPS);
    assertEquals(2.5, f.get("TRACK_MAX_SPEED"), EPS);
    assertEquals(0.5, f.get("TRACK_MIN_SPEED"), EPS);
    assertEquals(2.5, f.get("TRACK_MEDIAN_SPEED"), EPS); // sorted[n / 2] of {0.5, 2.5}
    assertEquals(Math.sqrt(2.0), f.get("TRACK_STD_SPEED"), EPS); // n - 1 = 1: (1 + 1) / 1
    assertEquals(3.0, f.get("TRACK_MEAN_QUALITY"), EPS);
    assertEquals(7.0, f.get("TOTAL_DISTANCE_TRAVELED"), EPS);
    assertEquals(disp, f.get("MAX_DISTANCE_TRAVELED"), EPS);
    assertEquals(disp / 7, f.get("CONFINEMENT_RATIO"), EPS);
    assertEquals(disp / 6, f.get("MEAN_STRAIGHT_LINE_SPEED"), EPS);
    assertEquals(disp / 6 / 1.5, f.get("LINEARITY_OF_FORWARD_PROGRESSION"), EPS);
    assertEquals(Math.PI / 8, f.get("MEAN_DIRECTIONAL_CHANGE_RATE"), EPS);
    assertEquals(TrackMateFeatures.TRACK.size(), f.size());
  }

  @Test
  void branchingCountsSplitsMergesAndComplexPoints() {
    // 1 → {2, 3} (split at 1); {2, 3} → 4 (merge at 4); 4 → {5, 6} with 4 also complex?
    // Complex needs > 1 earlier and > 1 later: make 4 → 5 and 4 → 6.
    List<Spot> spots =
        Arrays.asList(
            spot(1, 0, 0, 0, 0, 1), spot(2, 1, 1, 0, 0, 1), spot(3, 1, -1, 0, 0, 1),
            spot(4, 2, 0, 0, 0, 1), spot(5, 3, 1, 0, 0, 1), spot(6, 3, -1, 0, 0, 1),
            spot(7, 4, 5, 0, 0, 1), spot(8, 5, 5, 0, 0, 1), spot(9, 5, 6, 0, 0, 1));
    List<Link> links =
        Arrays.asList(
            new Link(1, 2, 0), new Link(1, 3, 0), new Link(2, 4, 0), new Link(3, 4, 0),
            new Link(4, 5, 0), new Link(4, 6, 0), new Link(5, 7, 0), new Link(6, 7, 0),
            new Link(7, 8, 0), new Link(7, 9, 0));
    TrackModel m = new TrackModel(SpotCollection.of(spots), links);
    Map<String, Double> f = new TrackFeatureCalculator(m, Calibration.pixels()).compute(m.tracks().get(0));
    assertEquals(9.0, f.get("NUMBER_SPOTS"));
    assertEquals(1.0, f.get("NUMBER_SPLITS")); // spot 1
    assertEquals(0.0, f.get("NUMBER_MERGES"));
    assertEquals(2.0, f.get("NUMBER_COMPLEX")); // spots 4 and 7
    assertEquals(0.0, f.get("NUMBER_GAPS"));
    // The spot with the lowest time is 1, the highest-time spots are 8 and 9: the first (8).
    assertEquals(5.0, f.get("TRACK_DISPLACEMENT"), EPS);
  }

  @Test
  void mergeIsCountedAtTheJoiningSpot() {
    List<Spot> spots =
        Arrays.asList(spot(1, 0, 0, 0, 0, 1), spot(2, 0, 2, 0, 0, 1), spot(3, 1, 1, 0, 0, 1));
    TrackModel m =
        new TrackModel(SpotCollection.of(spots), Arrays.asList(new Link(1, 3, 0), new Link(2, 3, 0)));
    Map<String, Double> f = new TrackFeatureCalculator(m, Calibration.pixels()).compute(m.tracks().get(0));
    assertEquals(1.0, f.get("NUMBER_MERGES"));
    assertEquals(0.0, f.get("NUMBER_SPLITS"));
    // After a merge the target has 2 predecessors: no directional change rate anywhere.
    assertTrue(Double.isNaN(f.get("MEAN_DIRECTIONAL_CHANGE_RATE")));
  }

  @Test
  void trackIndexFollowsNaturalNameOrder() {
    List<Spot> spots = new ArrayList<>();
    List<Link> links = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      spots.add(spot(2 * i, 0, 10 * i, 0, 0, 1));
      spots.add(spot(2 * i + 1, 1, 10 * i, 1, 0, 1));
      links.add(new Link(2 * i, 2 * i + 1, 0));
    }
    TrackModel m = new TrackModel(SpotCollection.of(spots), links);
    TrackFeatureCalculator c = new TrackFeatureCalculator(m, Calibration.pixels());
    for (TrackModel.Track t : m.tracks()) {
      // Track_2 before Track_10: index equals the ID, not the lexicographic rank.
      assertEquals((double) t.id(), c.compute(t).get("TRACK_INDEX"));
    }
    AlphanumericOrder order = new AlphanumericOrder();
    assertTrue(order.compare("Track_2", "Track_10") < 0);
    assertTrue(order.compare("Track_10", "Track_9") > 0);
    assertTrue(order.compare("a", "a1") < 0);
    assertEquals(0, order.compare("Track_007", "Track_7"));
  }

  @Test
  void spotTimeIsPositionTWhenStoredElseFrameTimesDt() {
    Spot plain = Spot.builder(1, 3, 0, 0, 0).build();
    Spot stored = Spot.builder(2, 3, 0, 0, 0).feature("POSITION_T", 7.25).build();
    assertEquals(6.0, EdgeFeatureCalculator.time(plain, DT2));
    assertEquals(7.25, EdgeFeatureCalculator.time(stored, DT2));
  }

  @Test
  void declarationsUseTrackMateKeysAndDimensions() {
    assertEquals(FeatureDimension.COST, TrackMateFeatures.EDGE.get(2).dimension());
    assertEquals("LINK_COST", TrackMateFeatures.EDGE.get(2).key());
    FeatureDeclaration ch = TrackMateFeatures.spotDeclaration("MEAN_INTENSITY_CH2");
    assertEquals("Mean intensity ch2", ch.name());
    assertEquals(FeatureDimension.INTENSITY, ch.dimension());
    assertEquals(FeatureDeclaration.generic("VOLUME"), TrackMateFeatures.spotDeclaration("VOLUME"));
    assertTrue(TrackMateFeatures.spotDeclaration("FRAME").isInt());
  }
}
