package org.volltrack.btrackmate.tracking;

import java.util.Arrays;

/**
 * A static 3D k-d tree over some spots of a {@link SpotTable}, for radius queries. The tree is
 * implicit: the node of a range [lo, hi) is its middle element, split along the range's widest axis.
 * A query reports every member whose squared distance, computed exactly as {@link
 * SpotTable#squareDistance} does, is ≤ the given bound; pruning is conservative, so the answer is
 * exactly the brute-force answer.
 */
final class KdTree {

  private static final int LEAF = 24;

  private final int[] idx;
  /** Coordinates interleaved: x, y, z of tree position i at 3i, 3i + 1, 3i + 2. */
  private final double[] p;
  private final byte[] axis;

  KdTree(SpotTable table, int[] members) {
    int n = members.length;
    idx = members.clone();
    p = new double[3 * n];
    for (int i = 0; i < n; i++) {
      p[3 * i] = table.x[idx[i]];
      p[3 * i + 1] = table.y[idx[i]];
      p[3 * i + 2] = table.z[idx[i]];
    }
    axis = new byte[n];
    build(0, n);
  }

  int size() {
    return idx.length;
  }

  private double coord(int a, int i) {
    return p[3 * i + a];
  }

  private void build(int lo, int hi) {
    while (hi - lo > LEAF) {
      double minX = Double.POSITIVE_INFINITY;
      double maxX = Double.NEGATIVE_INFINITY;
      double minY = minX;
      double maxY = maxX;
      double minZ = minX;
      double maxZ = maxX;
      for (int i = lo; i < hi; i++) {
        double x = p[3 * i];
        double y = p[3 * i + 1];
        double z = p[3 * i + 2];
        if (x < minX) {
          minX = x;
        }
        if (x > maxX) {
          maxX = x;
        }
        if (y < minY) {
          minY = y;
        }
        if (y > maxY) {
          maxY = y;
        }
        if (z < minZ) {
          minZ = z;
        }
        if (z > maxZ) {
          maxZ = z;
        }
      }
      double ex = maxX - minX;
      double ey = maxY - minY;
      double ez = maxZ - minZ;
      int a = ex >= ey && ex >= ez ? 0 : ey >= ez ? 1 : 2;
      int mid = (lo + hi) >>> 1;
      select(a, lo, hi - 1, mid);
      axis[mid] = (byte) a;
      build(lo, mid);
      lo = mid + 1;
    }
  }

  /** Quickselect: element k of [lo, hi] in place, smaller-or-equal on its left. */
  private void select(int a, int lo, int hi, int k) {
    while (hi > lo) {
      int m = (lo + hi) >>> 1;
      // median of three as pivot
      if (coord(a, m) < coord(a, lo)) {
        swap(m, lo);
      }
      if (coord(a, hi) < coord(a, lo)) {
        swap(hi, lo);
      }
      if (coord(a, hi) < coord(a, m)) {
        swap(hi, m);
      }
      double pivot = coord(a, m);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (coord(a, i) < pivot) {
          i++;
        }
        while (coord(a, j) > pivot) {
          j--;
        }
        if (i <= j) {
          swap(i, j);
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }

  private void swap(int i, int j) {
    int t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
    int a = 3 * i;
    int b = 3 * j;
    double d = p[a];
    p[a] = p[b];
    p[b] = d;
    d = p[a + 1];
    p[a + 1] = p[b + 1];
    p[b + 1] = d;
    d = p[a + 2];
    p[a + 2] = p[b + 2];
    p[b + 2] = d;
  }

  /** Appends to {@code out} every member within squared distance {@code r2} of (qx, qy, qz). */
  void within(double qx, double qy, double qz, double r2, IntList out) {
    query(0, idx.length, qx, qy, qz, r2, out);
  }

  private void query(int lo, int hi, double qx, double qy, double qz, double r2, IntList out) {
    while (hi - lo > LEAF) {
      int mid = (lo + hi) >>> 1;
      double dx = qx - p[3 * mid];
      double dy = qy - p[3 * mid + 1];
      double dz = qz - p[3 * mid + 2];
      if (dx * dx + dy * dy + dz * dz <= r2) {
        out.add(idx[mid]);
      }
      int a = axis[mid];
      double diff = a == 0 ? dx : a == 1 ? dy : dz;
      boolean farToo = diff * diff <= r2;
      if (diff <= 0) {
        if (farToo) {
          query(mid + 1, hi, qx, qy, qz, r2, out);
        }
        hi = mid;
      } else {
        if (farToo) {
          query(lo, mid, qx, qy, qz, r2, out);
        }
        lo = mid + 1;
      }
    }
    for (int i = lo; i < hi; i++) {
      double dx = qx - p[3 * i];
      double dy = qy - p[3 * i + 1];
      double dz = qz - p[3 * i + 2];
      if (dx * dx + dy * dy + dz * dz <= r2) {
        out.add(idx[i]);
      }
    }
  }

  /** A growable int list. */
  static final class IntList {
    int[] data = new int[16];
    int size;

    void add(int v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    void clear() {
      size = 0;
    }
  }
}
