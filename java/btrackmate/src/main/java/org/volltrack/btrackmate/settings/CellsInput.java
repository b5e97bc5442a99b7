package org.volltrack.btrackmate.settings;

import java.io.IOException;
import org.volltrack.btrackmate.filter.SpotFilters;
import org.volltrack.btrackmate.io.BadInputException;
import org.volltrack.btrackmate.io.CellsCsvReader;
import org.volltrack.btrackmate.io.LabelImageCells;
import org.volltrack.btrackmate.io.LabelImageReader;
import org.volltrack.btrackmate.io.TissueMask;
import org.volltrack.btrackmate.io.TrackMateDocument;
import org.volltrack.btrackmate.io.TrackMateXmlException;
import org.volltrack.btrackmate.io.TrackMateXmlReader;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * The input stage of a run: reads the cells the settings name (CSV, label image with raw image and
 * mask, or TrackMate XML) and applies the spot filters.
 *
 * <p>With TrackMate XML input the file's own spot filters ({@code SpotFilterCollection}) are
 * applied first, then the run's; visibility is recomputed from them (as TrackMate does), so a spot
 * the file showed may be hidden and one it hid may be shown again when no filter hides it.
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
      LoadedCells unfiltered = new LoadedCells(spots, null, mask, dt, null);
      return filter(settings, unfiltered);
    }
    if (settings.inputKind() == BTrackmateSettings.InputKind.TRACKMATE_XML) {
      TrackMateDocument doc = readXml(settings.trackmateXml());
      mask = settings.mask() == null ? null : TissueMask.open(settings.mask(), settings.voxelSize());
      dt = settings.frameInterval() == null ? doc.calibration().dt() : settings.frameInterval();
      LoadedCells unfiltered = new LoadedCells(doc.model().spots(), null, mask, dt, doc);
      SpotFilters own = SpotFilters.of(doc.spotFilters());
      SpotFilters run = settings.filters().toFilters(mask);
      return new LoadedCells(
          own.and(run).apply(unfiltered.spots()), null, mask, dt, doc);
    }
    LabelImageCells cells =
        new LabelImageReader(settings.voxelSize(), settings.frameInterval())
            .read(settings.labels(), settings.raw(), settings.mask());
    LoadedCells unfiltered =
        new LoadedCells(
            cells.spots(), cells.geometry(), cells.tissueMask(), cells.geometry().frameInterval(), null);
    return filter(settings, unfiltered);
  }

  private static LoadedCells filter(BTrackmateSettings settings, LoadedCells in) {
    SpotFilters filters = settings.filters().toFilters(in.tissueMask());
    return new LoadedCells(
        filters.apply(in.spots()), in.geometry(), in.tissueMask(), in.frameInterval(), null);
  }

  /** Reads a TrackMate XML input; a file that cannot be read as TrackMate XML is a bad input. */
  private static TrackMateDocument readXml(java.nio.file.Path file) throws IOException {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new BadInputException(file.toString(), "", "file not found; expected a TrackMate XML file");
    }
    try {
      return TrackMateXmlReader.read(file).document();
    } catch (TrackMateXmlException e) {
      throw new BadInputException(file.toString(), e.where(), e.problem(), e);
    }
  }
}
