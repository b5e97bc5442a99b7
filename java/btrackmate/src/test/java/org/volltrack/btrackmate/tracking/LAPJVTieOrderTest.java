package org.volltrack.btrackmate.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LAPJV}'s shortest-path phase visits only reached columns; TrackMate's scans every column
 * in the order of a persistent permutation. With ties (integer costs) several optimal assignments
 * exist and the visiting order decides which one is returned, so the two must agree exactly, not
 * only in total cost. The reference below is the plain full-scan form of the same phases.
 */
class LAPJVTieOrderTest {

  /** Full-scan sparse JV: every phase written in its textbook form. */
  static int[] reference(SparseCostMatrix cm) {
    return reference(cm, new int[1]);
  }

  /** @param augmented counts the rows left for the shortest-path phase */
  static int[] reference(SparseCostMatrix cm, int[] augmented) {
    int n = cm.nRows();
    int[] x = new int[n];
    int[] y = new int[n];
    double[] v = new double[n];
    Arrays.fill(x, -1);
    Arrays.fill(y, -1);
    Arrays.fill(v, Double.MAX_VALUE);
    for (int i = 0; i < n; i++) {
      for (int k = cm.rowStart(i); k < cm.rowStart(i) + cm.rowLength(i); k++) {
        if (cm.cost(k) < v[cm.column(k)]) {
          v[cm.column(k)] = cm.cost(k);
          y[cm.column(k)] = i;
        }
      }
    }
    boolean[] multi = new boolean[n];
    for (int j = n - 1; j >= 0; j--) {
      int i = y[j];
      if (x[i] < 0) {
        x[i] = j;
      } else {
        multi[i] = true;
        y[j] = -1;
      }
    }
    int[] free = new int[n];
    int nf = 0;
    for (int i = 0; i < n; i++) {
      if (x[i] < 0) {
        free[nf++] = i;
      } else if (!multi[i]) {
        double min = Double.MAX_VALUE;
        for (int k = cm.rowStart(i); k < cm.rowStart(i) + cm.rowLength(i); k++) {
          if (cm.column(k) != x[i]) {
            min = Math.min(min, cm.cost(k) - v[cm.column(k)]);
          }
        }
        v[x[i]] -= min;
      }
    }
    if (nf == 0) {
      return x;
    }
    for (int pass = 0; pass < 2; pass++) {
      int k = 0;
      int prev = nf;
      nf = 0;
      while (k < prev) {
        int i = free[k++];
        double u1 = Double.MAX_VALUE;
        double u2 = Double.MAX_VALUE;
        int j1 = 0;
        int j2 = -1;
        for (int e = cm.rowStart(i); e < cm.rowStart(i) + cm.rowLength(i); e++) {
          int j = cm.column(e);
          double h = cm.cost(e) - v[j];
          if (h < u2) {
            if (h > u1) {
              u2 = h;
              j2 = j;
            } else {
              u2 = u1;
              u1 = h;
              j2 = j1;
              j1 = j;
            }
          }
        }
        int i0 = y[j1];
        if (u1 < u2) {
          v[j1] -= u2 - u1;
        } else if (i0 >= 0) {
          j1 = j2;
          i0 = y[j2];
        }
        if (i0 >= 0) {
          if (u1 < u2) {
            free[--k] = i0;
          } else {
            free[nf++] = i0;
          }
        }
        x[i] = j1;
        y[j1] = i;
      }
    }
    augmented[0] += nf;
    int[] col = new int[n];
    for (int j = 0; j < n; j++) {
      col[j] = j;
    }
    double[] d = new double[n];
    int[] pred = new int[n];
    for (int f = 0; f < nf; f++) {
      int i1 = free[f];
      Arrays.fill(d, Double.MAX_VALUE);
      for (int k = cm.rowStart(i1); k < cm.rowStart(i1) + cm.rowLength(i1); k++) {
        d[cm.column(k)] = cm.cost(k) - v[cm.column(k)];
        pred[cm.column(k)] = i1;
      }
      int low = 0;
      int up = 0;
      int last = 0;
      int end = -1;
      double min = 0;
      outer:
      while (true) {
        last = low;
        min = d[col[up++]];
        for (int k = up; k < n; k++) {
          int j = col[k];
          if (d[j] <= min) {
            if (d[j] < min) {
              up = low;
              min = d[j];
            }
            col[k] = col[up];
            col[up++] = j;
          }
        }
        for (int h = low; h < up; h++) {
          if (y[col[h]] < 0) {
            end = col[h];
            break outer;
          }
        }
        while (low != up) {
          int j1 = col[low++];
          int i = y[j1];
          double u1 = cm.get(i, j1, Double.NaN) - v[j1] - min;
          for (int k = up; k < n; k++) {
            int j = col[k];
            double c = cm.get(i, j, Double.NaN);
            if (Double.isNaN(c)) {
              continue;
            }
            double h = c - v[j] - u1;
            if (h < d[j]) {
              d[j] = h;
              pred[j] = i;
              if (h == min) {
                if (y[j] < 0) {
                  end = j;
                  break outer;
                }
                col[k] = col[up];
                col[up++] = j;
              }
            }
          }
        }
      }
      for (int k = 0; k < last; k++) {
        v[col[k]] += d[col[k]] - min;
      }
      int j = end;
      int i;
      do {
        i = pred[j];
        y[j] = i;
        int t = x[i];
        x[i] = j;
        j = t;
      } while (i != i1);
    }
    return x;
  }

