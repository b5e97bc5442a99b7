package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.volltrack.btrackmate.FuzzSeeds;
import org.volltrack.btrackmate.FuzzValues;
import org.volltrack.btrackmate.model.Spot;

/**
 * Property-based tests of {@link CellsCsvReader}: on any bytes it either returns a valid cell
 * table or throws {@link BadInputException} with a one-line message that names the file and the
 * row — never another exception; valid generated tables come back exactly.
 */
@AddLifecycleHook(FuzzSeeds.class)
class CellsCsvReaderFuzzTest {

  static final String SOURCE = "fuzz/cells.csv";

  /** Characters after which a text viewer or Python's str.splitlines() starts a new line. */
  static final String LINE_BREAKS = "\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029";

  static void assertOneLine(String message) {
    for (char c : LINE_BREAKS.toCharArray()) {
      assertTrue(message.indexOf(c) < 0, () -> "not one line: " + message);
    }
  }

  /** Reads; a valid table or a clean BadInputException, nothing else. */
  static CellTable readOrFailCleanly(byte[] bytes) throws Exception {
    CellTable table;
    try {
      table = new CellsCsvReader().read(new ByteArrayInputStream(bytes), SOURCE);
    } catch (BadInputException e) {
      String m = e.getMessage();
      assertOneLine(m);
      assertTrue(m.startsWith(SOURCE + ": "), m);
      assertTrue(
          e.where().isEmpty() || e.where().matches("(after )?row \\d+.*"),
          () -> "the place is a row: " + m);
      assertFalse(e.problem().isEmpty(), m);
      return null;
    }
    assertValid(table);
    return table;
  }

  static void assertValid(CellTable table) {
    Set<Long> ids = new HashSet<>();
    int last = -1;
    for (Spot s : table.spots().all()) {
      assertTrue(ids.add(s.id()), "unique id " + s.id());
      assertTrue(s.id() >= 0, "id " + s.id());
      assertTrue(s.frame() >= 0, "frame " + s.frame());
      assertTrue(Double.isFinite(s.x()) && Double.isFinite(s.y()) && Double.isFinite(s.z()), s.toString());
      assertTrue(Double.isFinite(s.radius()) && s.radius() > 0, "radius " + s.radius());
      assertTrue(Double.isFinite(s.quality()), "quality " + s.quality());
      last = Math.max(last, s.frame());
    }
    assertTrue(table.spots().size() > 0);
    assertEquals(last + 1, table.spots().byFrame().size(), "every frame 0..last is present");
  }

  // ---- arbitrary and adversarial input ----------------------------------------------------------

  @Property
  void arbitraryBytesGiveATableOrOneCleanError(@ForAll @Size(max = 400) byte[] bytes)
      throws Exception {
    readOrFailCleanly(bytes);
  }

  private static final String[] COLUMNS = {
    "frame", "x", "y", "z", "id", "name", "radius", "quality", "label", "volume", "mean_intensity",
    "mean_intensity_ch0", "total_intensity_ch2", "inside_tissue", "POSITION_X", "position_x",
    "POSITION_Y", "POSITION_Z", "FRAME", "ID", "RADIUS", "QUALITY", "POSITION_T", "VISIBILITY", "",
    "feature", "Feature!", "1abc", "x ", "\"x\"", "é", "\uFEFFframe", "a,b", "\"q\"\"q\"", "___",
    "LABEL", "Volume"
  };

  private static final String[] VALUES = {
    "0", "1", "-1", "3.0", "3.5", "1e3", "1e400", "-1e400", "1e-400", "4.9e-324", "2147483647",
    "2147483648", "9007199254740993", "9223372036854775807", "9223372036854775808", "-0", "+1",
    ".5", "5.", "inf", "-inf", "+inf", "Infinity", "-Infinity", "nan", "NaN", "NAN", "true",
    "FALSE", "", "abc", "0x10", "1f", "1d", "1_000", "١٢", " 1 ", "\"1\"", "\"a,b\"", "\"a\"\"b\"",
    "\"unterminated", "a\"b", "\"x\"y", "\uFEFF1", "\u0000", "\"line\nbreak\"", "1e", "e5", "--1",
    "1.2.3", "\u00a01", "1\u2028", "\"\"", "100000", "1e9", "1,5"
  };

  private static String field(Random r) {
    switch (r.nextInt(6)) {
      case 0:
        return Double.toString(FuzzValues.any(r));
      case 1:
        return FuzzValues.unicode(r, 6);
      case 2:
        return Integer.toString(r.nextInt(50));
      default:
        return FuzzValues.oneOf(r, VALUES);
    }
  }

