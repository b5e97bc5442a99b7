package org.volltrack.btrackmate.tracking;

import java.util.Arrays;

/**
 * Sparse Jonker–Volgenant solver of the linear assignment problem (spec §1.8), following the
 * phases TrackMate's sparse solver runs, in the same order and with the same tie rules, so that
 * equal-cost alternatives are decided as TrackMate decides them:
 *
 * <ol>
 *   <li>column reduction (column minima found scanning rows in order, the first row winning ties;
 *       columns then handed out in reverse order, a row keeping the first one it gets);
 *   <li>reduction transfer from singly assigned rows;
 *   <li>two passes of augmenting row reduction;
 *   <li>shortest augmenting paths for the rows still free, scanning columns in the order of one
 *       column permutation kept across all free rows.
 * </ol>
 *
 * <p>TrackMate's shortest-path phase scans every column of the matrix at each step, and every
 * column again for each scanned row (looking costs up by binary search): quadratic in the matrix
 * size per free row. Here a minimum tree over the permutation's positions jumps straight to the
 * columns that matter, and a scanned row visits only its own entries, in permutation order: the
 * permutation, the prices and the result are the same, at a cost proportional to the part of the
 * matrix the search explores (times log n).
 */
public final class LAPJV {

  private LAPJV() {}

  /**
   * Solves min Σ c(i, x[i]) over assignments of every row to a distinct column.
   *
   * <p>The matrix must be square. (TrackMate's solver accepts {@code nRows < nCols} too, but its
   * column reduction then leaves prices on unassigned columns and can stop at a non-optimal
   * assignment; the tracker only ever builds square matrices.)
   *
   * @param cm the costs; square, every cost &gt; 0
   * @return {@code x}, the column assigned to each row
   * @throws IllegalArgumentException when the preconditions fail or no assignment of all rows
   *     exists (the sparsity pattern admits none)
   */
  public static int[] solve(SparseCostMatrix cm) {
    final int nRows = cm.nRows();
    final int nCols = cm.nCols();
    if (nRows != nCols) {
      throw new IllegalArgumentException(
          "LAPJV needs a square matrix, got " + nRows + " rows x " + nCols + " columns");
    }
    final double[] cc = cm.cc;
    final int[] kk = cm.kk;
    final int[] start = cm.start;
    final int[] number = cm.number;
    for (double c : cc) {
      if (!(c > 0)) {
        throw new IllegalArgumentException("LAPJV needs strictly positive costs, found " + c);
      }
    }

    final int[] x = new int[nRows];
    final int[] y = new int[nCols];
    final double[] v = new double[nCols];
    Arrays.fill(x, -1);
    Arrays.fill(y, -1);

    // 1. Column reduction.
    Arrays.fill(v, Double.MAX_VALUE);
    for (int i = 0; i < nRows; i++) {
      for (int k = start[i], end = start[i] + number[i]; k < end; k++) {
        int j = kk[k];
        if (cc[k] < v[j]) {
          v[j] = cc[k];
          y[j] = i;
        }
      }
    }
    final boolean[] multiple = new boolean[nRows];
    for (int j = nCols - 1; j >= 0; j--) {
      int i = y[j];
      if (i < 0) {
        continue; // a column without entries: never assignable
      }
      if (x[i] < 0) {
        x[i] = j;
      } else {
        multiple[i] = true;
        y[j] = -1;
      }
    }

    // 2. Reduction transfer.
    final int[] free = new int[nRows];
    int nFree = 0;
    for (int i = 0; i < nRows; i++) {
      if (x[i] < 0) {
        free[nFree++] = i;
      } else if (!multiple[i]) {
        int j1 = x[i];
        double min = Double.MAX_VALUE;
        for (int k = start[i], end = start[i] + number[i]; k < end; k++) {
          int j = kk[k];
          if (j != j1 && cc[k] - v[j] < min) {
            min = cc[k] - v[j];
          }
        }
        v[j1] -= min;
      }
    }
    if (nFree == 0) {
      return x;
    }

    // 3. Augmenting row reduction, twice. Without a complete assignment the rows competing for
    // too few columns would keep lowering those columns' prices forever; so once the rows scanned
    // exceed a generous budget, the sparsity pattern is checked once (maximum matching) and the
    // reduction goes on, unchanged, only when a complete assignment exists.
    long scans = 0;
    final long budget = 16L * (nRows + 16);
    for (int pass = 0; pass < 2; pass++) {
      int k = 0;
      final int previous = nFree;
      nFree = 0;
      while (k < previous) {
        if (++scans == budget && !hasCompleteAssignment(cm)) {
          throw new IllegalArgumentException(
              "LAPJV: the sparsity pattern admits no assignment of all " + nRows
                  + " rows; no complete assignment exists");
        }
        final int i = free[k++];
        double best = Double.MAX_VALUE;
        double second = Double.MAX_VALUE;
        int jBest = -1;
        int jSecond = -1;
        for (int e = start[i], end = start[i] + number[i]; e < end; e++) {
          int j = kk[e];
          double h = cc[e] - v[j];
          if (h < second) {
            if (h > best) {
              second = h;
              jSecond = j;
            } else {
              second = best;
              best = h;
              jSecond = jBest;
              jBest = j;
            }
          }
        }
        if (jBest < 0) {
          // Every column of the row is priced out by rows that have no other choice (their price
          // was lowered by an unbounded second-best): without this check the row would be given
          // column 0, which need not even be one of its entries.
          throw new IllegalArgumentException(
              "LAPJV: row " + i + " has no usable column; no complete assignment exists");
        }
        int i0 = y[jBest];
        if (best < second) {
          v[jBest] -= second - best;
        } else if (i0 >= 0) {
          if (jSecond < 0) {
            throw new IllegalArgumentException(
                "LAPJV: row " + i + " has no usable column; no complete assignment exists");
          }
          jBest = jSecond;
          i0 = y[jSecond];
        }
        if (i0 >= 0) {
          x[i0] = -1;
          if (best < second) {
            free[--k] = i0;
          } else {
            free[nFree++] = i0;
          }
        }
        x[i] = jBest;
        y[jBest] = i;
      }
    }

    // 4. Shortest augmenting paths.
    new Augmenter(cm, x, y, v).run(free, nFree);
    return x;
  }

