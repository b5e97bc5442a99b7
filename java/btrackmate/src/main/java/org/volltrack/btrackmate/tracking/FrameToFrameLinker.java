package org.volltrack.btrackmate.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Step 1 of the LAP tracker (spec §1.4): each pair of consecutive frame keys is solved as one LAP
 * over its visible spots. An empty frame that is present stops links across it; an absent frame is
 * bridged. A candidate is kept when its cost is strictly below LINKING_MAX_DISTANCE²; the
 * alternative cost is ALTERNATIVE_LINKING_COST_FACTOR × the largest candidate cost.
 */
final class FrameToFrameLinker {

  private FrameToFrameLinker() {}

  static CandidateList link(
      final SpotTable table,
      final LapSettings settings,
      final PenaltyCost cost,
      final boolean exhaustive,
      TaskRunner runner,
      TaskRunner.Done done) {
    final double max2 = settings.linkingMaxDistance() * settings.linkingMaxDistance();
    final double factor = settings.alternativeLinkingCostFactor();
    List<Callable<CandidateList>> tasks = new ArrayList<>();
    for (int f = 0; f + 1 < table.frameKeys.length; f++) {
      final int[] sources = table.inFrame[f];
      final int[] targets = table.inFrame[f + 1];
      if (sources.length == 0 || targets.length == 0) {
        continue;
      }
      tasks.add(
          () -> {
            CandidateList candidates =
                candidates(table, sources, targets, cost, max2, exhaustive);
            CandidateList links = new CandidateList();
            if (candidates.size > 0) {
              double alternative = factor * JaqamanLinker.max(candidates.cost, candidates.size);
              JaqamanLinker.link(candidates, alternative, links);
            }
            return links;
          });
    }
    CandidateList all = new CandidateList();
    for (CandidateList l : runner.run(tasks, done)) {
      all.addAll(l);
    }
    return all;
  }

  private static CandidateList candidates(
      SpotTable table, int[] sources, int[] targets, PenaltyCost cost, double max2, boolean exhaustive) {
    CandidateList out = new CandidateList(sources.length * 2);
    if (exhaustive || !cost.distancePruningIsSafe() || targets.length <= 16) {
      for (int s : sources) {
        for (int t : targets) {
          double c = cost.cost(s, t);
          if (c < max2) {
            out.add(s, t, Costs.checkPositive(table, s, t, c));
          }
        }
      }
      return out;
    }
    KdTree tree = new KdTree(table, targets);
    KdTree.IntList near = new KdTree.IntList();
    for (int s : sources) {
      near.clear();
      tree.within(table.x[s], table.y[s], table.z[s], max2, near);
      for (int k = 0; k < near.size; k++) {
        int t = near.data[k];
        double c = cost.cost(s, t);
        if (c < max2) {
          out.add(s, t, Costs.checkPositive(table, s, t, c));
        }
      }
    }
    return out;
  }
}
