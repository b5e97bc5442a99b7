package org.volltrack.btrackmate.settings;

import java.io.IOException;
import org.volltrack.btrackmate.filter.SpotFilters;
import org.volltrack.btrackmate.io.BadInputException;
import org.volltrack.btrackmate.io.CellsCsvReader;
import org.volltrack.btrackmate.io.LabelImageCells;
import org.volltrack.btrackmate.io.LabelImageReader;
import org.volltrack.btrackmate.io.TissueMask;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * The input stage of a run: reads the cells the settings name (CSV, or label image with raw image
 * and mask) and applies the spot filters.
 */
public final class CellsInput {

  private CellsInput() {}

  /**
   * Reads and filters the cells of a run.
   *
   * @throws BadInputException when an input file is missing or not valid, or the centroid-in-tissue
   *     filter meets a mask with too few frames
   * @throws IOException on a failure to read an existing file
   */
  public static LoadedCells load(BTrackmateSettings settings) throws IOException {
    SpotCollection spots;
    TissueMask mask;
    double dt;
    if (settings.inputKind() == BTrackmateSettings.InputKind.CELLS_CSV) {
      spots = new CellsCsvReader().read(settings.cellsCsv()).spots();
      mask = settings.mask() == null ? null : TissueMask.open(settings.mask(), settings.voxelSize());
      dt = settings.frameInterval() == null ? 1.0 : settings.frameInterval();
      LoadedCells unfiltered = new LoadedCells(spots, null, mask, dt);
      return filter(settings, unfiltered);
    }
    LabelImageCells cells =
        new LabelImageReader(settings.voxelSize(), settings.frameInterval())
            .read(settings.labels(), settings.raw(), settings.mask());
    LoadedCells unfiltered =
        new LoadedCells(
            cells.spots(), cells.geometry(), cells.tissueMask(), cells.geometry().frameInterval());
    return filter(settings, unfiltered);
  }

  private static LoadedCells filter(BTrackmateSettings settings, LoadedCells in) {
    SpotFilters filters = settings.filters().toFilters(in.tissueMask());
    return new LoadedCells(
        filters.apply(in.spots()), in.geometry(), in.tissueMask(), in.frameInterval());
  }
}