  /**
   * True when every row can be given a distinct column among its entries (Hopcroft–Karp maximum
   * matching on the sparsity pattern, costs ignored).
   */
  static boolean hasCompleteAssignment(SparseCostMatrix cm) {
    final int n = cm.nRows();
    final int m = cm.nCols();
    if (n > m) {
      return false;
    }
    final int[] kk = cm.kk;
    final int[] start = cm.start;
    final int[] number = cm.number;
    final int[] rowMate = new int[n];
    final int[] colMate = new int[m];
    Arrays.fill(rowMate, -1);
    Arrays.fill(colMate, -1);
    int matched = 0;
    for (int i = 0; i < n; i++) { // greedy start
      for (int k = start[i], end = start[i] + number[i]; k < end; k++) {
        if (colMate[kk[k]] < 0) {
          rowMate[i] = kk[k];
          colMate[kk[k]] = i;
          matched++;
          break;
        }
      }
    }
    final int[] dist = new int[n];
    final int[] queue = new int[n];
    final int[] next = new int[n];
    final int[] stack = new int[n + 1];
    while (matched < n) {
      // Layers of rows by alternating-path distance from the free rows.
      int head = 0;
      int tail = 0;
      for (int i = 0; i < n; i++) {
        dist[i] = rowMate[i] < 0 ? 0 : -1;
        if (rowMate[i] < 0) {
          queue[tail++] = i;
        }
      }
      boolean reachesFreeColumn = false;
      while (head < tail) {
        int i = queue[head++];
        for (int k = start[i], end = start[i] + number[i]; k < end; k++) {
          int owner = colMate[kk[k]];
          if (owner < 0) {
            reachesFreeColumn = true;
          } else if (dist[owner] < 0) {
            dist[owner] = dist[i] + 1;
            queue[tail++] = owner;
          }
        }
      }
      if (!reachesFreeColumn) {
        return false;
      }
      // Vertex-disjoint augmenting paths along the layers (iterative depth-first search).
      for (int i = 0; i < n; i++) {
        next[i] = start[i];
      }
      for (int r = 0; r < n; r++) {
        if (rowMate[r] >= 0) {
          continue;
        }
        int sp = 0;
        stack[sp++] = r;
        while (sp > 0) {
          int i = stack[sp - 1];
          if (next[i] == start[i] + number[i]) {
            dist[i] = -1; // dead end for this phase
            sp--;
            if (sp > 0) {
              next[stack[sp - 1]]++;
            }
            continue;
          }
          int owner = colMate[kk[next[i]]];
          if (owner < 0) {
            for (int t = sp - 1; t >= 0; t--) {
              int row = stack[t];
              int col = kk[next[row]];
              rowMate[row] = col;
              colMate[col] = row;
            }
            matched++;
            break;
          }
          if (dist[owner] == dist[i] + 1) {
            stack[sp++] = owner;
          } else {
            next[i]++;
          }
        }
      }
    }
    return true;
  }

