package org.volltrack.btrackmate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

class LinkCostTest {

  private static Spot spot(long id, double x, double intensity) {
    return Spot.builder(id, 0, x, 0, 0).feature("I", intensity).build();
  }

  private static final Map<String, Double> W1 = Collections.singletonMap("I", 1.0);

  @Test
  void squaredDistanceWithoutPenalties() {
    Spot a = Spot.builder(1, 0, 1, 2, 3).build();
    Spot b = Spot.builder(2, 1, 4, 6, 3).build();
    assertEquals(25.0, LinkCost.cost(a, b, Collections.<String, Double>emptyMap()));
    assertEquals(Double.MIN_NORMAL, LinkCost.cost(a, a, Collections.<String, Double>emptyMap()));
  }

  @Test
  void penaltyFormula() {
    // 2× ratio with w = 1: P = 1 + 1.5·(1/1.5) = 2, cost = 4·D².
    assertEquals(4.0, LinkCost.cost(spot(1, 0, 100), spot(2, 1, 200), W1), 1e-12);
    // 5× ratio: P = 3.
    assertEquals(9.0, LinkCost.cost(spot(1, 0, 1), spot(2, 1, 5), W1), 1e-12);
    // a = −b: ndiff defined as 0.
    assertEquals(1.0, LinkCost.cost(spot(1, 0, 3), spot(2, 1, -3), W1));
    assertEquals(1.0, LinkCost.cost(spot(1, 0, 0), spot(2, 1, 0), W1));
    // NaN ndiff is skipped.
    assertEquals(1.0, LinkCost.cost(spot(1, 0, Double.NaN), spot(2, 1, 5), W1));
    // a + b < 0: ndiff = 2 / −2 = −1, P = −0.5, the cost shrinks to 0.25·D² (as in TrackMate).
    assertEquals(0.25, LinkCost.cost(spot(1, 0, -1), spot(2, 1, -3), W1), 1e-12);
    // D² = 0 with a penalty: MIN_NORMAL · P².
    assertEquals(4 * Double.MIN_NORMAL, LinkCost.cost(spot(1, 0, 100), spot(2, 0, 200), W1));
  }

  @Test
  void missingFeatureIsNamed() {
    Spot a = spot(1, 0, 1);
    Spot b = Spot.builder(42, 0, 1, 0, 0).build();
    String m =
        assertThrows(IllegalArgumentException.class, () -> LinkCost.cost(a, b, W1)).getMessage();
    assertTrue(m.contains("spot 42") && m.contains("'I'"), m);
  }

  @Test
  void trackerArithmeticIsBitIdenticalToLinkCost() {
    Random rnd = new Random(3);
    List<Spot> spots = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      spots.add(
          Spot.builder(i, i % 3, rnd.nextDouble() * 10, rnd.nextDouble() * 10, rnd.nextDouble())
              .feature("I", rnd.nextGaussian() * 10)
              .feature("J", rnd.nextDouble())
              .build());
    }
    Map<String, Double> pen = new LinkedHashMap<>();
    pen.put("I", 0.7);
    pen.put("J", 2.0);
    pen.put("QUALITY", 1.0);
    SpotTable table = new SpotTable(SpotCollection.of(spots));
    PenaltyCost pc = new PenaltyCost(table, pen, "TEST");
    for (int k = 0; k < 2000; k++) {
      int a = rnd.nextInt(200);
      int b = rnd.nextInt(200);
      double expected = LinkCost.cost(table.spots[a], table.spots[b], pen);
      assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(pc.cost(a, b)));
    }
  }

  @Test
  void percentileIsImgLib2NearestRank() {
    double[] v = {5, 1, 4, 2, 3};
    assertEquals(5.0, JaqamanLinker.percentile(v, 5, 1.0));
    assertEquals(1.0, JaqamanLinker.percentile(v, 5, 0.0));
    assertEquals(5.0, JaqamanLinker.percentile(v, 5, 0.9)); // round(3.6) = 4
    assertEquals(3.0, JaqamanLinker.percentile(v, 5, 0.5)); // round(2.0) = 2
    assertEquals(4.0, JaqamanLinker.percentile(v, 5, 0.625)); // round(2.5) = 3: halves up
    assertEquals(2.0, JaqamanLinker.percentile(new double[] {2, 1}, 2, 0.5)); // round(0.5) = 1
    assertEquals(7.0, JaqamanLinker.percentile(new double[] {7}, 1, 0.9));
  }
}
