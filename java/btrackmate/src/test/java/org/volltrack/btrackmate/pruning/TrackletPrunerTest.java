package org.volltrack.btrackmate.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;

class TrackletPrunerTest {

  /** Builds lineages: chains of spots in consecutive frames, linked to a parent. */
  private static final class Lineage {
    final List<Spot> spots = new ArrayList<>();
    final List<Link> links = new ArrayList<>();

    /** Spots with IDs start.. in frames frame.. (n of them), chained, the first linked from parent. */
    Lineage chain(long start, int frame, int n, Long parent) {
      for (int i = 0; i < n; i++) {
        spots.add(Spot.builder(start + i, frame + i, start + i, 0, 0).build());
        if (i > 0) {
          links.add(new Link(start + i - 1, start + i, 1.0));
        }
      }
      if (parent != null) {
        links.add(new Link(parent, start, 1.0));
      }
      return this;
    }

    Lineage link(long a, long b) {
      links.add(new Link(a, b, 1.0));
      return this;
    }

    TrackModel model() {
      return new TrackModel(SpotCollection.of(spots), links);
    }
  }

  private static Set<String> edges(TrackModel m) {
    Set<String> s = new HashSet<>();
    for (Link l : m.links()) {
      s.add(l.source() + "->" + l.target());
    }
    return s;
  }

  private static Set<String> edges(Lineage l) {
    return edges(l.model());
  }

  /** Mother 0..4 (frames 0-4) dividing into A = 10..19 (frames 5-14) and B = 20.. (frames 5..). */
  private static Lineage division(int lengthOfB) {
    return new Lineage().chain(0, 0, 5, null).chain(10, 5, 10, 4L).chain(20, 5, lengthOfB, 4L);
  }

  @Test
  void aShortBranchIsUnlinkedAndALongOneKept() {
    TrackModel in = division(2).model();
    TrackModel out = new TrackletPruner(3).prune(in);
    Set<String> expected = edges(in);
    expected.remove("4->20");
    expected.remove("20->21");
    assertEquals(expected, edges(out));
    assertEquals(1, out.tracks().size());
    assertEquals(15, out.tracks().get(0).spots().size());
    assertNull(out.trackOf(20));
    assertNull(out.trackOf(21));
    assertEquals(in.spots().all(), out.spots().all(), "spots are kept unchanged and visible");
    assertTrue(out.spots().get(21).visible());
  }

  @Test
  void aBranchOfExactlyTheMinimumLengthIsKept() {
    TrackModel in = division(3).model();
    assertEquals(edges(in), edges(new TrackletPruner(3).prune(in)));
    Set<String> expected = edges(in);
    expected.remove("4->20");
    expected.remove("20->21");
    expected.remove("21->22");
    assertEquals(expected, edges(new TrackletPruner(4).prune(in)));
  }

  @Test
  void bothShortDaughtersAreRemoved() {
    TrackModel in = new Lineage().chain(0, 0, 5, null).chain(10, 5, 2, 4L).chain(20, 5, 1, 4L).model();
    TrackModel out = new TrackletPruner(3).prune(in);
    assertEquals(edges(new Lineage().chain(0, 0, 5, null)), edges(out));
  }

  @Test
  void pruningRepeatsUntilNoShortTerminalBranchIsLeft() {
    // B = 40, 41 (frames 5, 6) divides at 41 into C = 50 and D = 60 (frame 7, one spot each).
    Lineage l = new Lineage().chain(0, 0, 5, null).chain(10, 5, 20, 4L).chain(40, 5, 2, 4L)
        .chain(50, 7, 1, 41L).chain(60, 7, 1, 41L);
    TrackModel out = new TrackletPruner(3).prune(l.model());
    // Round 1 removes C and D (length 1); B then ends at frame 6, length 2 < 3: round 2 removes it.
    assertEquals(edges(new Lineage().chain(0, 0, 5, null).chain(10, 5, 20, 4L)), edges(out));
  }