  /** The shortest-augmenting-path phase, with its work arrays. */
  private static final class Augmenter {
    private final double[] cc;
    private final int[] kk;
    private final int[] start;
    private final int[] number;
    private final int[] x;
    private final int[] y;
    private final double[] v;

    /** The column permutation (kept across free rows) and its inverse. */
    private final int[] col;
    private final int[] pos;
    /** Tentative distances: MAX_VALUE for a column not reached by the current search. */
    private final double[] d;
    private final int[] pred;
    /**
     * Minimum tree over positions: leaf {@code size + p} holds d[col[p]]. It finds the next
     * position at or after p whose distance is ≤ a bound in O(log n), which replaces the scan of
     * every column.
     */
    private final int size;
    private final double[] tree;
    /** Columns whose d was set by the current search (to reset them afterwards). */
    private int[] touched = new int[16];
    private int nTouched;
    private long[] sortBuffer = new long[16];

    Augmenter(SparseCostMatrix cm, int[] x, int[] y, double[] v) {
      this.cc = cm.cc;
      this.kk = cm.kk;
      this.start = cm.start;
      this.number = cm.number;
      int nCols = cm.nCols();
      this.x = x;
      this.y = y;
      this.v = v;
      this.col = new int[nCols];
      this.pos = new int[nCols];
      for (int j = 0; j < nCols; j++) {
        col[j] = j;
        pos[j] = j;
      }
      this.d = new double[nCols];
      Arrays.fill(d, Double.MAX_VALUE);
      this.pred = new int[nCols];
      int s = 1;
      while (s < Math.max(1, nCols)) {
        s <<= 1;
      }
      this.size = s;
      this.tree = new double[2 * s];
      Arrays.fill(tree, Double.MAX_VALUE);
    }

    void run(int[] free, int nFree) {
      for (int f = 0; f < nFree; f++) {
        augmentFrom(free[f]);
      }
    }

    private void setLeaf(int p, double value) {
      int i = p + size;
      tree[i] = value;
      for (i >>= 1; i >= 1; i >>= 1) {
        double a = tree[2 * i];
        double b = tree[2 * i + 1];
        double m = a < b ? a : b;
        if (tree[i] == m) {
          break;
        }
        tree[i] = m;
      }
    }

    /** The first position ≥ from whose distance is ≤ bound, or -1. */
    private int firstAtMost(int from, double bound) {
      if (from >= size) {
        return -1;
      }
      int i = from + size;
      if (tree[i] > bound) {
        while (true) {
          if ((i & 1) == 0 && tree[i + 1] <= bound) {
            i++;
            break;
          }
          i >>= 1;
          if (i <= 1) {
            return -1;
          }
        }
        while (i < size) {
          i <<= 1;
          if (tree[i] > bound) {
            i++;
          }
        }
      }
      return i - size;
    }

