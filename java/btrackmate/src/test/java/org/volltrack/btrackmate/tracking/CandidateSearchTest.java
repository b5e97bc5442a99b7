package org.volltrack.btrackmate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * The k-d tree search must find exactly the candidates of TrackMate's all-pairs loops, so the links
 * must be identical, link costs bit for bit — also with penalties on negative feature values, where
 * a penalty can be below 1 and distance pruning is not allowed.
 */
class CandidateSearchTest {

  /** A random 3D movie with some empty frames, absent frames and invisible spots. */
  static SpotCollection randomMovie(Random rnd, int frames, int perFrame, boolean negativeFeatures) {
    List<Spot> spots = new ArrayList<>();
    List<Integer> keys = new ArrayList<>();
    long id = 1000;
    for (int t = 0; t < frames; t++) {
      double r = rnd.nextDouble();
      if (r < 0.06) {
        continue; // absent frame: bridged
      }
      keys.add(t);
      if (r < 0.1) {
        continue; // present but empty frame
      }
      int n = perFrame / 2 + rnd.nextInt(perFrame);
      for (int i = 0; i < n; i++) {
        // IDs not in frame order, to check that ID order (not insertion order) decides.
        long spotId = id + rnd.nextInt(1_000_000) * 1000L + i;
        double intensity = negativeFeatures ? rnd.nextGaussian() * 50 : 50 + rnd.nextDouble() * 150;
        Spot s =
            Spot.builder(spotId, t, rnd.nextDouble() * 100, rnd.nextDouble() * 100, rnd.nextDouble() * 20)
                .quality(rnd.nextDouble() * 10)
                .feature("MEAN_INTENSITY", intensity)
                .feature("AREA", rnd.nextDouble() < 0.05 ? Double.NaN : 10 + rnd.nextDouble() * 5)
                .visible(rnd.nextDouble() > 0.03)
                .build();
        spots.add(s);
      }
      id++;
    }
    return SpotCollection.ofFrames(keys, spots);
  }

  static LapSettings randomSettings(Random rnd, boolean penalties) {
    Map<String, Double> pen = new LinkedHashMap<>();
    if (penalties) {
      pen.put("MEAN_INTENSITY", 0.5 + rnd.nextDouble());
      pen.put("AREA", rnd.nextDouble());
    }
    Map<String, Double> qual = new HashMap<>();
    if (penalties) {
      qual.put("QUALITY", 0.3);
    }
    return LapSettings.builder()
        .linkingMaxDistance(6 + rnd.nextDouble() * 6)
        .linkingFeaturePenalties(pen)
        .allowGapClosing(true)
        .gapClosingMaxDistance(8 + rnd.nextDouble() * 6)
        .maxFrameGap(1 + rnd.nextInt(3))
        .gapClosingFeaturePenalties(pen)
        .allowTrackSplitting(rnd.nextBoolean())
        .splittingMaxDistance(8 + rnd.nextDouble() * 6)
        .splittingFeaturePenalties(qual)
        .allowTrackMerging(rnd.nextBoolean())
        .mergingMaxDistance(8 + rnd.nextDouble() * 6)
        .mergingFeaturePenalties(pen)
        .cutoffPercentile(rnd.nextDouble())
        .alternativeLinkingCostFactor(1 + rnd.nextDouble() * 0.2)
        .singletonGapClosing(rnd.nextBoolean())
        .build();
  }

  @Test
  void indexedSearchGivesTheSameLinksAsExhaustiveSearch() {
    Random rnd = new Random(125);
    SparseLapTracker exhaustive =
        SparseLapTracker.builder()
            .threads(1)
            .candidateSearch(SparseLapTracker.CandidateSearch.EXHAUSTIVE)
            .build();
    SparseLapTracker indexed1 = SparseLapTracker.builder().threads(1).build();
    SparseLapTracker indexed3 = SparseLapTracker.builder().threads(3).build();
    int compared = 0;
    int step2Links = 0;
    for (int rep = 0; rep < 12; rep++) {
      boolean negative = rep % 3 == 2;
      boolean penalties = rep % 3 != 0;
      SpotCollection movie = randomMovie(rnd, 14, 120, negative);
      LapSettings s = randomSettings(rnd, penalties);
      List<Link> expected = exhaustive.track(movie, s);
      List<Link> a = indexed1.track(movie, s);
      List<Link> b = indexed3.track(movie, s);
      // Link.equals compares source, target and the cost bit for bit; the order is fixed too.
      assertEquals(expected, a, "indexed vs exhaustive, case " + rep + " " + s);
      assertEquals(expected, b, "3 threads vs exhaustive, case " + rep);
      assertTrue(expected.size() > 100, "the movie should produce links");
      step2Links += expected.size() - countStep1(expected, movie);
      compared++;
    }
    assertEquals(12, compared);
    assertTrue(step2Links > 0, "step 2 should be exercised");
  }

  private static int countStep1(List<Link> links, SpotCollection movie) {
    int n = 0;
    for (Link l : links) {
      int fs = movie.get(l.source()).frame();
      int ft = movie.get(l.target()).frame();
      if (movie.byFrame().higherKey(fs) == ft) {
        n++;
      }
    }
    return n;
  }

  @Test
  void resultDoesNotDependOnThreadCount() {
    Random rnd = new Random(9);
    SpotCollection movie = randomMovie(rnd, 40, 300, false);
    LapSettings s =
        LapSettings.builder().allowTrackSplitting(true).allowTrackMerging(true).linkingMaxDistance(8).build();
    List<Link> one = SparseLapTracker.builder().threads(1).build().track(movie, s);
    for (int threads : new int[] {2, 5, 16}) {
      assertEquals(one, SparseLapTracker.builder().threads(threads).build().track(movie, s));
    }
  }
}