  @Test
  void aShortSegmentBetweenTwoDivisionsIsKept() {
    Lineage l = new Lineage().chain(0, 0, 5, null).chain(10, 5, 20, 4L).chain(40, 5, 2, 4L)
        .chain(50, 7, 10, 41L).chain(60, 7, 10, 41L);
    TrackModel in = l.model();
    assertEquals(edges(in), edges(new TrackletPruner(5).prune(in)));
  }

  @Test
  void removingOneDaughterMergesTheOtherIntoTheMothersChain() {
    // B = 40, 41 divides into C = 50..59 (long) and D = 60 (short): D goes, B + C is one long branch.
    Lineage l = new Lineage().chain(0, 0, 5, null).chain(10, 5, 20, 4L).chain(40, 5, 2, 4L)
        .chain(50, 7, 10, 41L).chain(60, 7, 1, 41L);
    TrackModel in = l.model();
    TrackModel out = new TrackletPruner(3).prune(in);
    Set<String> expected = edges(in);
    expected.remove("41->60");
    assertEquals(expected, edges(out));
    assertEquals(1, out.tracks().size());
  }

  @Test
  void mergesAreLeftUntouched() {
    // Division at 100 (frame 0) into X = 101..110 and Y = 200 (frame 1); Y merges with Z = 400
    // (frame 1) into 300 (frame 2), where the track ends. Y's branch contains a merge: kept.
    Lineage l = new Lineage().chain(100, 0, 1, null).chain(101, 1, 10, 100L).chain(200, 1, 1, 100L)
        .chain(400, 1, 1, null).chain(300, 2, 1, 200L).link(400, 300);
    TrackModel in = l.model();
    assertEquals(edges(in), edges(new TrackletPruner(5).prune(in)));
    // A plain merge without any division: nothing to prune.
    TrackModel merge = new Lineage().chain(0, 0, 2, null).chain(10, 0, 2, null).chain(20, 2, 1, 1L).link(11, 20).model();
    assertEquals(edges(merge), edges(new TrackletPruner(10).prune(merge)));
  }

  @Test
  void gapsCountAsFrames() {
    // Mother 0..4 divides into A (long) and B = one spot at frame 7 (a gap-closing link): length 3.
    Lineage l = new Lineage().chain(0, 0, 5, null).chain(10, 5, 10, 4L).chain(20, 7, 1, 4L);
    TrackModel in = l.model();
    assertEquals(edges(in), edges(new TrackletPruner(3).prune(in)));
    assertTrue(!edges(new TrackletPruner(4).prune(in)).contains("4->20"));
  }

  @Test
  void aThreeWayDivisionLosesOnlyItsShortBranch() {
    Lineage l = new Lineage().chain(0, 0, 2, null).chain(10, 2, 5, 1L).chain(20, 2, 5, 1L).chain(30, 2, 1, 1L);
    TrackModel in = l.model();
    Set<String> expected = edges(in);
    expected.remove("1->30");
    assertEquals(expected, edges(new TrackletPruner(2).prune(in)));
  }

  @Test
  void zeroAndOneDisablePruning() {
    TrackModel in = division(1).model();
    assertSame(in, new TrackletPruner(0).prune(in));
    assertSame(in, new TrackletPruner(1).prune(in));
    assertEquals(0, new TrackletPruner(0).minLength());
  }

  @Test
  void aModelWithoutShortBranchesIsReturnedAsIs() {
    TrackModel in = division(8).model();
    assertSame(in, new TrackletPruner(3).prune(in));
  }

  @Test
  void pruningIsIdempotent() {
    Lineage l = new Lineage().chain(0, 0, 5, null).chain(10, 5, 20, 4L).chain(40, 5, 2, 4L)
        .chain(50, 7, 1, 41L).chain(60, 7, 3, 41L);
    TrackletPruner p = new TrackletPruner(4);
    TrackModel once = p.prune(l.model());
    assertEquals(edges(once), edges(p.prune(once)));
  }

  @Test
  void negativeLengthIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TrackletPruner(-1));
  }
}