  @Test
  void sameAssignmentAsFullScanWhenCostsTie() {
    Random rnd = new Random(42);
    int differentFromIdentity = 0;
    int[] augmented = new int[1];
    for (int rep = 0; rep < 400; rep++) {
      int n = 2 + rnd.nextInt(60);
      double density = new double[] {0.03, 0.1, 0.3, 0.8}[rep % 4];
      SparseCostMatrix cm = LAPJVTest.randomMatrix(rnd, n, n, density, true);
      int[] expected = reference(cm, augmented);
      int[] actual = LAPJV.solve(cm);
      assertArrayEquals(expected, actual, "case " + rep + ", n = " + n);
      assertEquals(cm.totalAssignmentCost(expected), cm.totalAssignmentCost(actual));
      for (int i = 0; i < n; i++) {
        if (actual[i] != i) {
          differentFromIdentity++;
          break;
        }
      }
    }
    assertEquals(true, differentFromIdentity > 100);
    assertEquals(true, augmented[0] > 200, "the shortest-path phase must be exercised: " + augmented[0]);
  }

  @Test
  void sameAssignmentOnTiedTrackingMatrices() {
    // Completed matrices whose candidate costs take few values, so many optima tie.
    Random rnd = new Random(5);
    int[] augmented = new int[1];
    for (int rep = 0; rep < 200; rep++) {
      int n = 3 + rnd.nextInt(40);
      int m = 3 + rnd.nextInt(40);
      int[] rows = new int[n * m];
      int[] cols = new int[n * m];
      double[] costs = new double[n * m];
      int c = 0;
      boolean[] rowHas = new boolean[n];
      boolean[] colHas = new boolean[m];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          if (rnd.nextDouble() < 0.15) {
            rows[c] = i;
            cols[c] = j;
            costs[c] = 1 + rnd.nextInt(3);
            rowHas[i] = true;
            colHas[j] = true;
            c++;
          }
        }
      }
      int[] ri = new int[n];
      int nr = 0;
      for (int i = 0; i < n; i++) {
        ri[i] = rowHas[i] ? nr++ : -1;
      }
      int[] ci = new int[m];
      int nc = 0;
      for (int j = 0; j < m; j++) {
        ci[j] = colHas[j] ? nc++ : -1;
      }
      if (c == 0) {
        continue;
      }
      for (int e = 0; e < c; e++) {
        rows[e] = ri[rows[e]];
        cols[e] = ci[cols[e]];
      }
      SparseCostMatrix tl =
          SparseCostMatrix.fromTriplets(
              nr, nc, Arrays.copyOf(rows, c), Arrays.copyOf(cols, c), Arrays.copyOf(costs, c));
      double alt = rep % 2 == 0 ? 3.0 : 1.05 * 3;
      SparseCostMatrix full =
          tl.hcat(SparseCostMatrix.diagonal(nr, alt))
              .vcat(SparseCostMatrix.diagonal(nc, alt).hcat(tl.transpose().fillWith(alt)));
      assertArrayEquals(reference(full, augmented), LAPJV.solve(full), "case " + rep);
    }
    assertEquals(true, augmented[0] > 50, "the shortest-path phase must be exercised: " + augmented[0]);
  }
}
