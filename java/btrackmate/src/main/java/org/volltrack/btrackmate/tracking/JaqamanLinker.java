package org.volltrack.btrackmate.tracking;

import java.util.Arrays;

/**
 * Completes a candidate cost matrix with Jaqaman's alternative blocks and solves it (spec §1.4
 * steps 4, 6, 7):
 *
 * <pre>
 *   [ C (n×m)             a·I (n×n) ]
 *   [ a·I (m×m)   pattern(Cᵀ)·a (m×n) ]
 * </pre>
 *
 * Rows are the distinct candidate sources and columns the distinct candidate targets, both in
 * spot-ID order (a {@link SpotTable} index is the rank of the ID). A solved entry (i &lt; n, j &lt; m)
 * is a link whose cost is the candidate cost.
 */
final class JaqamanLinker {

  private JaqamanLinker() {}

  /**
   * Solves and appends the links to {@code out} (source index, target index, cost).
   *
   * @param candidates distinct (source, target) pairs, every cost &gt; 0
   * @param alternativeCost the cost of "no link" for every source and target
   */
  static void link(CandidateList candidates, double alternativeCost, CandidateList out) {
    int c = candidates.size;
    if (c == 0) {
      return;
    }
    int[] rows = distinctSorted(candidates.source, c);
    int[] cols = distinctSorted(candidates.target, c);
    int[] r = new int[c];
    int[] k = new int[c];
    for (int e = 0; e < c; e++) {
      r[e] = Arrays.binarySearch(rows, candidates.source[e]);
      k[e] = Arrays.binarySearch(cols, candidates.target[e]);
    }
    SparseCostMatrix tl =
        SparseCostMatrix.fromTriplets(
            rows.length, cols.length, r, k, Arrays.copyOf(candidates.cost, c));
    int n = rows.length;
    int m = cols.length;
    SparseCostMatrix full =
        tl.hcat(SparseCostMatrix.diagonal(n, alternativeCost))
            .vcat(
                SparseCostMatrix.diagonal(m, alternativeCost)
                    .hcat(tl.transpose().fillWith(alternativeCost)));
    int[] x = LAPJV.solve(full);
    for (int i = 0; i < n; i++) {
      int j = x[i];
      if (j < m) {
        out.add(rows[i], cols[j], tl.get(i, j, Double.NaN));
      }
    }
  }

  static int[] distinctSorted(int[] values, int size) {
    int[] s = Arrays.copyOf(values, size);
    Arrays.sort(s);
    int u = 0;
    for (int i = 0; i < size; i++) {
      if (u == 0 || s[i] != s[u - 1]) {
        s[u++] = s[i];
      }
    }
    return Arrays.copyOf(s, u);
  }

  /**
   * ImgLib2's {@code Util.percentile}: the sorted value at rank round((n−1)·p), clamped to [0, n−1]
   * (Java {@code Math.round}: halves round up). Nearest rank, no interpolation.
   */
  static double percentile(double[] values, int size, double p) {
    double[] s = Arrays.copyOf(values, size);
    Arrays.sort(s);
    long pos = Math.round((size - 1) * p);
    int k = (int) Math.min(size - 1, Math.max(0, pos));
    return s[k];
  }

  static double max(double[] values, int size) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < size; i++) {
      if (values[i] > m) {
        m = values[i];
      }
    }
    return m;
  }
}
