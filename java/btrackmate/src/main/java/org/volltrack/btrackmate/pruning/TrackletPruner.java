package org.volltrack.btrackmate.pruning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;

/**
 * BTrackMate's "track inspector": removes short spurious branches after divisions. Immutable.
 *
 * <p>Definitions, on the directed link graph (links go forward in time):
 *
 * <ul>
 *   <li>a <b>division</b> is a spot with two or more outgoing links;
 *   <li>a <b>terminal post-division branch</b> starts with one outgoing link of a division, reaches
 *       a daughter, and follows single links forward to a spot without outgoing links (the track
 *       end); every spot on it, daughter included, has exactly one incoming link and every spot
 *       but the last exactly one outgoing link. A chain that reaches another division, or that
 *       contains a merge (a spot with two or more incoming links), is not a terminal branch and is
 *       never pruned, so internal segments between two divisions and merges are left untouched;
 *   <li>its <b>length</b> is FRAME(last spot) − FRAME(division spot): the number of frames it covers
 *       after the division (with no gaps, its number of spots). This is BTrackMate's
 *       |FRAME(split) − FRAME(leaf)|.
 * </ul>
 *
 * <p>A terminal post-division branch shorter than {@code minLength} frames is pruned: its links
 * (the division's link to the daughter and the links along the chain) are removed. Its spots stay in
 * the spot collection, unchanged and visible, without links (as BTrackMate removes them from the
 * track graph only); filters decide visibility, not pruning.
 *
 * <p>All short terminal branches of the current graph are removed together, and the process is
 * repeated until no short terminal branch is left (a fixed point). Removing a short branch can make
 * a division a plain spot, whose remaining daughter chain then simply continues the mother's track
 * (the main track is never split); when every branch of a division is short, all are removed and the
 * mother's chain may in turn become a short terminal branch of an earlier division, which the next
 * round removes. The result: no terminal post-division branch shorter than {@code minLength} is left.
 *
 * <p>{@code minLength} = 0 (or 1: every branch covers at least one frame) disables pruning.
 * BTrackMate's {@code TRACKLET_LENGTH} = L (prune when length &le; L) corresponds to
 * {@code minLength} = L + 1.
 */
public final class TrackletPruner {

  private final int minLength;

  /**
   * @param minLength the shortest terminal post-division branch kept, in frames; 0 disables
   * @throws IllegalArgumentException when negative
   */
  public TrackletPruner(int minLength) {
    if (minLength < 0) {
      throw new IllegalArgumentException("min tracklet length must be >= 0, got " + minLength);
    }
    this.minLength = minLength;
  }

  /** The shortest terminal post-division branch kept, in frames. */
  public int minLength() {
    return minLength;
  }

  /** The model with every short terminal post-division branch unlinked; the spots are unchanged. */
  public TrackModel prune(TrackModel model) {
    if (minLength <= 1) {
      return model;
    }
    SpotCollection spots = model.spots();
    Set<Link> links = new LinkedHashSet<>(model.links());
    while (true) {
      Set<Link> remove = shortBranchLinks(spots, links);
      if (remove.isEmpty()) {
        break;
      }
      links.removeAll(remove);
    }
    if (links.size() == model.links().size()) {
      return model;
    }
    return new TrackModel(spots, new ArrayList<>(links));
  }

  private Set<Link> shortBranchLinks(SpotCollection spots, Set<Link> links) {
    Map<Long, List<Link>> out = new HashMap<>();
    Map<Long, Integer> inDegree = new HashMap<>();
    for (Link l : links) {
      out.computeIfAbsent(l.source(), k -> new ArrayList<>()).add(l);
      inDegree.merge(l.target(), 1, Integer::sum);
    }
    Set<Link> remove = new LinkedHashSet<>();
    for (Map.Entry<Long, List<Link>> e : out.entrySet()) {
      if (e.getValue().size() < 2) {
        continue;
      }
      Spot mother = spots.get(e.getKey());
      for (Link first : e.getValue()) {
        List<Link> branch = terminalBranch(first, out, inDegree);
        if (branch.isEmpty()) {
          continue;
        }
        Spot last = spots.get(branch.get(branch.size() - 1).target());
        if (last.frame() - mother.frame() < minLength) {
          remove.addAll(branch);
        }
      }
    }
    return remove;
  }

  /** The links of the terminal branch that starts with {@code first}, or empty when it is not one. */
  private static List<Link> terminalBranch(
      Link first, Map<Long, List<Link>> out, Map<Long, Integer> inDegree) {
    List<Link> branch = new ArrayList<>();
    branch.add(first);
    long current = first.target();
    while (true) {
      if (inDegree.get(current) != 1) {
        return Collections.emptyList();
      }
      List<Link> next = out.get(current);
      if (next == null) {
        return branch;
      }
      if (next.size() != 1) {
        return Collections.emptyList();
      }
      branch.add(next.get(0));
      current = next.get(0).target();
    }
  }
}