    /** Exchanges the columns at positions p and q. */
    private void swap(int p, int q) {
      if (p == q) {
        return;
      }
      int a = col[p];
      int b = col[q];
      col[p] = b;
      pos[b] = p;
      col[q] = a;
      pos[a] = q;
      setLeaf(p, d[b]);
      setLeaf(q, d[a]);
    }

    private void reach(int j, double dist, int row) {
      if (d[j] == Double.MAX_VALUE) {
        if (nTouched == touched.length) {
          touched = Arrays.copyOf(touched, nTouched * 2);
        }
        touched[nTouched++] = j;
      }
      d[j] = dist;
      pred[j] = row;
      setLeaf(pos[j], dist);
    }

    private static long[] ensure(long[] a, int length) {
      return length <= a.length ? a : Arrays.copyOf(a, Math.max(length, a.length * 2));
    }

    private void augmentFrom(final int i1) {
      for (int k = start[i1], end = start[i1] + number[i1]; k < end; k++) {
        int j = kk[k];
        reach(j, cc[k] - v[j], i1);
      }
      int low = 0;
      int up = 0;
      int last = 0;
      int endColumn = -1;
      double min = Double.MAX_VALUE;
      search:
      do {
        // Gather the columns at the new minimum distance into positions [low, up). Walking the
        // positions from low, a column matters only where its distance is ≤ every distance before
        // it: a smaller one restarts the collection at low, an equal one joins it. The tree jumps
        // from one such column to the next.
        last = low;
        int q = firstAtMost(low, Math.nextDown(Double.MAX_VALUE));
        if (q < 0) {
          throw new IllegalArgumentException(
              "LAPJV: row " + i1 + " cannot be assigned; no complete assignment exists");
        }
        min = d[col[q]];
        swap(q, low);
        up = low + 1;
        while (true) {
          q = firstAtMost(q + 1, min);
          if (q < 0) {
            break;
          }
          double h = d[col[q]];
          if (h < min) {
            up = low;
            min = h;
          }
          swap(q, up);
          up++;
        }
        for (int h = low; h < up; h++) {
          int j = col[h];
          if (y[j] < 0) {
            endColumn = j;
            break search;
          }
        }
        // Scan the rows assigned to the columns at the minimum.
        do {
          final int j1 = col[low++];
          final int i = y[j1];
          final int rs = start[i];
          final int re = rs + number[i];
          final int kj1 = Arrays.binarySearch(kk, rs, re, j1);
          if (kj1 < 0) {
            continue;
          }
          final double u1 = cc[kj1] - v[j1] - min;
          // The row's entries whose column is still beyond up, in permutation order.
          int n2 = 0;
          for (int k = rs; k < re; k++) {
            int p = pos[kk[k]];
            if (p >= up) {
              sortBuffer = ensure(sortBuffer, n2 + 1);
              sortBuffer[n2++] = ((long) p << 32) | (k - rs);
            }
          }
          Arrays.sort(sortBuffer, 0, n2);
          for (int t = 0; t < n2; t++) {
            int k = rs + (int) (sortBuffer[t] & 0xffffffffL);
            int j = kk[k];
            double h = cc[k] - v[j] - u1;
            if (h < d[j]) {
              reach(j, h, i);
              if (h == min) {
                if (y[j] < 0) {
                  endColumn = j;
                  break search;
                }
                swap(pos[j], up);
                up++;
              }
            }
          }
        } while (low != up);
      } while (low == up);

      // Update the prices of the columns scanned before the last minimum.
      for (int k = 0; k < last; k++) {
        int j0 = col[k];
        v[j0] += d[j0] - min;
      }
      // Augment along the predecessors.
      int j = endColumn;
      int i;
      do {
        i = pred[j];
        y[j] = i;
        int previous = x[i];
        x[i] = j;
        j = previous;
      } while (i != i1);

      for (int t = 0; t < nTouched; t++) {
        int c = touched[t];
        d[c] = Double.MAX_VALUE;
        setLeaf(pos[c], Double.MAX_VALUE);
      }
      nTouched = 0;
    }
  }
}
