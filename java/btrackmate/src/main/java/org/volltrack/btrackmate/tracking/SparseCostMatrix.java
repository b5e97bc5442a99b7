package org.volltrack.btrackmate.tracking;

import java.util.Arrays;

/**
 * A sparse cost matrix in row-compressed form (Volgenant 1996; spec §1.8): immutable.
 *
 * <p>Row {@code i} holds {@link #rowLength(int)} entries starting at {@link #rowStart(int)} in the
 * flat arrays of column indices (ascending within each row) and costs. An absent entry means the
 * assignment is forbidden. Every row has at least one entry.
 */
public final class SparseCostMatrix {

  private final int nRows;
  private final int nCols;
  /** Costs, row after row. */
  final double[] cc;
  /** Column indices, ascending within each row. */
  final int[] kk;
  /** Entries per row. */
  final int[] number;
  /** Index of each row's first entry (prefix sums of {@link #number}). */
  final int[] start;

  /** Trusted constructor: the arrays are owned by the new matrix and already checked. */
  private SparseCostMatrix(int nRows, int nCols, double[] cc, int[] kk, int[] number) {
    this.nRows = nRows;
    this.nCols = nCols;
    this.cc = cc;
    this.kk = kk;
    this.number = number;
    this.start = new int[nRows];
    int s = 0;
    for (int i = 0; i < nRows; i++) {
      start[i] = s;
      s += number[i];
    }
  }

  /**
   * A matrix from its row-compressed arrays (copied).
   *
   * @param cc costs, row after row (finite)
   * @param kk column indices, strictly ascending within each row, in [0, nCols)
   * @param number entries per row, each ≥ 1, summing to {@code cc.length}
   * @param nCols number of columns
   * @throws IllegalArgumentException when the arrays are inconsistent
   */
  public static SparseCostMatrix of(double[] cc, int[] kk, int[] number, int nCols) {
    if (cc.length != kk.length) {
      throw new IllegalArgumentException(
          "cost and column arrays differ in length: " + cc.length + " vs " + kk.length);
    }
    if (nCols < 0) {
      throw new IllegalArgumentException("number of columns must be >= 0, got " + nCols);
    }
    long total = 0;
    for (int i = 0; i < number.length; i++) {
      if (number[i] < 1) {
        throw new IllegalArgumentException(
            "every row needs at least one entry; row " + i + " has " + number[i]);
      }
      total += number[i];
    }
    if (total != cc.length) {
      throw new IllegalArgumentException(
          "row lengths sum to " + total + " but there are " + cc.length + " entries");
    }
    int k = 0;
    for (int i = 0; i < number.length; i++) {
      int prev = -1;
      for (int e = 0; e < number[i]; e++, k++) {
        if (kk[k] <= prev || kk[k] >= nCols) {
          throw new IllegalArgumentException(
              "row "
                  + i
                  + ": column indices must be strictly ascending and in [0, "
                  + nCols
                  + "), got "
                  + kk[k]
                  + " after "
                  + prev);
        }
        if (Double.isNaN(cc[k]) || Double.isInfinite(cc[k])) {
          throw new IllegalArgumentException(
              "row " + i + ", column " + kk[k] + ": cost must be finite, got " + cc[k]);
        }
        prev = kk[k];
      }
    }
    return new SparseCostMatrix(number.length, nCols, cc.clone(), kk.clone(), number.clone());
  }

  /**
   * A matrix from (row, column, cost) triplets in any order.
   *
   * @throws IllegalArgumentException on a duplicate (row, column), an index out of range, a
   *     non-finite cost, or a row without entries
   */
  public static SparseCostMatrix fromTriplets(
      int nRows, int nCols, int[] rows, int[] cols, double[] costs) {
    int n = rows.length;
    if (cols.length != n || costs.length != n) {
      throw new IllegalArgumentException(
          "triplet arrays differ in length: " + n + ", " + cols.length + ", " + costs.length);
    }
    int[] number = new int[nRows];
    for (int e = 0; e < n; e++) {
      if (rows[e] < 0 || rows[e] >= nRows || cols[e] < 0 || cols[e] >= nCols) {
        throw new IllegalArgumentException(
            "entry (" + rows[e] + ", " + cols[e] + ") is outside " + nRows + " x " + nCols);
      }
      number[rows[e]]++;
    }
    int[] pos = new int[nRows];
    int s = 0;
    for (int i = 0; i < nRows; i++) {
      pos[i] = s;
      s += number[i];
    }
    int[] kk = new int[n];
    double[] cc = new double[n];
    for (int e = 0; e < n; e++) {
      int p = pos[rows[e]]++;
      kk[p] = cols[e];
      cc[p] = costs[e];
    }
    // Sort each row by column (rows are short: insertion sort).
    int rs = 0;
    for (int i = 0; i < nRows; i++) {
      sortRow(kk, cc, rs, rs + number[i]);
      rs += number[i];
    }
    return of(cc, kk, number, nCols);
  }

