package org.volltrack.btrackmate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;

/** Behaviour of the tracker on small hand-made movies whose answer is known. */
class LapTrackerTest {

  private static final SparseLapTracker TRACKER = SparseLapTracker.builder().threads(2).build();

  private static Set<String> edges(List<Link> links) {
    Set<String> s = new TreeSet<>();
    for (Link l : links) {
      s.add(l.source() + "->" + l.target());
    }
    return s;
  }

  private static Spot spot(long id, int frame, double x, double y) {
    return Spot.builder(id, frame, x, y, 0).build();
  }

  @Test
  void parallelLinesStaySeparate() {
    // Historic TrackMate LAPTrackerTest case 1: x = 1 and x = 2, y = frame, 100 frames.
    List<Spot> spots = new ArrayList<>();
    for (int t = 0; t < 100; t++) {
      spots.add(spot(2 * t, t, 1, t));
      spots.add(spot(2 * t + 1, t, 2, t));
    }
    SpotCollection sc = SpotCollection.of(spots, 0, 99);
    LapSettings s = LapSettings.builder().linkingMaxDistance(2).allowGapClosing(false).build();
    TrackModel model = TRACKER.trackModel(sc, s);
    assertEquals(198, model.links().size());
    assertEquals(2, model.tracks().size());
    for (TrackModel.Track track : model.tracks()) {
      assertEquals(100, track.spots().size());
      double x = track.spots().get(0).x();
      for (Spot sp : track.spots()) {
        assertEquals(x, sp.x(), "a track must follow one line");
      }
    }
    for (Link l : model.links()) {
      assertEquals(1.0, l.cost(), "same-line links have D² = 1");
    }
  }

  @Test
  void zigZagFollowsIntensityPenalty() {
    // Historic case 2: spot A at x = i mod 2, spot B at x = (i+1) mod 2, y = i; intensities 100
    // and 200, linking penalty weight 1. Crossing links: D² = 1, P = 2, cost 4 — not < 4.
    List<Spot> spots = new ArrayList<>();
    int n = 50;
    for (int i = 0; i < n; i++) {
      spots.add(Spot.builder(2 * i, i, i % 2, i, 0).feature("MEAN_INTENSITY", 100).build());
      spots.add(Spot.builder(2 * i + 1, i, (i + 1) % 2, i, 0).feature("MEAN_INTENSITY", 200).build());
    }
    SpotCollection sc = SpotCollection.of(spots, 0, n - 1);
    LapSettings s =
        LapSettings.builder()
            .linkingMaxDistance(2)
            .allowGapClosing(false)
            .linkingFeaturePenalties(Collections.singletonMap("MEAN_INTENSITY", 1.0))
            .build();
    TrackModel model = TRACKER.trackModel(sc, s);
    assertEquals(2, model.tracks().size());
    for (TrackModel.Track track : model.tracks()) {
      assertEquals(n, track.spots().size());
      double intensity = track.spots().get(0).feature("MEAN_INTENSITY");
      for (Spot sp : track.spots()) {
        assertEquals(intensity, sp.feature("MEAN_INTENSITY"), "a track must keep its intensity");
      }
    }
    for (Link l : model.links()) {
      assertEquals(2.0, l.cost(), "same-intensity links have D² = 2, P = 1");
    }
    // Without the penalty the nearer crossing links win.
    TrackModel plain = TRACKER.trackModel(sc, s.toBuilder().linkingFeaturePenalties(Collections.emptyMap()).build());
    for (Link l : plain.links()) {
      assertEquals(1.0, l.cost());
    }
  }

  @Test
  void emptyPresentFrameStopsLinksButAbsentFrameIsBridged() {
    List<Spot> spots = Arrays.asList(spot(1, 0, 5, 5), spot(2, 2, 6, 5));
    LapSettings s = LapSettings.defaults();
    // Frame 1 present and empty: no step-1 link, and singletons take no part in gap closing.
    assertTrue(TRACKER.track(SpotCollection.of(spots, 0, 2), s).isEmpty());
    // Frame 1 absent: frames 0 and 2 are consecutive keys and are linked in step 1.
    List<Link> bridged = TRACKER.track(SpotCollection.of(spots), s);
    assertEquals(Collections.singletonList(new Link(1, 2, 1.0)), bridged);
  }

  @Test
  void invisibleSpotsAreNotTracked() {
    List<Spot> spots =
        Arrays.asList(
            spot(1, 0, 0, 0), spot(2, 1, 0.5, 0).withVisible(false), spot(3, 1, 3, 0));
    List<Link> links = TRACKER.track(SpotCollection.of(spots, 0, 1), LapSettings.defaults());
    assertEquals(Collections.singletonList(new Link(1, 3, 9.0)), links);
  }

