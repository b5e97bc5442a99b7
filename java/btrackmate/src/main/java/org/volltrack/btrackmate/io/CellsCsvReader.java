package org.volltrack.btrackmate.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

/**
 * Reads a {@code cells.csv}: one row per cell per frame, a header row naming the columns (in any
 * order). See {@link CellColumns} for the columns and their feature keys.
 *
 * <p>Format: RFC 4180 (commas, double-quote quoting, CRLF or LF), UTF-8 with or without a byte-order
 * mark; blank lines are skipped; values are trimmed. Numbers are decimal ({@code 1}, {@code -2.5},
 * {@code 1e-3}); {@code nan}, {@code inf}, {@code -inf} and Java's {@code NaN}/{@code Infinity} are
 * read as such where a feature allows them, never in frame, x, y, z, radius or quality.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Rows are numbered as CSV records from 1 = the header (so "row 2" is the first cell; it is the
 *       file's line number unless blank lines or quoted line breaks come before it).
 *   <li>{@code frame}: an integer in 0 … 999,999 ({@link SpotCollection#MAX_FRAMES} frames at most;
 *       {@code 3} or {@code 3.0}; not {@code 3.5}).
 *   <li>{@code id}: an integer literal &ge; 0, unique. Without an {@code id} column the spots get IDs 0,
 *       1, 2, … in row order.
 *   <li>{@code radius}: finite and &gt; 0. When the column is absent or the cell empty: the radius of
 *       the sphere of volume {@code VOLUME} (∛(3V/4π)), or of the disc of area {@code VOLUME}
 *       (√(V/π)) when every row has z = 0 (2D data), as TrackMate's label-image detector does; 1.0
 *       when there is no positive finite volume either.
 *   <li>{@code quality}: finite; 1.0 when absent or empty.
 *   <li>Other columns: a column whose first non-empty value is a number is a feature column, and then
 *       every non-empty value in it must be a number; {@code true}/{@code false} (any case) count as
 *       the numbers 1 and 0 (pandas' booleans); an empty cell leaves the spot without that feature. A column whose first non-empty value is text, or that is empty throughout, is
 *       ignored and listed in {@link CellTable#ignoredColumns()}.
 *   <li>Frames: the spot collection holds every frame from 0 to the largest frame in the file, empty
 *       ones included, as a TrackMate detection run over the whole movie does; so a frame without
 *       cells in the middle of the movie stops frame-to-frame links across it (only gap closing
 *       bridges it).
 * </ul>
 *
 * <p>Every bad input raises a {@link BadInputException} naming the file, the row and the column.
 * Instances are stateless and may be shared.
 */
public final class CellsCsvReader {

  private static final CSVFormat FORMAT =
      CSVFormat.RFC4180.builder().setTrim(true).setIgnoreEmptyLines(true).get();

  /** A reader. */
  public CellsCsvReader() {}

  /**
   * Reads a {@code cells.csv} file.
   *
   * @throws BadInputException when the file does not exist or its content is not a valid cell table
   * @throws IOException on a failure to read an existing file
   */
  public CellTable read(Path file) throws IOException {
    String source = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(source, "", "file not found; expected a cells.csv file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, source);
    } catch (NoSuchFileException e) {
      throw new BadInputException(source, "", "file not found; expected a cells.csv file", e);
    }
  }

