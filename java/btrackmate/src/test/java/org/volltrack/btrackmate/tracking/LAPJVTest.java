package org.volltrack.btrackmate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LAPJVTest {

  /** Dense O(n^3) Hungarian algorithm (shortest augmenting paths with potentials), n ≤ m. */
  static int[] hungarian(double[][] a) {
    int n = a.length;
    int m = a[0].length;
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    int[] p = new int[m + 1];
    int[] way = new int[m + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      double[] minv = new double[m + 1];
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      boolean[] used = new boolean[m + 1];
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = -1;
        for (int j = 1; j <= m; j++) {
          if (!used[j]) {
            double cur = a[i0 - 1][j - 1] - u[i0] - v[j];
            if (cur < minv[j]) {
              minv[j] = cur;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] x = new int[n];
    for (int j = 1; j <= m; j++) {
      if (p[j] != 0) {
        x[p[j] - 1] = j - 1;
      }
    }
    return x;
  }

  private static final double FORBIDDEN = 1e12;

  /** A random feasible sparse matrix: a random full matching plus random extra entries. */
  static SparseCostMatrix randomMatrix(Random rnd, int n, int m, double density, boolean integerCosts) {
    List<Integer> perm = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      perm.add(j);
    }
    Collections.shuffle(perm, rnd);
    boolean[][] present = new boolean[n][m];
    for (int i = 0; i < n; i++) {
      present[i][perm.get(i)] = true;
      for (int j = 0; j < m; j++) {
        if (rnd.nextDouble() < density) {
          present[i][j] = true;
        }
      }
    }
    List<int[]> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        if (present[i][j]) {
          entries.add(new int[] {i, j});
        }
      }
    }
    int[] rows = new int[entries.size()];
    int[] cols = new int[entries.size()];
    double[] costs = new double[entries.size()];
    for (int e = 0; e < entries.size(); e++) {
      rows[e] = entries.get(e)[0];
      cols[e] = entries.get(e)[1];
      costs[e] = integerCosts ? 1 + rnd.nextInt(5) : 0.01 + 100 * rnd.nextDouble();
    }
    return SparseCostMatrix.fromTriplets(n, m, rows, cols, costs);
  }

  static double[][] dense(SparseCostMatrix cm) {
    double[][] a = new double[cm.nRows()][cm.nCols()];
    for (double[] row : a) {
      Arrays.fill(row, FORBIDDEN);
    }
    for (int i = 0; i < cm.nRows(); i++) {
      for (int k = cm.rowStart(i); k < cm.rowStart(i) + cm.rowLength(i); k++) {
        a[i][cm.column(k)] = cm.cost(k);
      }
    }
    return a;
  }

  static void assertValidAssignment(SparseCostMatrix cm, int[] x) {
    assertEquals(cm.nRows(), x.length);
    boolean[] used = new boolean[cm.nCols()];
    for (int i = 0; i < x.length; i++) {
      assertTrue(x[i] >= 0 && x[i] < cm.nCols(), "row " + i + " unassigned");
      assertFalse(used[x[i]], "column " + x[i] + " assigned twice");
      used[x[i]] = true;
      assertTrue(cm.get(i, x[i], -1) > 0, "row " + i + " assigned to absent entry " + x[i]);
    }
  }

  @Test
  void matchesDenseHungarianOnRandomSparseMatrices() {
    Random rnd = new Random(20261125L);
    int cases = 0;
    for (int size : new int[] {1, 2, 3, 5, 10, 30, 100}) {
      for (double density : new double[] {0.0, 0.02, 0.05, 0.1, 0.3, 0.7, 1.0}) {
        for (int rep2 = 0; rep2 < 2; rep2++) {
          for (boolean integer : new boolean[] {false, true}) {
            for (int rep = 0; rep < 3; rep++) {
              SparseCostMatrix cm = randomMatrix(rnd, size, size, density, integer);
              int[] x = LAPJV.solve(cm);
              assertValidAssignment(cm, x);
              double mine = cm.totalAssignmentCost(x);
              double[][] a = dense(cm);
              int[] h = hungarian(a);
              double best = 0;
              for (int i = 0; i < h.length; i++) {
                best += a[i][h[i]];
              }
              assertTrue(best < FORBIDDEN, "generator must give feasible matrices");
              assertEquals(best, mine, 1e-9 * Math.max(1, Math.abs(best)),
                  "size " + size + " density " + density + " integer " + integer);
              cases++;
            }
          }
        }
      }
    }
    assertEquals(7 * 7 * 2 * 2 * 3, cases);
  }

  @Test
  void matchesOnLargerTrackingLikeMatrices() {
    // Completed Jaqaman matrices: candidate block, diagonal alternatives, transposed block.
    Random rnd = new Random(7);
    for (int rep = 0; rep < 20; rep++) {
      int n = 20 + rnd.nextInt(60);
      int m = 20 + rnd.nextInt(60);
      List<int[]> e = new ArrayList<>();
      List<Double> c = new ArrayList<>();
      double max = 0;
      boolean[] rowHas = new boolean[n];
      boolean[] colHas = new boolean[m];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          if (rnd.nextDouble() < 0.06) {
            e.add(new int[] {i, j});
            double cost = rnd.nextDouble() * 10;
            c.add(cost);
            max = Math.max(max, cost);
            rowHas[i] = true;
            colHas[j] = true;
          }
        }
      }
      // keep only rows/cols with candidates, as the tracker does
      int[] rowIdx = new int[n];
      int nr = 0;
      for (int i = 0; i < n; i++) {
        rowIdx[i] = rowHas[i] ? nr++ : -1;
      }
      int[] colIdx = new int[m];
      int nc = 0;
      for (int j = 0; j < m; j++) {
        colIdx[j] = colHas[j] ? nc++ : -1;
      }
      int[] rows = new int[e.size()];
      int[] cols = new int[e.size()];
      double[] costs = new double[e.size()];
      for (int t = 0; t < e.size(); t++) {
        rows[t] = rowIdx[e.get(t)[0]];
        cols[t] = colIdx[e.get(t)[1]];
        costs[t] = c.get(t);
      }
      SparseCostMatrix tl = SparseCostMatrix.fromTriplets(nr, nc, rows, cols, costs);
      double alt = 1.05 * max;
      SparseCostMatrix full =
          tl.hcat(SparseCostMatrix.diagonal(nr, alt))
              .vcat(SparseCostMatrix.diagonal(nc, alt).hcat(tl.transpose().fillWith(alt)));
      int[] x = LAPJV.solve(full);
      assertValidAssignment(full, x);
      double[][] a = dense(full);
      int[] h = hungarian(a);
      double best = 0;
      for (int i = 0; i < h.length; i++) {
        best += a[i][h[i]];
      }
      assertEquals(best, full.totalAssignmentCost(x), 1e-9 * best);
    }
  }

  @Test
  void rejectsBadInput() {
    SparseCostMatrix wide =
        SparseCostMatrix.fromTriplets(1, 2, new int[] {0, 0}, new int[] {0, 1}, new double[] {1, 2});
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> LAPJV.solve(wide))
            .getMessage()
            .contains("square"));
    SparseCostMatrix zero =
        SparseCostMatrix.fromTriplets(1, 1, new int[] {0}, new int[] {0}, new double[] {0});
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> LAPJV.solve(zero))
            .getMessage()
            .contains("positive"));
    // Two rows that can only use the same column: no complete assignment.
    SparseCostMatrix infeasible =
        SparseCostMatrix.fromTriplets(
            2, 2, new int[] {0, 1}, new int[] {0, 0}, new double[] {1, 2});
    assertThrows(IllegalArgumentException.class, () -> LAPJV.solve(infeasible));
  }

  @Test
  void infeasibleMatrixIsReportedNotSolvedWithAnAbsentEntry() {
    // Found by LAPJVFuzzTest: both rows can only use column 1. The augmenting row reduction used
    // to hand the second row column 0, where it has no entry, and return that as the solution.
    SparseCostMatrix cm =
        SparseCostMatrix.fromTriplets(2, 2, new int[] {0, 1}, new int[] {1, 1}, new double[] {1, 1});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LAPJV.solve(cm));
    assertTrue(e.getMessage().contains("no complete assignment"), e.getMessage());
  }

  @Test
  void infeasibleMatrixEndsInsteadOfLoweringPricesForever() {
    // Found by LAPJVFuzzTest: rows 0, 1 and 3 compete for columns 2 and 3 (row 2 needs column 0,
    // column 1 has no entry). The augmenting row reduction used to loop forever.
    SparseCostMatrix cm =
        SparseCostMatrix.fromTriplets(
            4, 4,
            new int[] {0, 0, 1, 1, 2, 3, 3, 3},
            new int[] {2, 3, 2, 3, 0, 0, 2, 3},
            new double[] {1, 2, 3, 1, 1, 3, 1, 1});
    assertFalse(LAPJV.hasCompleteAssignment(cm));
    IllegalArgumentException e =
        assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(10),
            () -> assertThrows(IllegalArgumentException.class, () -> LAPJV.solve(cm)));
    assertTrue(e.getMessage().contains("no complete assignment"), e.getMessage());
  }

  @Test
  void smallKnownProblem() {
    // [[4, 1, 3], [2, 0+, 5], [3, 2, 2]] with 0+ = 0.5: optimum 1 + 2 + 2 = 5 (rows 0->1, 1->0, 2->2)
    double[][] a = {{4, 1, 3}, {2, 0.5, 5}, {3, 2, 2}};
    List<Integer> r = new ArrayList<>();
    List<Integer> cl = new ArrayList<>();
    List<Double> cs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        r.add(i);
        cl.add(j);
        cs.add(a[i][j]);
      }
    }
    SparseCostMatrix cm =
        SparseCostMatrix.fromTriplets(
            3, 3,
            r.stream().mapToInt(Integer::intValue).toArray(),
            cl.stream().mapToInt(Integer::intValue).toArray(),
            cs.stream().mapToDouble(Double::doubleValue).toArray());
    int[] x = LAPJV.solve(cm);
    assertEquals(5.0, cm.totalAssignmentCost(x));
    assertEquals(Arrays.toString(new int[] {1, 0, 2}), Arrays.toString(x));
  }
}
