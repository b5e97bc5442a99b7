package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.volltrack.btrackmate.model.Calibration;

/** The label image's geometry becomes the XML's calibration and ImageData. */
class ImageGeometryTest {

  private final ImageGeometry g =
      new ImageGeometry(64, 32, 10, 5, VoxelSize.zyx(2.0, 0.5, 0.25), 30.0, "micron", "sec");

  @Test
  void calibrationTakesVoxelSizeFrameIntervalAndUnits() {
    assertEquals(Calibration.of(0.25, 0.5, 2.0, 30.0, "micron", "sec"), g.calibration());
  }

  @Test
  void imageInfoTakesSizesAndTheFileNameAndFolder() {
    Path p = Paths.get("some", "dir", "labels.tif");
    ImageInfo info = g.imageInfo(p);
    assertEquals("labels.tif", info.filename());
    assertEquals(p.toAbsolutePath().getParent() + File.separator, info.folder());
    assertEquals(64, info.width());
    assertEquals(32, info.height());
    assertEquals(10, info.nslices());
    assertEquals(5, info.nframes());
    ImageInfo none = g.imageInfo(null);
    assertEquals("", none.filename());
    assertEquals("", none.folder());
    assertEquals(5, none.nframes());
  }
}
