package org.volltrack.btrackmate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command's macro keys are unique, readable, and never found inside one another by ImageJ's
 * {@code Macro.getValue}, which takes {@code key=} anywhere it is not preceded by a letter (so a
 * key {@code max_distance} would read the value of {@code linking_max_distance}).
 */
class MacroKeysTest {

  static Stream<Command> commands() {
    return Stream.of(new TrackCellsFromCsv(), new TrackLabelImage(), new PruneShortTracklets());
  }

  @ParameterizedTest
  @MethodSource("commands")
  void keysAreUniqueAndReadable(Command command) {
    Set<String> keys = new HashSet<>();
    for (Field f : command.fields()) {
      assertTrue(f.key().matches("[a-z][a-z0-9_]*"), f.key());
      assertTrue(keys.add(f.key()), "duplicate key " + f.key());
      assertTrue(!f.description().isEmpty(), f.key());
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void noTextKeyEndsAnotherKeyAfterANonLetter(Command command) {
    for (Field a : command.fields()) {
      for (Field b : command.fields()) {
        if (a == b || a.kind() == Field.Kind.CHECKBOX) {
          continue;
        }
        String outer = b.key();
        String inner = a.key();
        boolean clash = outer.endsWith(inner) && outer.length() > inner.length()
            && !Character.isLetter(outer.charAt(outer.length() - inner.length() - 1));
        assertTrue(!clash, "'" + inner + "=' is found inside '" + outer + "='");
      }
    }
  }

  /** Every field set at once, each to a distinct value, reads back exactly (ImageJ's own parser). */
  @ParameterizedTest
  @MethodSource("commands")
  void everyKeyReadsBackItsOwnValue(Command command) {
    List<Field> fields = command.fields();
    StringBuilder options = new StringBuilder();
    Map<String, Object> expected = new LinkedHashMap<>();
    int i = 0;
    for (Field f : fields) {
      if (f.kind() == Field.Kind.CHECKBOX) {
        boolean on = i % 2 == 0;
        if (on) {
          options.append(f.key()).append(' ');
        }
        expected.put(f.key(), on);
      } else {
        String value = f.kind() == Field.Kind.FILE ? "/data/dir " + i + "/f.tif" : String.valueOf(i + 0.5);
        options.append(f.key()).append("=[").append(value).append("] ");
        expected.put(f.key(), value);
      }
      i++;
    }
    assertEquals(expected, MacroOptions.read(options.toString().trim(), fields).asMap());
  }

  @ParameterizedTest
  @MethodSource("commands")
  void absentTextKeysTakeTheDialogDefaults(Command command) {
    Values v = MacroOptions.read("", command.fields());
    for (Field f : command.fields()) {
      Object expected = f.kind() == Field.Kind.CHECKBOX ? Boolean.FALSE : f.defaultText();
      assertEquals(expected, v.asMap().get(f.key()), f.key());
    }
  }

  @org.junit.jupiter.api.Test
  void theTrackingCommandsShareTheirParameterKeys() {
    List<String> csv = keys(new TrackCellsFromCsv());
    List<String> image = keys(new TrackLabelImage());
    csv.removeAll(Arrays.asList("cells"));
    image.removeAll(Arrays.asList("labels", "raw"));
    assertEquals(new HashSet<>(csv), new HashSet<>(image));
  }

  private static List<String> keys(Command c) {
    List<String> out = new java.util.ArrayList<>();
    for (Field f : c.fields()) {
      out.add(f.key());
    }
    return out;
  }
}
