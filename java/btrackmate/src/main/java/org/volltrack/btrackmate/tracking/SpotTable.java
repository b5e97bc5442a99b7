package org.volltrack.btrackmate.tracking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * The visible spots of a collection in primitive arrays, indexed by rank of spot ID: index order is
 * ID order, which is the row/column order of every LAP matrix (spec §1.9).
 */
final class SpotTable {

  final Spot[] spots;
  final long[] id;
  final int[] frame;
  final double[] x;
  final double[] y;
  final double[] z;
  /** Frame keys of the collection, ascending (empty frames included). */
  final int[] frameKeys;
  /** Visible spot indices of each frame key, ascending. */
  final int[][] inFrame;

  SpotTable(SpotCollection collection) {
    List<Spot> visible = new ArrayList<>();
    for (List<Spot> l : collection.byFrame().values()) {
      for (Spot s : l) {
        if (s.visible()) {
          visible.add(s);
        }
      }
    }
    visible.sort(null);
    int n = visible.size();
    spots = visible.toArray(new Spot[0]);
    id = new long[n];
    frame = new int[n];
    x = new double[n];
    y = new double[n];
    z = new double[n];
    for (int i = 0; i < n; i++) {
      Spot s = spots[i];
      id[i] = s.id();
      frame[i] = s.frame();
      x[i] = s.x();
      y[i] = s.y();
      z[i] = s.z();
    }
    frameKeys = new int[collection.byFrame().size()];
    inFrame = new int[frameKeys.length][];
    int f = 0;
    for (Map.Entry<Integer, List<Spot>> e : collection.byFrame().entrySet()) {
      frameKeys[f] = e.getKey();
      int[] members = new int[e.getValue().size()];
      int m = 0;
      for (Spot s : e.getValue()) {
        if (s.visible()) {
          members[m++] = Arrays.binarySearch(id, s.id());
        }
      }
      members = Arrays.copyOf(members, m);
      Arrays.sort(members);
      inFrame[f++] = members;
    }
  }

  int size() {
    return id.length;
  }

  /** Squared distance as TrackMate computes it: X, then Y, then Z terms summed in that order. */
  double squareDistance(int a, int b) {
    double dx = x[a] - x[b];
    double dy = y[a] - y[b];
    double dz = z[a] - z[b];
    return dx * dx + dy * dy + dz * dz;
  }
}
