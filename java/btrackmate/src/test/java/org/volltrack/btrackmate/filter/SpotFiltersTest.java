package org.volltrack.btrackmate.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.io.BadInputException;
import org.volltrack.btrackmate.io.TissueMask;
import org.volltrack.btrackmate.io.VoxelSize;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.FeatureFilter;

class SpotFiltersTest {

  private static Spot spot(long id, int frame, double x, double y, double z, double volume) {
    return Spot.builder(id, frame, x, y, z).feature("VOLUME", volume).build();
  }

  @Test
  void featureFilterKeepsEqualValuesInBothDirectionsLikeTrackMate() {
    Spot s = spot(0, 0, 0, 0, 0, 10.0);
    assertTrue(FeatureFilter.minVolume(10.0).accepts(s));
    assertTrue(FeatureFilter.maxVolume(10.0).accepts(s));
    assertFalse(FeatureFilter.minVolume(10.5).accepts(s));
    assertFalse(FeatureFilter.maxVolume(9.5).accepts(s));
    assertTrue(new FeatureFilter("POSITION_X", -1, true).accepts(s), "fixed fields are features too");
    assertFalse(new FeatureFilter("QUALITY", 2, true).accepts(s));
  }

  @Test
  void aMissingOrNanFeatureFailsEitherDirection() {
    Spot none = Spot.builder(1, 0, 0, 0, 0).build();
    Spot nan = Spot.builder(2, 0, 0, 0, 0).feature("MEAN_INTENSITY_CH1", Double.NaN).build();
    for (Spot s : Arrays.asList(none, nan)) {
      assertFalse(FeatureFilter.minMeanIntensity(1, -1e300).accepts(s));
      assertFalse(FeatureFilter.maxMeanIntensity(1, 1e300).accepts(s));
    }
  }

