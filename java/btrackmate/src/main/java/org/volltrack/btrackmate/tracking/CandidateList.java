package org.volltrack.btrackmate.tracking;

import java.util.Arrays;

/** A growable list of (source index, target index, cost) candidates in primitive arrays. */
final class CandidateList {
  int[] source;
  int[] target;
  double[] cost;
  int size;

  CandidateList() {
    this(16);
  }

  CandidateList(int capacity) {
    int c = Math.max(4, capacity);
    source = new int[c];
    target = new int[c];
    cost = new double[c];
  }

  void add(int s, int t, double c) {
    if (size == source.length) {
      int n = size * 2;
      source = Arrays.copyOf(source, n);
      target = Arrays.copyOf(target, n);
      cost = Arrays.copyOf(cost, n);
    }
    source[size] = s;
    target[size] = t;
    cost[size] = c;
    size++;
  }

  void addAll(CandidateList o) {
    for (int k = 0; k < o.size; k++) {
      add(o.source[k], o.target[k], o.cost[k]);
    }
  }
}
