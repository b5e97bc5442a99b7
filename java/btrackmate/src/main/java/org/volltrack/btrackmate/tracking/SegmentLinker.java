package org.volltrack.btrackmate.tracking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Step 2 of the LAP tracker (spec §1.5): the segments of the step-1 graph are joined by one LAP
 * over the whole movie.
 *
 * <ul>
 *   <li>gap closing: segment end → segment start, 1 ≤ Δframe ≤ MAX_FRAME_GAP, cost ≤
 *       GAP_CLOSING_MAX_DISTANCE²;
 *   <li>merging: segment end → segment middle, Δframe = 1, cost ≤ MERGING_MAX_DISTANCE²;
 *   <li>splitting: segment middle → segment start, Δframe = 1, cost ≤ SPLITTING_MAX_DISTANCE².
 * </ul>
 *
 * Spots with no step-1 link take no part, unless {@link LapSettings#singletonGapClosing()} is on:
 * then each is a one-spot segment, both an end and a start, for gap closing only. The alternative
 * cost is ALTERNATIVE_LINKING_COST_FACTOR × the CUTOFF_PERCENTILE nearest-rank percentile of all
 * accepted candidate costs.
 *
 * <p>TrackMate compares every end with every start and middle; here the targets are grouped by
 * frame and, within a frame, held in a k-d tree searched by distance whenever the penalties cannot
 * make a cost smaller than the squared distance. The candidates, and so the links, are the same.
 */
final class SegmentLinker {

  private static final int CHUNK = 512;

  private SegmentLinker() {}

  /** Targets of one kind in one frame. */
  private static final class Group {
    final int[] members;
    final KdTree tree;

    Group(SpotTable table, int[] members, boolean withTree) {
      this.members = members;
      this.tree = withTree && members.length > 16 ? new KdTree(table, members) : null;
    }
  }

  static CandidateList link(
      final SpotTable table,
      final LapSettings settings,
      final CandidateList step1,
      final PenaltyCost gapCost,
      final PenaltyCost mergeCost,
      final PenaltyCost splitCost,
      final boolean exhaustive,
      TaskRunner runner,
      TaskRunner.Done done) {
    final int n = table.size();
    int[] next = new int[n];
    int[] prev = new int[n];
    Arrays.fill(next, -1);
    Arrays.fill(prev, -1);
    for (int k = 0; k < step1.size; k++) {
      next[step1.source[k]] = step1.target[k];
      prev[step1.target[k]] = step1.source[k];
    }
    final boolean gap = settings.allowGapClosing();
    final boolean merge = settings.allowTrackMerging();
    final boolean split = settings.allowTrackSplitting();
    final boolean singletons = settings.singletonGapClosing() && gap;
    final boolean middlesNeeded = merge || split;

    // Segment roles. Index order is ID order.
    KdTree.IntList ends = new KdTree.IntList(); // gap/merge sources (singletons included)
    KdTree.IntList middles = new KdTree.IntList();
    KdTree.IntList starts = new KdTree.IntList(); // split targets: real starts only
    KdTree.IntList gapStarts = new KdTree.IntList(); // gap targets: starts and singletons
    final boolean[] singleton = new boolean[n];
    for (int i = 0; i < n; i++) {
      boolean hasPrev = prev[i] >= 0;
      boolean hasNext = next[i] >= 0;
      if (hasPrev && hasNext) {
        if (middlesNeeded) {
          middles.add(i);
        }
      } else if (hasNext) {
        starts.add(i);
        gapStarts.add(i);
      } else if (hasPrev) {
        ends.add(i);
      } else if (singletons) {
        singleton[i] = true;
        ends.add(i);
        gapStarts.add(i);
      }
    }

    final double gap2 = settings.gapClosingMaxDistance() * settings.gapClosingMaxDistance();
    final double merge2 = settings.mergingMaxDistance() * settings.mergingMaxDistance();
    final double split2 = settings.splittingMaxDistance() * settings.splittingMaxDistance();
    final int maxGap = settings.maxFrameGap();

    final NavigableMap<Integer, Group> gapTargets =
        gap ? byFrame(table, gapStarts, !exhaustive && gapCost.distancePruningIsSafe()) : null;
    final NavigableMap<Integer, Group> mergeTargets =
        merge ? byFrame(table, middles, !exhaustive && mergeCost.distancePruningIsSafe()) : null;
    final NavigableMap<Integer, Group> splitTargets =
        split ? byFrame(table, starts, !exhaustive && splitCost.distancePruningIsSafe()) : null;
    final int[] allGapStarts = Arrays.copyOf(gapStarts.data, gapStarts.size);
    final int[] allMiddles = Arrays.copyOf(middles.data, middles.size);
    final int[] allStarts = Arrays.copyOf(starts.data, starts.size);

    List<Callable<CandidateList>> tasks = new ArrayList<>();
    final int[] endArray = Arrays.copyOf(ends.data, ends.size);
    if (gap || merge) {
      for (int from = 0; from < endArray.length; from += CHUNK) {
        final int lo = from;
        final int hi = Math.min(endArray.length, from + CHUNK);
        tasks.add(
            () -> {
              CandidateList out = new CandidateList();
              KdTree.IntList near = new KdTree.IntList();
              for (int k = lo; k < hi; k++) {
                int e = endArray[k];
                int fe = table.frame[e];
                if (gap) {
                  if (exhaustive) {
                    scanAll(table, e, allGapStarts, 1, maxGap, gapCost, gap2, out);
                  } else {
                    for (Group g : gapTargets.subMap(fe + 1, true, lastFrame(fe, maxGap), true).values()) {
                      search(table, e, g, gapCost, gap2, near, out);
                    }
                  }
                }
                if (merge && !singleton[e]) {
                  if (exhaustive) {
                    scanAll(table, e, allMiddles, 1, 1, mergeCost, merge2, out);
                  } else {
                    Group g = mergeTargets.get(fe + 1);
                    if (g != null) {
                      search(table, e, g, mergeCost, merge2, near, out);
                    }
                  }
                }
              }
              return out;
            });
      }
    }
    final int[] middleArray = allMiddles;
    if (split) {
      for (int from = 0; from < middleArray.length; from += CHUNK) {
        final int lo = from;
        final int hi = Math.min(middleArray.length, from + CHUNK);
        tasks.add(
            () -> {
              CandidateList out = new CandidateList();
              KdTree.IntList near = new KdTree.IntList();
              for (int k = lo; k < hi; k++) {
                int m = middleArray[k];
                if (exhaustive) {
                  scanAll(table, m, allStarts, 1, 1, splitCost, split2, out);
                } else {
                  Group g = splitTargets.get(table.frame[m] + 1);
                  if (g != null) {
                    search(table, m, g, splitCost, split2, near, out);
                  }
                }
              }
              return out;
            });
      }
    }
    CandidateList candidates = new CandidateList();
    for (CandidateList l : runner.run(tasks, done)) {
      candidates.addAll(l);
    }
    CandidateList links = new CandidateList();
    if (candidates.size > 0) {
      double alternative =
          settings.alternativeLinkingCostFactor()
              * JaqamanLinker.percentile(
                  candidates.cost, candidates.size, settings.cutoffPercentile());
      JaqamanLinker.link(candidates, alternative, links);
    }
    return links;
  }

  private static int lastFrame(int frame, int maxGap) {
    return (int) Math.min((long) frame + maxGap, Integer.MAX_VALUE);
  }

  private static NavigableMap<Integer, Group> byFrame(
      SpotTable table, KdTree.IntList spots, boolean withTrees) {
    Map<Integer, KdTree.IntList> lists = new TreeMap<>();
    for (int k = 0; k < spots.size; k++) {
      int s = spots.data[k];
      KdTree.IntList l = lists.get(table.frame[s]);
      if (l == null) {
        l = new KdTree.IntList();
        lists.put(table.frame[s], l);
      }
      l.add(s);
    }
    NavigableMap<Integer, Group> out = new TreeMap<>();
    for (Map.Entry<Integer, KdTree.IntList> e : lists.entrySet()) {
      int[] members = Arrays.copyOf(e.getValue().data, e.getValue().size);
      out.put(e.getKey(), new Group(table, members, withTrees));
    }
    return out;
  }

  /** Candidates from {@code source} into one frame group, kept when cost ≤ max2. */
  private static void search(
      SpotTable table,
      int source,
      Group g,
      PenaltyCost cost,
      double max2,
      KdTree.IntList near,
      CandidateList out) {
    if (g.tree == null) {
      for (int t : g.members) {
        double c = cost.cost(source, t);
        if (c <= max2) {
          out.add(source, t, Costs.checkPositive(table, source, t, c));
        }
      }
      return;
    }
    near.clear();
    g.tree.within(table.x[source], table.y[source], table.z[source], max2, near);
    for (int k = 0; k < near.size; k++) {
      int t = near.data[k];
      double c = cost.cost(source, t);
      if (c <= max2) {
        out.add(source, t, Costs.checkPositive(table, source, t, c));
      }
    }
  }

  /** TrackMate's exhaustive loop: every target, frame difference checked first. */
  private static void scanAll(
      SpotTable table,
      int source,
      int[] targets,
      int minDelta,
      int maxDelta,
      PenaltyCost cost,
      double max2,
      CandidateList out) {
    int fs = table.frame[source];
    for (int t : targets) {
      int delta = table.frame[t] - fs;
      if (delta < minDelta || delta > maxDelta) {
        continue;
      }
      double c = cost.cost(source, t);
      if (c <= max2) {
        out.add(source, t, Costs.checkPositive(table, source, t, c));
      }
    }
  }
}