  /** CSV-like text: a header of known, aliased and odd names, then ragged rows of odd values. */
  @Provide
  Arbitrary<String> adversarialCsv() {
    return Arbitraries.randomValue(
        r -> {
          StringBuilder sb = new StringBuilder();
          if (r.nextInt(4) == 0) {
            sb.append('\uFEFF');
          }
          String eol = FuzzValues.oneOf(r, "\n", "\r\n", "\r");
          List<String> header = new ArrayList<>();
          if (r.nextInt(3) > 0) {
            header.add("frame");
            header.add("x");
            header.add("y");
            if (r.nextBoolean()) {
              header.add("z");
            }
          }
          int extra = r.nextInt(5);
          for (int i = 0; i < extra; i++) {
            header.add(r.nextInt(8) == 0 ? FuzzValues.unicode(r, 5) : FuzzValues.oneOf(r, COLUMNS));
          }
          Collections.shuffle(header, r);
          sb.append(String.join(",", header)).append(eol);
          int rows = r.nextInt(8);
          for (int i = 0; i < rows; i++) {
            int n = r.nextInt(5) == 0 ? r.nextInt(header.size() + 3) : header.size();
            List<String> cells = new ArrayList<>();
            for (int c = 0; c < n; c++) {
              cells.add(r.nextBoolean() ? Integer.toString(r.nextInt(4)) : field(r));
            }
            sb.append(String.join(",", cells));
            if (i < rows - 1 || r.nextBoolean()) {
              sb.append(r.nextInt(6) == 0 ? eol + eol : eol);
            }
          }
          return sb.toString();
        });
  }

