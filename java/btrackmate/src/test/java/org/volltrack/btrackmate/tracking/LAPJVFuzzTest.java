package org.volltrack.btrackmate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.volltrack.btrackmate.FuzzSeeds;

/**
 * Property-based tests of the sparse LAPJV solver against exact dense oracles: the dense Hungarian
 * algorithm of {@link LAPJVTest} for square matrices, and an exhaustive search over all partial
 * matchings for the rectangular candidate blocks that the tracker completes with Jaqaman's
 * alternative costs. Costs come in three kinds: many ties (1, 2, 3), continuous, and magnitudes
 * from 1e-6 to 1e6; sparsity patterns may admit no complete assignment.
 */
@AddLifecycleHook(FuzzSeeds.class)
class LAPJVFuzzTest {

  private static final double FORBIDDEN = 1e15;
  /** A solve that takes longer has looped (the matrices have at most 24 rows). */
  private static final Duration LIMIT = Duration.ofSeconds(20);

  /** A cost matrix as a dense grid; {@code null} = no entry (assignment forbidden). */
  static final class Problem {
    final int n;
    final int m;
    final Double[] cells;

    Problem(int n, int m, List<Double> cells) {
      this.n = n;
      this.m = m;
      this.cells = cells.toArray(new Double[0]);
    }

    Double at(int i, int j) {
      return cells[i * m + j];
    }