  /**
   * Reads a cell table from a stream of UTF-8 bytes, to its end, and closes it; {@code source} names
   * it in error messages.
   *
   * @throws BadInputException when the content is not a valid cell table
   * @throws IOException on a failure to read the stream
   */
  public CellTable read(InputStream in, String source) throws IOException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    PushbackReader reader =
        new PushbackReader(new BufferedReader(new InputStreamReader(in, decoder)), 1);
    try {
      int first = reader.read();
      if (first != -1 && first != '\uFEFF') {
        reader.unread(first);
      }
    } catch (CharacterCodingException e) {
      throw new BadInputException(source, "row 1", "not valid UTF-8 text", e);
    }
    return parse(reader, source);
  }

  private CellTable parse(Reader reader, String source) throws IOException {
    long lastRow = 0;
    try (CSVParser parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get()) {
      Iterator<CSVRecord> records = parser.iterator();
      if (!records.hasNext()) {
        throw new BadInputException(
            source, "", "file is empty; expected a header row naming the columns frame, x, y, z");
      }
      CSVRecord headerRecord = records.next();
      lastRow = headerRecord.getRecordNumber();
      Header header = new Header(headerRecord, source);
      List<Row> rows = new ArrayList<>();
      Map<Long, Long> rowOfId = new HashMap<>();
      while (records.hasNext()) {
        CSVRecord r = records.next();
        lastRow = r.getRecordNumber();
        rows.add(header.row(r, rows.size(), rowOfId));
      }
      if (rows.isEmpty()) {
        throw new BadInputException(
            source, "", "has a header row but no cell rows; expected one row per cell per frame");
      }
      return header.finish(rows);
    } catch (UncheckedIOException e) {
      throw translate(e.getCause(), source, lastRow);
    } catch (CSVException e) {
      throw translate(e, source, lastRow);
    } catch (CharacterCodingException e) {
      throw translate(e, source, lastRow);
    }
  }

  private static RuntimeException translate(IOException e, String source, long lastRow)
      throws IOException {
    String where = lastRow == 0 ? "row 1" : "after row " + lastRow;
    if (e instanceof CharacterCodingException) {
      throw new BadInputException(source, where, "not valid UTF-8 text", e);
    }
    if (e instanceof CSVException) {
      throw new BadInputException(
          source, where, "malformed CSV (" + e.getMessage() + "); expected RFC 4180 quoting", e);
    }
    throw e;
  }

  /** One parsed row, before the radius default (which needs every row) is applied. */
  private static final class Row {
    Spot.Builder builder;
    boolean hasRadius;
    Double volume;
    double z;
  }

  /** Column roles found in the header, and the per-column state while reading rows. */
  private static final class Header {
    private final String source;
    private final List<String> names = new ArrayList<>();
    /** Known (canonical) column name → index. */
    private final Map<String, Integer> index = new HashMap<>();
    /** Column names as written, by index; ignored columns are absent. */
    private final List<String> ignoredNames = new ArrayList<>();
    /** Free (feature) columns: index → key. */
    private final Map<Integer, String> featureKeys = new LinkedHashMap<>();
    /** Free column index → TRUE numeric, FALSE text, absent = undecided. */
    private final Map<Integer, Boolean> numeric = new HashMap<>();

    Header(CSVRecord record, String source) {
      this.source = source;
      Map<String, String> keyOwner = new HashMap<>();
      for (int i = 0; i < record.size(); i++) {
        String written = record.get(i);
        names.add(written);
        if (written.isEmpty() && i == 0) {
          ignoredNames.add(written); // a pandas index
          continue;
        }
        if (written.isEmpty()) {
          throw new BadInputException(
              source, "row 1, column " + (i + 1),
              "empty column name; expected a name in every header cell but the first (a pandas index)");
        }
        if (CellColumns.isIgnored(written)) {
          ignoredNames.add(written);
          continue;
        }
        String name = CellColumns.canonical(written);
        Integer before = index.put(name, i);
        if (before != null) {
          String first = names.get(before);
          throw new BadInputException(
              source, "row 1, column " + (i + 1),
              first.equals(written)
                  ? "duplicate column name '" + written + "'"
                  : "columns '" + first + "' and '" + written + "' both give " + name + "; keep one");
        }
        if (CellColumns.isKnown(name) && !name.equals(CellColumns.LABEL)) {
          continue;
        }
        String key;
        try {
          key = CellColumns.featureKey(name);
        } catch (IllegalArgumentException e) {
          throw new BadInputException(source, "row 1, column '" + name + "'", e.getMessage());
        }
        if (CellColumns.isReservedKey(key)) {
          throw new BadInputException(
              source,
              "row 1, column '" + name + "'",
              "maps to the reserved feature key " + key
                  + "; use the lower-case columns frame, x, y, z, id, radius, quality instead");
        }
        String owner = keyOwner.put(key, name);
        if (owner != null) {
          throw new BadInputException(
              source,
              "row 1, column '" + name + "'",
              "maps to feature key " + key + ", as column '" + owner + "' does; rename one of them");
        }
        featureKeys.put(i, key);
      }
      for (String required : CellColumns.REQUIRED) {
        if (!index.containsKey(required)) {
          throw new BadInputException(
              source,
              "row 1",
              "missing required column '" + required + "' (or " + String.join(", ", CellColumns.aliasesOf(required))
                  + "); expected the case-sensitive lower-case columns frame, x, y, z (z may be absent: 2D data)"
                  + " or their TrackMate names (found: "
                  + String.join(", ", names) + ")");
        }
      }
    }

    private String where(CSVRecord r, String column) {
      Integer i = index.get(column);
      return "row " + r.getRecordNumber() + ", column '" + (i == null ? column : names.get(i)) + "'";
    }

    private String value(CSVRecord r, String column) {
      Integer i = index.get(column);
      return i == null ? null : r.get(i);
    }

    private double finite(CSVRecord r, String column, String what) {
      String s = value(r, column);
      Double v = Numbers.parse(s);
      if (v == null || !Double.isFinite(v)) {
        throw new BadInputException(
            source, where(r, column), "expected " + what + ", got '" + s + "'");
      }
      return v;
    }

    private long integral(CSVRecord r, String column, String what) {
      String s = value(r, column);
      Double v = Numbers.parse(s);
      if (v == null || !Double.isFinite(v) || v != Math.rint(v) || Math.abs(v) > 9.007199254740992E15) {
        throw new BadInputException(source, where(r, column), "expected " + what + ", got '" + s + "'");
      }
      return (long) v.doubleValue();
    }

    Row row(CSVRecord r, int rowIndex, Map<Long, Long> rowOfId) {
      if (r.size() != names.size()) {
        throw new BadInputException(
            source,
            "row " + r.getRecordNumber(),
            "has " + r.size() + " fields; expected " + names.size() + ", one per header column");
      }
      long frame =
          integral(r, CellColumns.FRAME, "an integer frame in 0.." + (SpotCollection.MAX_FRAMES - 1));
      if (frame < 0 || frame >= SpotCollection.MAX_FRAMES) {
        throw new BadInputException(
            source, where(r, CellColumns.FRAME),
            "expected an integer frame in 0.." + (SpotCollection.MAX_FRAMES - 1) + ", got '"
                + value(r, CellColumns.FRAME) + "'");
      }
      double x = finite(r, CellColumns.X, "a finite number");
      double y = finite(r, CellColumns.Y, "a finite number");
      double z = index.containsKey(CellColumns.Z) ? finite(r, CellColumns.Z, "a finite number (0 for 2D data)") : 0.0;
      long id = rowIndex;
      String idText = value(r, CellColumns.ID);
      if (idText != null) {
        Long parsed = Numbers.parseLong(idText);
        if (parsed == null || parsed < 0) {
          throw new BadInputException(
              source, where(r, CellColumns.ID), "expected an integer id >= 0, got '" + idText + "'");
        }
        id = parsed;
        Long firstRow = rowOfId.put(id, r.getRecordNumber());
        if (firstRow != null) {
          throw new BadInputException(
              source, where(r, CellColumns.ID), "duplicate id " + id + " (first used in row " + firstRow + ")");
        }
      }
      Row row = new Row();
      row.z = z;
      row.builder = Spot.builder(id, (int) frame, x, y, z);
      String name = value(r, CellColumns.NAME);
      if (name != null && !name.isEmpty()) {
        row.builder.name(name);
      }
      String radius = value(r, CellColumns.RADIUS);
      if (radius != null && !radius.isEmpty()) {
        double v = finite(r, CellColumns.RADIUS, "a finite radius > 0");
        if (v <= 0) {
          throw new BadInputException(
              source, where(r, CellColumns.RADIUS), "expected a finite radius > 0, got '" + radius + "'");
        }
        row.builder.radius(v);
        row.hasRadius = true;
      }
      String quality = value(r, CellColumns.QUALITY);
      if (quality != null && !quality.isEmpty()) {
        row.builder.quality(finite(r, CellColumns.QUALITY, "a finite quality"));
      }
      for (Map.Entry<Integer, String> e : featureKeys.entrySet()) {
        int col = e.getKey();
        String text = r.get(col);
        if (text.isEmpty()) {
          continue;
        }
        String column = names.get(col);
        if (column.equals(CellColumns.LABEL)) {
          row.builder.feature(e.getValue(), integral(r, column, "an integer label"));
          continue;
        }
        Double v = Numbers.parseFeature(text);
        Boolean isNumeric = numeric.get(col);
        if (isNumeric == null) {
          isNumeric = v != null || CellColumns.isNumeric(column);
          numeric.put(col, isNumeric);
        }
        if (!isNumeric) {
          continue;
        }
        if (v == null) {
          String why =
              CellColumns.isNumeric(column)
                  ? "expected a number"
                  : "expected a number (the column's first value is numeric)";
          throw new BadInputException(source, where(r, column), why + ", got '" + text + "'");
        }
        row.builder.feature(e.getValue(), v);
        if (e.getValue().equals(CellColumns.VOLUME_KEY)) {
          row.volume = v;
        }
      }
      return row;
    }

    CellTable finish(List<Row> rows) {
      boolean planar = true;
      for (Row row : rows) {
        planar &= row.z == 0.0;
      }
      List<Spot> spots = new ArrayList<>(rows.size());
      int lastFrame = 0;
      for (Row row : rows) {
        if (!row.hasRadius) {
          row.builder.radius(defaultRadius(row.volume, planar));
        }
        Spot s = row.builder.build();
        lastFrame = Math.max(lastFrame, s.frame());
        spots.add(s);
      }
      Map<String, String> used = new LinkedHashMap<>();
      List<String> ignored = new ArrayList<>(ignoredNames);
      for (Map.Entry<Integer, String> e : featureKeys.entrySet()) {
        String column = names.get(e.getKey());
        if (column.equals(CellColumns.LABEL) || Boolean.TRUE.equals(numeric.get(e.getKey()))) {
          used.put(column, e.getValue());
        } else {
          ignored.add(column);
        }
      }
      return new CellTable(SpotCollection.of(spots, 0, lastFrame), used, ignored);
    }
  }

  /**
   * The radius of the sphere (3D) or disc (2D) of the given volume (area), or 1.0 when the volume
   * is missing, not finite or not positive.
   */
  static double defaultRadius(Double volume, boolean planar) {
    if (volume == null || !(volume > 0) || Double.isInfinite(volume)) {
      return 1.0;
    }
    double r = planar ? Math.sqrt(volume / Math.PI) : Math.cbrt(3.0 * volume / (4.0 * Math.PI));
    if (!(r > 0) || Double.isInfinite(r)) {
      // 3V/4π underflowed to 0 (a subnormal volume) or overflowed (V near Double.MAX_VALUE).
      r = planar
          ? Math.sqrt(volume) / Math.sqrt(Math.PI)
          : Math.cbrt(volume) * Math.cbrt(3.0 / (4.0 * Math.PI));
    }
    return r;
  }
}