  @Property
  void adversarialTablesGiveATableOrOneCleanError(@ForAll("adversarialCsv") String text)
      throws Exception {
    readOrFailCleanly(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A valid table's text, then cut, spliced, duplicated or overwritten somewhere. */
  @Provide
  Arbitrary<byte[]> mutatedTables() {
    return Arbitraries.randomValue(
        r -> {
          byte[] b = GeneratedTable.random(r).csv(r);
          int mutations = 1 + r.nextInt(3);
          for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = r.nextInt(b.length);
            int len = Math.min(b.length - at, 1 + r.nextInt(12));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (r.nextInt(5)) {
              case 0: // truncate
                out.write(b, 0, at);
                break;
              case 1: // delete a span
                out.write(b, 0, at);
                out.write(b, at + len, b.length - at - len);
                break;
              case 2: // insert a token
                out.write(b, 0, at);
                byte[] token = FuzzValues.oneOf(r, VALUES).getBytes(StandardCharsets.UTF_8);
                out.write(token, 0, token.length);
                out.write(b, at, b.length - at);
                break;
              case 3: // duplicate a span
                out.write(b, 0, at + len);
                out.write(b, at, b.length - at);
                break;
              default: // random bytes over a span
                out.write(b, 0, b.length);
                byte[] c = out.toByteArray();
                for (int i = at; i < at + len; i++) {
                  c[i] = (byte) r.nextInt(256);
                }
                out.reset();
                out.write(c, 0, c.length);
            }
            b = out.toByteArray();
          }
          return b;
        });
  }

  @Property
  void mutatedTablesGiveATableOrOneCleanError(@ForAll("mutatedTables") byte[] bytes)
      throws Exception {
    readOrFailCleanly(bytes);
  }

  // ---- valid tables ---------------------------------------------------------------------------

  /** A valid cells.csv with the spots it must give. */
  static final class GeneratedTable {
    final List<String> columns = new ArrayList<>();
    final List<List<String>> rows = new ArrayList<>();
    final List<Spot> spots = new ArrayList<>();
    final Map<String, String> featureColumns = new LinkedHashMap<>();

    private static final String[] FEATURES = {
      "volume", "mean_intensity", "total_intensity_ch2", "inside_tissue", "score a",
      "distance_to_boundary", "label"
    };

    static GeneratedTable random(Random r) {
      GeneratedTable t = new GeneratedTable();
      boolean hasZ = r.nextInt(4) > 0;
      boolean hasId = r.nextBoolean();
      boolean hasName = r.nextBoolean();
      boolean hasQuality = r.nextBoolean();
      List<String> features = new ArrayList<>();
      for (String f : FEATURES) {
        if (r.nextInt(3) == 0) {
          features.add(f);
        }
      }
      List<String> cols = new ArrayList<>();
      cols.add(FuzzValues.oneOf(r, "frame", "FRAME"));
      cols.add(FuzzValues.oneOf(r, "x", "POSITION_X", "position_x"));
      cols.add(FuzzValues.oneOf(r, "y", "POSITION_Y"));
      if (hasZ) {
        cols.add(FuzzValues.oneOf(r, "z", "POSITION_Z"));
      }
      cols.add("radius");
      if (hasId) {
        cols.add(FuzzValues.oneOf(r, "id", "ID"));
      }
      if (hasName) {
        cols.add("name");
      }
      if (hasQuality) {
        cols.add("quality");
      }
      cols.addAll(features);
      if (r.nextInt(4) == 0) {
        cols.add("comment"); // a text column: ignored
      }
      if (r.nextInt(4) == 0) {
        cols.add("POSITION_T"); // TrackMate's: ignored
      }
      Collections.shuffle(cols, r);
      if (r.nextInt(5) == 0) {
        cols.add(0, ""); // a pandas index
      }
      t.columns.addAll(cols);
      for (String f : features) {
        t.featureColumns.put(f, CellColumns.featureKey(f));
      }
      int n = 1 + r.nextInt(25);
      Set<Long> ids = new HashSet<>();
      boolean[] featureSeen = new boolean[features.size()];
      for (int i = 0; i < n; i++) {
        long id = i;
        if (hasId) {
          do {
            id = r.nextBoolean() ? r.nextInt(100) : r.nextLong() & Long.MAX_VALUE;
          } while (!ids.add(id));
        }
        int frame = r.nextInt(6) == 0 ? r.nextInt(200) : r.nextInt(5);
        double x = FuzzValues.finite(r);
        double y = FuzzValues.finite(r);
        double z = hasZ ? FuzzValues.finite(r) : 0.0;
        double radius = FuzzValues.positive(r);
        Spot.Builder b = Spot.builder(id, frame, x, y, z).radius(radius);
        Map<String, String> cell = new LinkedHashMap<>();
        cell.put("frame", Integer.toString(frame));
        cell.put("x", Double.toString(x));
        cell.put("y", Double.toString(y));
        cell.put("z", Double.toString(z));
        cell.put("radius", Double.toString(radius));
        cell.put("id", Long.toString(id));
        if (hasName) {
          String name = r.nextInt(5) == 0 ? "" : FuzzValues.unicode(r, 8).trim();
          cell.put("name", name);
          if (!name.isEmpty()) {
            b.name(name);
          }
        }
        if (hasQuality) {
          double q = FuzzValues.finite(r);
          cell.put("quality", Double.toString(q));
          b.quality(q);
        }
        for (int f = 0; f < features.size(); f++) {
          String column = features.get(f);
          if (featureSeen[f] && r.nextInt(4) == 0) {
            cell.put(column, ""); // this spot lacks the feature
            continue;
          }
          featureSeen[f] = true;
          double v;
          String text;
          if (column.equals("label")) {
            long label = r.nextInt(1 << 20) - 1000;
            v = label;
            text = Long.toString(label);
          } else {
            v = FuzzValues.any(r);
            text = Double.toString(v);
          }
          cell.put(column, text);
          b.feature(CellColumns.featureKey(column), v);
        }
        cell.put("comment", r.nextBoolean() ? "note " + FuzzValues.unicode(r, 5).trim() : "");
        cell.put("POSITION_T", Double.toString(FuzzValues.finite(r)));
        cell.put("", Integer.toString(i));
        List<String> row = new ArrayList<>();
        for (String c : cols) {
          row.add(cell.get(CellColumns.canonical(c)));
        }
        t.rows.add(row);
        t.spots.add(b.build());
      }
      t.spots.sort((a, c) -> a.frame() != c.frame() ? Integer.compare(a.frame(), c.frame()) : Long.compare(a.id(), c.id()));
      return t;
    }

    /** RFC 4180 text: quoted where needed (and now and then where not), LF or CRLF, maybe a BOM. */
    byte[] csv(Random r) {
      String eol = r.nextBoolean() ? "\n" : "\r\n";
      StringBuilder sb = new StringBuilder();
      if (r.nextInt(3) == 0) {
        sb.append('\uFEFF');
      }
      appendRow(sb, columns, r);
      for (List<String> row : rows) {
        sb.append(eol);
        if (r.nextInt(10) == 0) {
          sb.append(eol); // a blank line: skipped
        }
        appendRow(sb, row, r);
      }
      if (r.nextBoolean()) {
        sb.append(eol);
      }
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendRow(StringBuilder sb, List<String> cells, Random r) {
      for (int i = 0; i < cells.size(); i++) {
        String c = cells.get(i);
        if (i > 0) {
          sb.append(',');
        }
        boolean quote =
            c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")
                || (r.nextInt(5) == 0 && !c.isEmpty());
        if (quote) {
          sb.append('"').append(c.replace("\"", "\"\"")).append('"');
        } else {
          sb.append(c);
        }
      }
    }

    @Override
    public String toString() {
      return columns + " " + rows;
    }
  }

  @Provide
  Arbitrary<GeneratedTable> tables() {
    return Arbitraries.randomValue(GeneratedTable::random);
  }

  @Property
  void validTablesComeBackExactly(@ForAll("tables") GeneratedTable t, @ForAll long layoutSeed)
      throws Exception {
    byte[] csv = t.csv(new Random(layoutSeed));
    CellTable table = new CellsCsvReader().read(new ByteArrayInputStream(csv), SOURCE);
    assertValid(table);
    assertEquals(t.spots, table.spots().all(), () -> new String(csv, StandardCharsets.UTF_8));
    assertEquals(t.featureColumns.keySet(), table.featureColumns().keySet());
    for (Map.Entry<String, String> e : t.featureColumns.entrySet()) {
      assertEquals(e.getValue(), table.featureColumns().get(e.getKey()));
    }
  }
}