    /** The sparse matrix; a row without entries gets entry (i, i mod m) = 1 (the solver needs one). */
    SparseCostMatrix sparse() {
      List<int[]> idx = new ArrayList<>();
      List<Double> cost = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        boolean any = false;
        for (int j = 0; j < m; j++) {
          if (at(i, j) != null) {
            idx.add(new int[] {i, j});
            cost.add(at(i, j));
            any = true;
          }
        }
        if (!any) {
          cells[i * m + i % m] = 1.0;
          idx.add(new int[] {i, i % m});
          cost.add(1.0);
        }
      }
      int[] rows = new int[idx.size()];
      int[] cols = new int[idx.size()];
      double[] c = new double[idx.size()];
      for (int e = 0; e < c.length; e++) {
        rows[e] = idx.get(e)[0];
        cols[e] = idx.get(e)[1];
        c[e] = cost.get(e);
      }
      return SparseCostMatrix.fromTriplets(n, m, rows, cols, c);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(n + "x" + m + " [");
      for (int i = 0; i < n; i++) {
        sb.append(i == 0 ? "" : "; ");
        for (int j = 0; j < m; j++) {
          sb.append(j == 0 ? "" : " ").append(at(i, j) == null ? "-" : at(i, j).toString());
        }
      }
      return sb.append(']').toString();
    }
  }

  private static Arbitrary<Double> costs(int kind) {
    switch (kind) {
      case 0:
        return Arbitraries.of(1.0, 2.0, 3.0); // ties everywhere
      case 1:
        return Arbitraries.doubles().between(0.001, 100.0).ofScale(9);
      default:
        return Arbitraries.integers().between(-6, 6).flatMap(
            e -> Arbitraries.doubles().between(1, 10).ofScale(9).map(v -> v * Math.pow(10, e)));
    }
  }

  private static Arbitrary<Problem> problems(int n, int m) {
    return Combinators.combine(
            Arbitraries.integers().between(0, 2), Arbitraries.of(0.0, 0.3, 0.6, 0.85, 0.95))
        .flatAs(
            (kind, absent) ->
                costs(kind).injectNull(absent).list().ofSize(n * m).map(c -> new Problem(n, m, c)));
  }

  @Provide
  Arbitrary<Problem> square() {
    return Arbitraries.integers().between(1, 24).flatMap(n -> problems(n, n));
  }

  @Provide
  Arbitrary<Problem> rectangular() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 6))
        .flatAs(LAPJVFuzzTest::problems);
  }

  /**
   * Square sparse matrices: the solver's total equals the dense Hungarian optimum, or, when the
   * sparsity pattern admits no complete assignment, the solver says so (never a wrong answer).
   */
  @Property
  void squareMatchesDenseOptimumOrReportsInfeasible(@ForAll("square") Problem p) {
    SparseCostMatrix cm = p.sparse();
    double[][] a = LAPJVTest.dense(cm);
    for (double[] row : a) {
      for (int j = 0; j < row.length; j++) {
        row[j] = row[j] == 1e12 ? FORBIDDEN : row[j];
      }
    }
    int[] h = LAPJVTest.hungarian(a);
    double best = 0;
    for (int i = 0; i < h.length; i++) {
      best += a[i][h[i]];
    }
    assertEquals(best < FORBIDDEN, LAPJV.hasCompleteAssignment(cm), "feasibility check");
    if (best >= FORBIDDEN) {
      IllegalArgumentException e =
          assertTimeoutPreemptively(
              LIMIT, () -> assertThrows(IllegalArgumentException.class, () -> LAPJV.solve(cm)));
      assertTrue(e.getMessage().contains("no complete assignment"), e.getMessage());
      return;
    }
    int[] x = assertTimeoutPreemptively(LIMIT, () -> LAPJV.solve(cm));
    LAPJVTest.assertValidAssignment(cm, x);
    assertEquals(best, cm.totalAssignmentCost(x), 1e-9 * best, p.toString());
  }

  /** A matrix that is not square is refused with a message, not solved wrongly. */
  @Property(tries = 20)
  void nonSquareIsRefused(@ForAll("rectangular") Problem p) {
    if (p.n == p.m) {
      return;
    }
    SparseCostMatrix cm = p.sparse();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LAPJV.solve(cm));
    assertTrue(e.getMessage().contains("square"), e.getMessage());
  }

  /**
   * A rectangular n×m candidate block completed as the tracker completes it ({@link JaqamanLinker}:
   * alternative cost a on both diagonals, a on the transposed pattern) is solved optimally: its
   * links are a matching of candidates, and its total equals the exhaustive optimum over all
   * partial matchings M, Σ_M c + a·(n + m − |M|).
   */
  @Property
  void completedRectangularBlocksMatchExhaustiveOptimum(
      @ForAll("rectangular") Problem p, @ForAll("alternativeFactors") double factor) {
    SparseCostMatrix tl = sparseWithoutFilling(p);
    if (tl == null) {
      return;
    }
    double max = 0;
    for (int k = 0; k < tl.cardinality(); k++) {
      max = Math.max(max, tl.cost(k));
    }
    double alt = factor * max;
    int n = tl.nRows();
    int m = tl.nCols();
    SparseCostMatrix full =
        tl.hcat(SparseCostMatrix.diagonal(n, alt))
            .vcat(SparseCostMatrix.diagonal(m, alt).hcat(tl.transpose().fillWith(alt)));
    int[] x = LAPJV.solve(full);
    LAPJVTest.assertValidAssignment(full, x);
    double linkSum = 0;
    int links = 0;
    for (int i = 0; i < n; i++) {
      if (x[i] < m) {
        linkSum += tl.get(i, x[i], Double.NaN);
        links++;
      }
    }
    double total = full.totalAssignmentCost(x);
    assertEquals(linkSum + alt * (n + m - links), total, 1e-9 * total, "links and alternatives add up");
    double best = bestPartialMatching(tl, alt, 0, new boolean[m]) + alt * (n + m);
    assertEquals(best, total, 1e-9 * Math.abs(total), p + " alt " + alt);
  }

  @Provide
  Arbitrary<Double> alternativeFactors() {
    return Arbitraries.of(0.5, 1.0, 1.05, 2.0);
  }

  /**
   * The candidate block with the tracker's shape: only rows and columns that have a candidate
   * (null when there is none at all).
   */
  private static SparseCostMatrix sparseWithoutFilling(Problem p) {
    int[] rowIdx = new int[p.n];
    int[] colIdx = new int[p.m];
    java.util.Arrays.fill(rowIdx, -1);
    java.util.Arrays.fill(colIdx, -1);
    int nr = 0;
    int nc = 0;
    List<int[]> e = new ArrayList<>();
    for (int i = 0; i < p.n; i++) {
      for (int j = 0; j < p.m; j++) {
        if (p.at(i, j) != null) {
          e.add(new int[] {i, j});
        }
      }
    }
    if (e.isEmpty()) {
      return null;
    }
    for (int[] ij : e) {
      if (rowIdx[ij[0]] < 0) {
        rowIdx[ij[0]] = nr++;
      }
    }
    for (int j = 0; j < p.m; j++) {
      for (int[] ij : e) {
        if (ij[1] == j && colIdx[j] < 0) {
          colIdx[j] = nc++;
        }
      }
    }
    int[] rows = new int[e.size()];
    int[] cols = new int[e.size()];
    double[] c = new double[e.size()];
    for (int t = 0; t < c.length; t++) {
      rows[t] = rowIdx[e.get(t)[0]];
      cols[t] = colIdx[e.get(t)[1]];
      c[t] = p.at(e.get(t)[0], e.get(t)[1]);
    }
    return SparseCostMatrix.fromTriplets(nr, nc, rows, cols, c);
  }

  /** min over partial matchings of rows ≥ i of Σ (c − alt), by exhaustive search. */
  private static double bestPartialMatching(SparseCostMatrix tl, double alt, int i, boolean[] used) {
    if (i == tl.nRows()) {
      return 0;
    }
    double best = bestPartialMatching(tl, alt, i + 1, used); // row i unmatched
    for (int k = tl.rowStart(i); k < tl.rowStart(i) + tl.rowLength(i); k++) {
      int j = tl.column(k);
      if (!used[j]) {
        used[j] = true;
        best = Math.min(best, tl.cost(k) - alt + bestPartialMatching(tl, alt, i + 1, used));
        used[j] = false;
      }
    }
    return best;
  }
}
