package org.volltrack.btrackmate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

class KdTreeTest {

  @Test
  void radiusQueryEqualsBruteForce() {
    Random rnd = new Random(11);
    for (int rep = 0; rep < 30; rep++) {
      int n = 1 + rnd.nextInt(400);
      List<Spot> spots = new ArrayList<>();
      boolean flat = rep % 3 == 0; // 2D data: z constant
      boolean grid = rep % 3 == 1; // integer lattice: many equal coordinates and exact distances
      for (int i = 0; i < n; i++) {
        double x = grid ? rnd.nextInt(6) : rnd.nextDouble() * 50;
        double y = grid ? rnd.nextInt(6) : rnd.nextDouble() * 50;
        double z = flat ? 0 : grid ? rnd.nextInt(3) : rnd.nextDouble() * 10;
        spots.add(Spot.builder(i, 0, x, y, z).build());
      }
      SpotTable table = new SpotTable(SpotCollection.of(spots));
      int[] members = new int[n];
      for (int i = 0; i < n; i++) {
        members[i] = i;
      }
      KdTree tree = new KdTree(table, members);
      KdTree.IntList out = new KdTree.IntList();
      for (int q = 0; q < 50; q++) {
        int src = rnd.nextInt(n);
        double r = grid ? rnd.nextInt(4) : rnd.nextDouble() * 15;
        double r2 = r * r;
        out.clear();
        tree.within(table.x[src], table.y[src], table.z[src], r2, out);
        int[] got = Arrays.copyOf(out.data, out.size);
        Arrays.sort(got);
        List<Integer> want = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (table.squareDistance(src, i) <= r2) {
            want.add(i);
          }
        }
        assertEquals(want.toString(), Arrays.toString(got), "case " + rep + " query " + q);
      }
    }
  }
}