  /** Track A (x = 0) in frames 0..3, a lone spot S in frame 5, track B (x = 0) in frames 7..9. */
  private static SpotCollection blinking() {
    List<Spot> spots = new ArrayList<>();
    for (int t = 0; t <= 3; t++) {
      spots.add(spot(10 + t, t, 0, 0.1 * t));
    }
    spots.add(spot(50, 5, 0.3, 0.5));
    for (int t = 7; t <= 9; t++) {
      spots.add(spot(70 + t, t, 0.2, 0.1 * t));
    }
    return SpotCollection.of(spots, 0, 9);
  }

  @Test
  void singletonGapClosingExtensionActsOnlyWhenOn() {
    SpotCollection sc = blinking();
    LapSettings off = LapSettings.defaults();
    Set<String> base = edges(TRACKER.track(sc, off));
    assertEquals(
        new TreeSet<>(Arrays.asList("10->11", "11->12", "12->13", "77->78", "78->79")), base);
    Set<String> on = edges(TRACKER.track(sc, off.toBuilder().singletonGapClosing(true).build()));
    Set<String> expected = new TreeSet<>(base);
    expected.add("13->50");
    expected.add("50->77");
    assertEquals(expected, on);
    // The extension needs gap closing: with it off, nothing changes.
    LapSettings noGap = off.toBuilder().allowGapClosing(false).singletonGapClosing(true).build();
    assertEquals(base, edges(TRACKER.track(sc, noGap)));
    // A gap of 4 frames stays too long either way.
    LapSettings gap1 = off.toBuilder().maxFrameGap(1).singletonGapClosing(true).build();
    assertEquals(base, edges(TRACKER.track(sc, gap1)));
  }

  @Test
  void linkingCutoffIsStrictAndGapClosingCutoffInclusive() {
    // A end (frame 1, x = 0) and B start (frame 2, x = 3): D² = 9 exactly.
    List<Spot> spots =
        Arrays.asList(spot(1, 0, 0, 0), spot(2, 1, 0, 0), spot(3, 2, 3, 0), spot(4, 3, 3, 0));
    SpotCollection sc = SpotCollection.of(spots, 0, 3);
    LapSettings noGap = LapSettings.builder().linkingMaxDistance(3).allowGapClosing(false).build();
    assertEquals(new TreeSet<>(Arrays.asList("1->2", "3->4")), edges(TRACKER.track(sc, noGap)));
    LapSettings gap = noGap.toBuilder().allowGapClosing(true).gapClosingMaxDistance(3).build();
    List<Link> links = TRACKER.track(sc, gap);
    assertEquals(new TreeSet<>(Arrays.asList("1->2", "2->3", "3->4")), edges(links));
    assertTrue(links.contains(new Link(2, 3, 9.0)), "step-2 LINK_COST is the candidate cost");
    assertTrue(links.contains(new Link(1, 2, Double.MIN_NORMAL)), "D² = 0 becomes MIN_NORMAL");
    LapSettings shorter = gap.toBuilder().gapClosingMaxDistance(2.999).build();
    assertEquals(new TreeSet<>(Arrays.asList("1->2", "3->4")), edges(TRACKER.track(sc, shorter)));
  }

  @Test
  void gapClosingHonoursMaxFrameGap() {
    // End at frame 1, start at frame 4: Δ = 3.
    List<Spot> spots =
        Arrays.asList(spot(1, 0, 0, 0), spot(2, 1, 0, 0), spot(3, 4, 1, 0), spot(4, 5, 1, 0));
    SpotCollection sc = SpotCollection.of(spots, 0, 5);
    assertFalse(edges(TRACKER.track(sc, LapSettings.defaults())).contains("2->3"));
    LapSettings three = LapSettings.builder().maxFrameGap(3).build();
    assertTrue(edges(TRACKER.track(sc, three)).contains("2->3"));
  }

  /** A mother track that divides: mother x = 0 in frames 0..4, daughters at y = ±1.5 in 5..8. */
  private static SpotCollection division() {
    List<Spot> spots = new ArrayList<>();
    for (int t = 0; t <= 4; t++) {
      spots.add(spot(t, t, 10 + 0.1 * t, 10));
    }
    for (int t = 5; t <= 8; t++) {
      spots.add(spot(100 + t, t, 10 + 0.1 * t, 11.2));
      spots.add(spot(200 + t, t, 10 + 0.1 * t, 8.5));
    }
    return SpotCollection.of(spots, 0, 8);
  }

