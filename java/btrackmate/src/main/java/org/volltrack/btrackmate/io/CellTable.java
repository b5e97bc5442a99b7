package org.volltrack.btrackmate.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.volltrack.btrackmate.model.SpotCollection;

/** The result of reading a {@code cells.csv}: the spots and how the columns were used. Immutable. */
public final class CellTable {

  private final SpotCollection spots;
  private final Map<String, String> featureColumns;
  private final List<String> ignoredColumns;

  CellTable(SpotCollection spots, Map<String, String> featureColumns, List<String> ignoredColumns) {
    this.spots = spots;
    this.featureColumns = Collections.unmodifiableMap(new LinkedHashMap<>(featureColumns));
    this.ignoredColumns = Collections.unmodifiableList(ignoredColumns);
  }

  /** One spot per row, with a frame entry for every frame from 0 to the largest frame. */
  public SpotCollection spots() {
    return spots;
  }

  /**
   * Column name → spot feature key, in column order, for every column that became an extra spot
   * feature (label, volume, intensities, any other numeric column). The fixed columns (frame, x, y,
   * z, id, name, radius, quality) are not listed.
   */
  public Map<String, String> featureColumns() {
    return featureColumns;
  }

  /** Columns that were not used because they hold text or nothing (first non-empty value not a number). */
  public List<String> ignoredColumns() {
    return ignoredColumns;
  }
}
