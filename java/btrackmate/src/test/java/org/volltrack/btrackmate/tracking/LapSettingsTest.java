package org.volltrack.btrackmate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LapSettingsTest {

  @Test
  void defaultsAreTrackMates() {
    LapSettings s = LapSettings.defaults();
    assertEquals(15.0, s.linkingMaxDistance());
    assertTrue(s.allowGapClosing());
    assertEquals(15.0, s.gapClosingMaxDistance());
    assertEquals(2, s.maxFrameGap());
    assertFalse(s.allowTrackSplitting());
    assertEquals(15.0, s.splittingMaxDistance());
    assertFalse(s.allowTrackMerging());
    assertEquals(15.0, s.mergingMaxDistance());
    assertEquals(1.05, s.alternativeLinkingCostFactor());
    assertEquals(0.9, s.cutoffPercentile());
    assertEquals(Double.POSITIVE_INFINITY, s.blockingValue());
    assertFalse(s.kalmanSearchRadius().isPresent());
    assertFalse(s.singletonGapClosing());
    assertTrue(s.linkingFeaturePenalties().isEmpty());
  }

  @Test
  void keyStringsAreTrackMates() {
    assertEquals("LINKING_MAX_DISTANCE", LapSettings.LINKING_MAX_DISTANCE);
    assertEquals("LINKING_FEATURE_PENALTIES", LapSettings.LINKING_FEATURE_PENALTIES);
    assertEquals("ALLOW_GAP_CLOSING", LapSettings.ALLOW_GAP_CLOSING);
    assertEquals("GAP_CLOSING_MAX_DISTANCE", LapSettings.GAP_CLOSING_MAX_DISTANCE);
    assertEquals("MAX_FRAME_GAP", LapSettings.MAX_FRAME_GAP);
    assertEquals("GAP_CLOSING_FEATURE_PENALTIES", LapSettings.GAP_CLOSING_FEATURE_PENALTIES);
    assertEquals("ALLOW_TRACK_SPLITTING", LapSettings.ALLOW_TRACK_SPLITTING);
    assertEquals("SPLITTING_MAX_DISTANCE", LapSettings.SPLITTING_MAX_DISTANCE);
    assertEquals("SPLITTING_FEATURE_PENALTIES", LapSettings.SPLITTING_FEATURE_PENALTIES);
    assertEquals("ALLOW_TRACK_MERGING", LapSettings.ALLOW_TRACK_MERGING);
    assertEquals("MERGING_MAX_DISTANCE", LapSettings.MERGING_MAX_DISTANCE);
    assertEquals("MERGING_FEATURE_PENALTIES", LapSettings.MERGING_FEATURE_PENALTIES);
    assertEquals("ALTERNATIVE_LINKING_COST_FACTOR", LapSettings.ALTERNATIVE_LINKING_COST_FACTOR);
    assertEquals("CUTOFF_PERCENTILE", LapSettings.CUTOFF_PERCENTILE);
    assertEquals("BLOCKING_VALUE", LapSettings.BLOCKING_VALUE);
    assertEquals("KALMAN_SEARCH_RADIUS", LapSettings.KALMAN_SEARCH_RADIUS);
    assertFalse(LapSettings.TRACKMATE_KEYS.contains(LapSettings.SINGLETON_GAP_CLOSING));
  }

  private static String messageOf(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void validationMessagesNameTheKeyAndRange() {
    String m = messageOf(() -> LapSettings.builder().linkingMaxDistance(-1));
    assertTrue(m.contains("LINKING_MAX_DISTANCE") && m.contains(">= 0"), m);
    m = messageOf(() -> LapSettings.builder().gapClosingMaxDistance(Double.NaN));
    assertTrue(m.contains("GAP_CLOSING_MAX_DISTANCE"), m);
    m = messageOf(() -> LapSettings.builder().splittingMaxDistance(Double.POSITIVE_INFINITY));
    assertTrue(m.contains("SPLITTING_MAX_DISTANCE") && m.contains("finite"), m);
    m = messageOf(() -> LapSettings.builder().mergingMaxDistance(-0.5));
    assertTrue(m.contains("MERGING_MAX_DISTANCE"), m);
    m = messageOf(() -> LapSettings.builder().maxFrameGap(0));
    assertTrue(m.contains("MAX_FRAME_GAP") && m.contains(">= 1"), m);
    m = messageOf(() -> LapSettings.builder().alternativeLinkingCostFactor(0));
    assertTrue(m.contains("ALTERNATIVE_LINKING_COST_FACTOR") && m.contains("> 0"), m);
    m = messageOf(() -> LapSettings.builder().cutoffPercentile(1.5));
    assertTrue(m.contains("CUTOFF_PERCENTILE") && m.contains("[0, 1]"), m);
    m = messageOf(() -> LapSettings.builder().cutoffPercentile(Double.NaN));
    assertTrue(m.contains("CUTOFF_PERCENTILE"), m);
    m = messageOf(() -> LapSettings.builder().blockingValue(Double.NaN));
    assertTrue(m.contains("BLOCKING_VALUE"), m);
    m = messageOf(() -> LapSettings.builder().kalmanSearchRadius(0));
    assertTrue(m.contains("KALMAN_SEARCH_RADIUS"), m);
    m =
        messageOf(
            () ->
                LapSettings.builder()
                    .linkingFeaturePenalties(Collections.singletonMap("MEAN_INTENSITY", -1.0)));
    assertTrue(m.contains("LINKING_FEATURE_PENALTIES") && m.contains("MEAN_INTENSITY"), m);
  }

  @Test
  void boundaryValuesAreAccepted() {
    LapSettings s =
        LapSettings.builder()
            .linkingMaxDistance(0)
            .cutoffPercentile(0)
            .maxFrameGap(1)
            .blockingValue(Double.POSITIVE_INFINITY)
            .build();
    assertEquals(0.0, s.linkingMaxDistance());
    assertEquals(1.0, LapSettings.builder().cutoffPercentile(1).build().cutoffPercentile());
  }

  @Test
  void mapRoundTripIncludingExtension() {
    Map<String, Double> pen = new LinkedHashMap<>();
    pen.put("MEAN_INTENSITY_CH1", 1.0);
    pen.put("QUALITY", 0.5);
    LapSettings s =
        LapSettings.builder()
            .linkingMaxDistance(7.5)
            .linkingFeaturePenalties(pen)
            .allowTrackSplitting(true)
            .maxFrameGap(4)
            .kalmanSearchRadius(12)
            .singletonGapClosing(true)
            .build();
    assertEquals(s, LapSettings.fromMap(s.toMap()));
    assertFalse(s.toTrackMateMap().containsKey(LapSettings.SINGLETON_GAP_CLOSING));
    assertEquals(true, s.toMap().get(LapSettings.SINGLETON_GAP_CLOSING));
    LapSettings tmOnly = LapSettings.fromMap(s.toTrackMateMap());
    assertFalse(tmOnly.singletonGapClosing());
    assertEquals(s.toBuilder().singletonGapClosing(false).build(), tmOnly);
  }

  @Test
  void mapAcceptsCommandLineStrings() {
    Map<String, Object> m = new HashMap<>();
    m.put("LINKING_MAX_DISTANCE", "10");
    m.put("MAX_FRAME_GAP", "3");
    m.put("ALLOW_TRACK_MERGING", "true");
    m.put("BLOCKING_VALUE", "Infinity");
    m.put("GAP_CLOSING_FEATURE_PENALTIES", "MEAN_INTENSITY=1.0, QUALITY=2");
    m.put("SINGLETON_GAP_CLOSING", "false");
    m.put("CUTOFF_PERCENTILE", 0.75); // JSON number
    m.put("SPLITTING_MAX_DISTANCE", 12); // JSON integer
    LapSettings s = LapSettings.fromMap(m);
    assertEquals(10.0, s.linkingMaxDistance());
    assertEquals(3, s.maxFrameGap());
    assertTrue(s.allowTrackMerging());
    assertEquals(0.75, s.cutoffPercentile());
    assertEquals(12.0, s.splittingMaxDistance());
    assertEquals(2.0, s.gapClosingFeaturePenalties().get("QUALITY"));
    assertEquals(1.0, s.gapClosingFeaturePenalties().get("MEAN_INTENSITY"));
    assertEquals(3, LapSettings.fromMap(Collections.singletonMap("MAX_FRAME_GAP", 3.0)).maxFrameGap());
  }

  @Test
  void mapRejectsUnknownKeysAndBadValues() {
    String m = messageOf(() -> LapSettings.fromMap(Collections.singletonMap("LINKING_MAX_DIST", 3)));
    assertTrue(m.contains("unknown key 'LINKING_MAX_DIST'"), m);
    m = messageOf(() -> LapSettings.fromMap(Collections.singletonMap("MAX_FRAME_GAP", "2.5")));
    assertTrue(m.contains("MAX_FRAME_GAP") && m.contains("integer"), m);
    m = messageOf(() -> LapSettings.fromMap(Collections.singletonMap("ALLOW_GAP_CLOSING", "yes")));
    assertTrue(m.contains("ALLOW_GAP_CLOSING") && m.contains("true or false"), m);
    m = messageOf(() -> LapSettings.fromMap(Collections.singletonMap("LINKING_MAX_DISTANCE", "far")));
    assertTrue(m.contains("LINKING_MAX_DISTANCE") && m.contains("number"), m);
    m =
        messageOf(
            () ->
                LapSettings.fromMap(
                    Collections.singletonMap("MERGING_FEATURE_PENALTIES", "MEAN_INTENSITY")));
    assertTrue(m.contains("MERGING_FEATURE_PENALTIES"), m);
    m = messageOf(() -> LapSettings.fromMap(Collections.singletonMap("CUTOFF_PERCENTILE", "2")));
    assertTrue(m.contains("CUTOFF_PERCENTILE"), m);
  }

  @Test
  void settingsAreImmutable() {
    Map<String, Double> pen = new HashMap<>();
    pen.put("QUALITY", 1.0);
    LapSettings s = LapSettings.builder().linkingFeaturePenalties(pen).build();
    pen.put("RADIUS", 2.0);
    assertEquals(1, s.linkingFeaturePenalties().size());
    assertThrows(
        UnsupportedOperationException.class, () -> s.linkingFeaturePenalties().put("X", 1.0));
  }
}