  @Test
  void splittingJoinsTheSecondDaughterToTheMotherMiddle() {
    SpotCollection sc = division();
    Set<String> plain = edges(TRACKER.track(sc, LapSettings.defaults()));
    assertTrue(plain.contains("4->105"), "the nearer daughter continues the mother: " + plain);
    assertFalse(plain.contains("4->205"));
    Set<String> split =
        edges(TRACKER.track(sc, LapSettings.builder().allowTrackSplitting(true).build()));
    Set<String> expected = new TreeSet<>(plain);
    expected.add("4->205");
    assertEquals(expected, split);
    // The daughter start is 1 frame after a middle point; merging alone does not make this link.
    Set<String> merge =
        edges(TRACKER.track(sc, LapSettings.builder().allowTrackMerging(true).build()));
    assertEquals(plain, merge);
  }

  @Test
  void mergingJoinsAnEndToAMiddle() {
    // Time-reversed division: two tracks meet into one.
    List<Spot> spots = new ArrayList<>();
    for (int t = 0; t <= 3; t++) {
      spots.add(spot(100 + t, t, 10 + 0.1 * t, 11.2));
      spots.add(spot(200 + t, t, 10 + 0.1 * t, 8.5));
    }
    for (int t = 4; t <= 8; t++) {
      spots.add(spot(t, t, 10 + 0.1 * t, 10));
    }
    SpotCollection sc = SpotCollection.of(spots, 0, 8);
    Set<String> plain = edges(TRACKER.track(sc, LapSettings.defaults()));
    assertTrue(plain.contains("103->4"), plain.toString());
    Set<String> merged =
        edges(TRACKER.track(sc, LapSettings.builder().allowTrackMerging(true).build()));
    Set<String> expected = new TreeSet<>(plain);
    expected.add("203->4"); // end (frame 3) -> middle (frame 4), Δ = 1
    assertEquals(expected, merged);
  }

  @Test
  void missingPenalisedFeatureNamesSpotAndFeature() {
    List<Spot> spots =
        Arrays.asList(
            Spot.builder(1, 0, 0, 0, 0).feature("MEAN_INTENSITY", 3).build(),
            Spot.builder(7, 1, 1, 0, 0).build());
    LapSettings s =
        LapSettings.builder()
            .linkingFeaturePenalties(Collections.singletonMap("MEAN_INTENSITY", 1.0))
            .build();
    String m =
        assertThrows(
                IllegalArgumentException.class, () -> TRACKER.track(SpotCollection.of(spots), s))
            .getMessage();
    assertTrue(m.contains("spot 7") && m.contains("MEAN_INTENSITY"), m);
    // Fixed features such as QUALITY and RADIUS are always present.
    LapSettings q =
        LapSettings.builder().linkingFeaturePenalties(Collections.singletonMap("QUALITY", 1.0)).build();
    assertEquals(1, TRACKER.track(SpotCollection.of(spots), q).size());
  }

  @Test
  void progressIsMonotoneAndOnTheCallingThread() {
    final List<Double> fractions = new ArrayList<>();
    final Thread caller = Thread.currentThread();
    final boolean[] otherThread = {false};
    SparseLapTracker t =
        SparseLapTracker.builder()
            .threads(3)
            .progress(
                (f, msg) -> {
                  fractions.add(f);
                  if (Thread.currentThread() != caller) {
                    otherThread[0] = true;
                  }
                })
            .build();
    t.track(division(), LapSettings.builder().allowTrackSplitting(true).build());
    assertFalse(otherThread[0]);
    assertEquals(0.0, fractions.get(0));
    assertEquals(1.0, fractions.get(fractions.size() - 1));
    for (int i = 1; i < fractions.size(); i++) {
      assertTrue(fractions.get(i) >= fractions.get(i - 1), fractions.toString());
    }
  }

  @Test
  void workerThreadsAreDaemonAndEnd() throws InterruptedException {
    SparseLapTracker.builder().threads(4).build().track(blinking(), LapSettings.defaults());
    long deadline = System.currentTimeMillis() + 10_000;
    Set<Thread> alive = new HashSet<>();
    do {
      alive.clear();
      for (Thread th : Thread.getAllStackTraces().keySet()) {
        if (th.getName().startsWith("btrackmate-lap-") && th.isAlive()) {
          assertTrue(th.isDaemon(), th.getName());
          alive.add(th);
        }
      }
      if (!alive.isEmpty()) {
        Thread.sleep(20);
      }
    } while (!alive.isEmpty() && System.currentTimeMillis() < deadline);
    assertTrue(alive.isEmpty(), "worker threads still alive: " + alive);
  }

  @Test
  void builderValidates() {
    assertThrows(IllegalArgumentException.class, () -> SparseLapTracker.builder().threads(0));
    assertThrows(IllegalArgumentException.class, () -> SparseLapTracker.builder().progress(null));
    assertThrows(IllegalArgumentException.class, () -> TRACKER.track(null, LapSettings.defaults()));
    assertTrue(TRACKER.track(SpotCollection.of(Collections.<Spot>emptyList()), LapSettings.defaults()).isEmpty());
  }
}
