package org.volltrack.btrackmate.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.filter.FilterSettings;
import org.volltrack.btrackmate.filter.RoiBox;
import org.volltrack.btrackmate.io.BadInputException;
import org.volltrack.btrackmate.io.VoxelSize;

class CellsInputTest {

  @TempDir Path dir;

  /** A 2D mask, Y=2, X=4, tissue where x >= 2. */
  private Path mask() {
    ImageStack st = new ImageStack(4, 2);
    ByteProcessor bp = new ByteProcessor(4, 2);
    for (int y = 0; y < 2; y++) {
      bp.set(2, y, 1);
      bp.set(3, y, 1);
    }
    st.addSlice(bp);
    Path p = dir.resolve("mask.tif");
    assertTrue(new FileSaver(new ImagePlus("mask", st)).saveAsTiff(p.toString()));
    return p;
  }

  /** A 2D label image, Y=2, X=4: label 1 at x = 0..1 of row 0, label 2 at x = 2..3 of both rows. */
  private Path labels() {
    ImageStack st = new ImageStack(4, 2);
    ByteProcessor bp = new ByteProcessor(4, 2);
    bp.set(0, 0, 1);
    bp.set(1, 0, 1);
    for (int y = 0; y < 2; y++) {
      bp.set(2, y, 2);
      bp.set(3, y, 2);
    }
    st.addSlice(bp);
    ImagePlus imp = new ImagePlus("labels", st);
    imp.getCalibration().frameInterval = 5.0;
    Path p = dir.resolve("labels.tif");
    assertTrue(new FileSaver(imp).saveAsTiff(p.toString()));
    return p;
  }

  @Test
  void csvInputWithAMaskAndFilters() throws IOException {
    Path csv = dir.resolve("cells.csv");
    Files.write(
        csv,
        "frame,x,y,z,volume\n0,0.5,0.5,0,10\n0,1.5,0.5,0,10\n2,1.5,0.5,0,1\n".getBytes(StandardCharsets.UTF_8));
    BTrackmateSettings s =
        BTrackmateSettings.builder()
            .cellsCsv(csv)
            .mask(mask())
            .voxelSize(VoxelSize.zyx(1.0, 1.0, 0.5))
            .filters(new FilterSettings(Collections.singletonList(FeatureFilter.minVolume(5)), null, true))
            .build();
    LoadedCells cells = CellsInput.load(s);
    assertEquals(Arrays.asList(0, 1, 2), Arrays.asList(cells.spots().byFrame().keySet().toArray()));
    assertFalse(cells.spots().get(0).visible(), "x = 0.5 is voxel 1: outside the tissue");
    assertTrue(cells.spots().get(1).visible(), "x = 1.5 is voxel 3: tissue, volume 10");
    assertFalse(cells.spots().get(2).visible(), "in tissue but too small");
    assertNull(cells.geometry());
    assertEquals(1.0, cells.frameInterval());
    assertEquals(VoxelSize.zyx(1.0, 1.0, 0.5), cells.tissueMask().voxelSize());
  }

  @Test
  void labelImageInputWithMaskAndRoi() throws IOException {
    BTrackmateSettings s =
        BTrackmateSettings.builder()
            .labels(labels())
            .mask(mask())
            .filters(
                new FilterSettings(
                    Collections.singletonList(FeatureFilter.minInsideTissue(1.0)),
                    new RoiBox(0, 10, 0, 10, 0, 0),
                    false))
            .build();
    LoadedCells cells = CellsInput.load(s);
    assertEquals(2, cells.spots().size());
    assertEquals(0.0, cells.spots().get(0).feature("INSIDE_TISSUE"));
    assertFalse(cells.spots().get(0).visible());
    assertEquals(1.0, cells.spots().get(1).feature("INSIDE_TISSUE"));
    assertTrue(cells.spots().get(1).visible());
    assertEquals(5.0, cells.frameInterval());
    assertEquals(4, cells.geometry().width());
  }

  @Test
  void aMissingInputFileIsABadInput() {
    BTrackmateSettings s = BTrackmateSettings.builder().cellsCsv(dir.resolve("none.csv")).build();
    BadInputException e = assertThrows(BadInputException.class, () -> CellsInput.load(s));
    assertTrue(e.getMessage().endsWith("none.csv: file not found; expected a cells.csv file"));
  }
}
