package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CellColumnsTest {

  @Test
  void mapsColumnNamesToTrackMateKeys() {
    assertEquals("LABEL", CellColumns.featureKey("label"));
    assertEquals("VOLUME", CellColumns.featureKey("volume"));
    assertEquals("INSIDE_TISSUE", CellColumns.featureKey("inside_tissue"));
    assertEquals("DISTANCE_TO_BOUNDARY", CellColumns.featureKey("distance_to_boundary"));
    assertEquals("MEAN_INTENSITY_CH1", CellColumns.featureKey("mean_intensity"));
    assertEquals("MEAN_INTENSITY_CH2", CellColumns.featureKey("mean_intensity_ch2"));
    assertEquals("TOTAL_INTENSITY_CH1", CellColumns.featureKey("total_intensity"));
    assertEquals("STD_INTENSITY_CH4", CellColumns.featureKey("std_intensity_ch4"));
    assertEquals("MAX_INTENSITY_CH1", CellColumns.featureKey("max_intensity"));
    assertEquals("AREA_M", CellColumns.featureKey("area (µm²)"));
    assertEquals("_3D_SHAPE", CellColumns.featureKey("3d shape"));
    assertEquals("_", CellColumns.featureKey("%"));
    assertEquals("MEAN_INTENSITY_RED", CellColumns.featureKey("mean_intensity_red"));
  }

  @Test
  void channelZeroIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> CellColumns.featureKey("mean_intensity_ch0"));
  }

  @Test
  void knownAndReserved() {
    assertTrue(CellColumns.isKnown("frame"));
    assertTrue(CellColumns.isKnown("label"));
    assertFalse(CellColumns.isKnown("Frame"));
    assertTrue(CellColumns.isReservedKey("POSITION_T"));
    assertTrue(CellColumns.isReservedKey("VISIBILITY"));
    assertFalse(CellColumns.isReservedKey("VOLUME"));
  }
}