  @Test
  void namedFactoriesUseTheTrackMateKeys() {
    assertEquals(new FeatureFilter("VOLUME", 5, true), FeatureFilter.minVolume(5));
    assertEquals(new FeatureFilter("VOLUME", 5, false), FeatureFilter.maxVolume(5));
    assertEquals(new FeatureFilter("MEAN_INTENSITY_CH2", 5, true), FeatureFilter.minMeanIntensity(2, 5));
    assertEquals(new FeatureFilter("MEAN_INTENSITY_CH1", 5, false), FeatureFilter.maxMeanIntensity(1, 5));
    assertEquals(new FeatureFilter("INSIDE_TISSUE", 0.5, true), FeatureFilter.minInsideTissue(0.5));
    assertNotEquals(FeatureFilter.minVolume(5), FeatureFilter.maxVolume(5));
    assertThrows(IllegalArgumentException.class, () -> FeatureFilter.minMeanIntensity(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new FeatureFilter("VOLUME", Double.NaN, true));
    assertThrows(IllegalArgumentException.class, () -> new FeatureFilter("", 1, true));
  }

  @Test
  void insideTissueFractionFilter() {
    Spot half = Spot.builder(0, 0, 0, 0, 0).feature("INSIDE_TISSUE", 0.5).build();
    assertTrue(FeatureFilter.minInsideTissue(0.5).accepts(half));
    assertFalse(FeatureFilter.minInsideTissue(0.51).accepts(half));
  }

  @Test
  void roiBoxIncludesItsBoundsAndMayBeOpen() {
    RoiBox box = new RoiBox(0, 10, -5, 5, 1, 2);
    assertTrue(box.accepts(spot(0, 0, 0, -5, 1, 0)));
    assertTrue(box.accepts(spot(0, 0, 10, 5, 2, 0)));
    assertFalse(box.accepts(spot(0, 0, 10.001, 0, 1.5, 0)));
    assertFalse(box.accepts(spot(0, 0, 5, 0, 0.999, 0)));
    assertFalse(box.accepts(spot(0, 0, 5, 5.5, 1.5, 0)));
    RoiBox open =
        new RoiBox(Double.NEGATIVE_INFINITY, 3, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 0);
    assertTrue(open.accepts(spot(0, 0, -1e9, 1e9, 0, 0)));
    assertFalse(open.accepts(spot(0, 0, 4, 0, 0, 0)));
    assertTrue(RoiBox.UNBOUNDED.accepts(spot(0, 0, 1e300, -1e300, 7, 0)));
    assertThrows(IllegalArgumentException.class, () -> new RoiBox(1, 0, 0, 1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new RoiBox(0, 1, Double.NaN, 1, 0, 1));
  }

  /** A ZYX mask of Z=2, Y=3, X=4 whose tissue is the voxel column x = 2 on slice z = 1. */
  private static TissueMask mask() {
    ImageStack st = new ImageStack(4, 3);
    st.addSlice(new ByteProcessor(4, 3));
    ByteProcessor z1 = new ByteProcessor(4, 3);
    for (int y = 0; y < 3; y++) {
      z1.set(2, y, 1);
    }
    st.addSlice(z1);
    ImagePlus imp = new ImagePlus("mask.tif", st);
    imp.setDimensions(1, 2, 1);
    return TissueMask.of(imp, VoxelSize.zyx(3.0, 1.0, 0.5));
  }

  @Test
  void centroidInTissueUsesTheNearestVoxel() {
    CentroidInTissueFilter f = new CentroidInTissueFilter(mask());
    // x = 1.0 µm is voxel 2; z = 3.0 µm is slice 1
    assertTrue(f.accepts(spot(0, 0, 1.0, 0.0, 3.0, 0)));
    assertTrue(f.accepts(spot(0, 5, 1.2, 2.4, 2.0, 0)), "x 2.4 and z 0.67 round to voxel 2 and slice 1; a ZYX mask serves every frame");
    assertFalse(f.accepts(spot(0, 0, 1.3, 0.0, 3.0, 0)), "x 2.6 rounds to voxel 3");
    assertFalse(f.accepts(spot(0, 0, 1.0, 0.0, 1.4, 0)), "z 0.47 rounds to slice 0");
    assertFalse(f.accepts(spot(0, 0, 1.0, 3.0, 3.0, 0)), "y outside the image");
    assertFalse(f.accepts(spot(0, 0, -1.0, 0.0, 3.0, 0)), "x outside the image");
  }

  @Test
  void centroidInTissueWithTooShortATimeResolvedMaskIsABadInput() {
    ImageStack st = new ImageStack(2, 2);
    st.addSlice(new ByteProcessor(2, 2));
    st.addSlice(new ByteProcessor(2, 2));
    ImagePlus imp = new ImagePlus("mask_t.tif", st);
    imp.setDimensions(1, 1, 2);
    CentroidInTissueFilter f = new CentroidInTissueFilter(TissueMask.of(imp, VoxelSize.zyx(1, 1, 1)));
    assertFalse(f.accepts(spot(0, 1, 0, 0, 0, 0)));
    BadInputException e = assertThrows(BadInputException.class, () -> f.accepts(spot(0, 2, 0, 0, 0, 0)));
    assertTrue(e.getMessage().startsWith("mask_t.tif: frame 2: the mask has 2 frames"));
  }

  @Test
  void applyingKeepsEverySpotAndFrameAndRecomputesVisibility() {
    List<Spot> spots = new ArrayList<>();
    spots.add(spot(0, 0, 1, 0, 0, 5));
    spots.add(spot(1, 0, 20, 0, 0, 50));
    spots.add(spot(2, 2, 1, 0, 0, 50).withVisible(false));
    spots.add(Spot.builder(3, 2, 1, 0, 0).build()); // no VOLUME
    SpotCollection in = SpotCollection.of(spots, 0, 3);
    SpotFilters filters = SpotFilters.of(FeatureFilter.minVolume(10)).and(new RoiBox(0, 10, -1, 1, -1, 1));
    SpotCollection out = filters.apply(in);
    assertEquals(Arrays.asList(0, 1, 2, 3), new ArrayList<>(out.byFrame().keySet()));
    assertEquals(4, out.size());
    assertFalse(out.get(0).visible(), "too small");
    assertFalse(out.get(1).visible(), "outside the box");
    assertTrue(out.get(2).visible(), "visibility is recomputed, as in TrackMate");
    assertFalse(out.get(3).visible(), "a missing feature fails");
    assertEquals(in.get(1).x(), out.get(1).x());
    assertEquals(in.get(1).features(), out.get(1).features());
    assertTrue(in.get(0).visible(), "the input is not changed");
  }

  @Test
  void noFilterMakesEverySpotVisible() {
    SpotCollection in = SpotCollection.of(Collections.singletonList(spot(0, 0, 0, 0, 0, 1).withVisible(false)));
    assertTrue(SpotFilters.NONE.apply(in).get(0).visible());
    assertTrue(SpotFilters.of().accepts(spot(0, 0, 0, 0, 0, 1)));
  }

  @Test
  void filterSettingsBuildTheFiltersInOrder() {
    FilterSettings fs =
        new FilterSettings(Arrays.asList(FeatureFilter.minVolume(1)), new RoiBox(0, 1, 0, 1, 0, 1), true);
    SpotFilters f = fs.toFilters(mask());
    assertEquals(3, f.filters().size());
    assertEquals(FeatureFilter.minVolume(1), f.filters().get(0));
    assertEquals(new RoiBox(0, 1, 0, 1, 0, 1), f.filters().get(1));
    assertTrue(f.filters().get(2) instanceof CentroidInTissueFilter);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fs.toFilters(null));
    assertTrue(e.getMessage().contains("needs a tissue mask"));
    assertTrue(FilterSettings.NONE.isEmpty());
    assertFalse(fs.isEmpty());
    assertEquals(0, FilterSettings.NONE.toFilters(null).filters().size());
  }
}