  private static void sortRow(int[] kk, double[] cc, int from, int to) {
    if (to - from > 32) {
      long[] packed = new long[to - from];
      for (int k = from; k < to; k++) {
        packed[k - from] = ((long) kk[k] << 32) | (k - from);
      }
      Arrays.sort(packed);
      int[] k2 = new int[to - from];
      double[] c2 = new double[to - from];
      for (int t = 0; t < packed.length; t++) {
        int src = from + (int) (packed[t] & 0xffffffffL);
        k2[t] = kk[src];
        c2[t] = cc[src];
      }
      System.arraycopy(k2, 0, kk, from, k2.length);
      System.arraycopy(c2, 0, cc, from, c2.length);
      return;
    }
    for (int a = from + 1; a < to; a++) {
      int key = kk[a];
      double c = cc[a];
      int b = a - 1;
      while (b >= from && kk[b] > key) {
        kk[b + 1] = kk[b];
        cc[b + 1] = cc[b];
        b--;
      }
      kk[b + 1] = key;
      cc[b + 1] = c;
    }
  }

  /** An n×n matrix with {@code value} on the diagonal and nothing else. */
  public static SparseCostMatrix diagonal(int n, double value) {
    double[] cc = new double[n];
    int[] kk = new int[n];
    int[] number = new int[n];
    for (int i = 0; i < n; i++) {
      cc[i] = value;
      kk[i] = i;
      number[i] = 1;
    }
    return of(cc, kk, number, n);
  }

  public int nRows() {
    return nRows;
  }

  public int nCols() {
    return nCols;
  }

  /** Number of stored entries. */
  public int cardinality() {
    return cc.length;
  }

  /** Index of row {@code i}'s first entry in the flat arrays. */
  public int rowStart(int i) {
    return start[i];
  }

  /** Number of entries in row {@code i}. */
  public int rowLength(int i) {
    return number[i];
  }

  /** Column index of flat entry {@code k}. */
  public int column(int k) {
    return kk[k];
  }

  /** Cost of flat entry {@code k}. */
  public double cost(int k) {
    return cc[k];
  }

  /** The cost at (i, j), or {@code missing} when the entry is absent. */
  public double get(int i, int j, double missing) {
    int k = Arrays.binarySearch(kk, start[i], start[i] + number[i], j);
    return k < 0 ? missing : cc[k];
  }

  /** The transposed matrix; every column of this matrix must hold at least one entry. */
  public SparseCostMatrix transpose() {
    int[] rows = new int[cc.length];
    for (int i = 0; i < nRows; i++) {
      for (int k = start[i]; k < start[i] + number[i]; k++) {
        rows[k] = i;
      }
    }
    // Counting sort by column keeps rows ascending within each new row.
    int[] count = new int[nCols];
    for (int c : kk) {
      count[c]++;
    }
    for (int j = 0; j < nCols; j++) {
      if (count[j] == 0) {
        throw new IllegalArgumentException("cannot transpose: column " + j + " has no entry");
      }
    }
    int[] pos = new int[nCols];
    int s = 0;
    for (int j = 0; j < nCols; j++) {
      pos[j] = s;
      s += count[j];
    }
    int[] kk2 = new int[cc.length];
    double[] cc2 = new double[cc.length];
    for (int k = 0; k < cc.length; k++) {
      int p = pos[kk[k]]++;
      kk2[p] = rows[k];
      cc2[p] = cc[k];
    }
    return new SparseCostMatrix(nCols, nRows, cc2, kk2, count);
  }

  /** This matrix and {@code right} side by side (same number of rows). */
  public SparseCostMatrix hcat(SparseCostMatrix right) {
    if (right.nRows != nRows) {
      throw new IllegalArgumentException(
          "hcat needs equal row counts, got " + nRows + " and " + right.nRows);
    }
    int total = cc.length + right.cc.length;
    double[] cc2 = new double[total];
    int[] kk2 = new int[total];
    int[] number2 = new int[nRows];
    int p = 0;
    for (int i = 0; i < nRows; i++) {
      System.arraycopy(cc, start[i], cc2, p, number[i]);
      System.arraycopy(kk, start[i], kk2, p, number[i]);
      p += number[i];
      int rs = right.start[i];
      for (int k = rs; k < rs + right.number[i]; k++) {
        cc2[p] = right.cc[k];
        kk2[p] = right.kk[k] + nCols;
        p++;
      }
      number2[i] = number[i] + right.number[i];
    }
    return new SparseCostMatrix(nRows, nCols + right.nCols, cc2, kk2, number2);
  }

  /** This matrix above {@code below} (same number of columns). */
  public SparseCostMatrix vcat(SparseCostMatrix below) {
    if (below.nCols != nCols) {
      throw new IllegalArgumentException(
          "vcat needs equal column counts, got " + nCols + " and " + below.nCols);
    }
    double[] cc2 = concat(cc, below.cc);
    int[] kk2 = concat(kk, below.kk);
    int[] number2 = concat(number, below.number);
    return new SparseCostMatrix(nRows + below.nRows, nCols, cc2, kk2, number2);
  }

  /** The same sparsity pattern with every present entry set to {@code value}. */
  public SparseCostMatrix fillWith(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("fill value must be finite, got " + value);
    }
    double[] cc2 = new double[cc.length];
    Arrays.fill(cc2, value);
    return new SparseCostMatrix(nRows, nCols, cc2, kk.clone(), number.clone());
  }

  /** Σ cost(i, x[i]) over all rows; +Infinity when an assigned entry is absent. */
  public double totalAssignmentCost(int[] x) {
    double sum = 0;
    for (int i = 0; i < nRows; i++) {
      sum += get(i, x[i], Double.POSITIVE_INFINITY);
    }
    return sum;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Override
  public String toString() {
    return "SparseCostMatrix[" + nRows + " x " + nCols + ", " + cc.length + " entries]";
  }
}
