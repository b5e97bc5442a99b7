package org.volltrack.btrackmate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.Macro;
import java.util.stream.Stream;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With a screen, ImageJ's own GenericDialog (in macro mode, not shown) reads the same values from
 * the macro options as {@link MacroOptions} does headless. Needs a display, so the headless build
 * skips it; run it with {@code xvfb-run mvn -Dtest.headless=false -Dtest=GenericDialogParityTest}.
 */
@DisabledIf("java.awt.GraphicsEnvironment#isHeadless")
class GenericDialogParityTest {

  static Stream<Object[]> cases() {
    String all =
        "cells=/a/cells.csv out=[/b c/tracks.xml] labels=/l.tif raw=[] mask=/m.tif tracks=/t.xml "
            + "voxel_z=2 voxel_y=0.5 frame_interval=&x linking_max_distance=7.5 allow_track_splitting "
            + "max_frame_gap=3 singleton_gap_closing min_tracklet_length=4 roi_x_min=-1 roi_y_max=1e3 "
            + "centroid_in_tissue min_volume=abc intensity_channel=2 retrack";
    return Stream.of(
        new Object[] {new TrackCellsFromCsv(), all},
        new Object[] {new TrackLabelImage(), all},
        new Object[] {new PruneShortTracklets(), all},
        new Object[] {new TrackCellsFromCsv(), "cells=x"},
        new Object[] {new PruneShortTracklets(), "allow_gap_closing"});
  }

  @ParameterizedTest
  @MethodSource("cases")
  void genericDialogAndHeadlessReadTheSameValues(Command command, String options) throws Exception {
    Values[] fromDialog = new Values[1];
    Thread t =
        new Thread(
            () -> {
              Macro.setOptions(Thread.currentThread(), options);
              try {
                fromDialog[0] = ParameterDialog.read(command.name(), command.message(), command.fields());
              } finally {
                Macro.setOptions(Thread.currentThread(), null);
              }
            },
            "Run$_parity");
    t.start();
    t.join();
    assertEquals(MacroOptions.read(options + " ", command.fields()), fromDialog[0]);
  }
}
