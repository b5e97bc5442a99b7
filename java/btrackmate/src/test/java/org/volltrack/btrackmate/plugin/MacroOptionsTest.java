package org.volltrack.btrackmate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The headless reading of macro options follows ImageJ's GenericDialog rules. */
class MacroOptionsTest {

  private static final List<Field> FIELDS =
      Arrays.asList(
          Field.file("Cells (cells.csv)", "in"),
          Field.number("Linking_max_distance", "15.0", "d"),
          Field.checkbox("Allow_gap_closing", true, "gap"),
          Field.checkbox("Allow_track_splitting", false, "split"));

  @Test
  void textValuesPlainOrBracketed() {
    Values v = MacroOptions.read("cells=[/my data/cells.csv] linking_max_distance=7", FIELDS);
    assertEquals("/my data/cells.csv", v.text("cells"));
    assertEquals(7.0, v.number("linking_max_distance"));
  }

  @Test
  void checkboxIsOnExactlyWhenItsKeyIsAWord() {
    assertTrue(MacroOptions.read("allow_gap_closing", FIELDS).isChecked("allow_gap_closing"));
    assertTrue(MacroOptions.read("cells=a allow_gap_closing", FIELDS).isChecked("allow_gap_closing"));
    // Absent: off, even though the dialog's default is on (ImageJ's rule).
    assertFalse(MacroOptions.read("cells=a", FIELDS).isChecked("allow_gap_closing"));
    // Inside a bracketed value, or as part of a longer word: not the key.
    assertFalse(MacroOptions.read("cells=[x allow_gap_closing y]", FIELDS).isChecked("allow_gap_closing"));
    assertFalse(MacroOptions.read("allow_gap_closing_x", FIELDS).isChecked("allow_gap_closing"));
    assertFalse(MacroOptions.read("allow_gap_closing=1", FIELDS).isChecked("allow_gap_closing"));
  }

  @Test
  void hasWordMatchesGenericDialogCases() {
    assertTrue(MacroOptions.hasWord("a b ", "b"));
    assertTrue(MacroOptions.hasWord("b ", "b"));
    assertFalse(MacroOptions.hasWord("ab ", "b"));
    assertFalse(MacroOptions.hasWord("x=[ b ] ", "b"));
    assertTrue(MacroOptions.hasWord("x=[c] b ", "b"));
  }

  @Test
  void aBadNumberIsOneLineNamingTheKey() {
    Values v = MacroOptions.read("linking_max_distance=1e", FIELDS);
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> v.number("linking_max_distance"));
    assertEquals("linking_max_distance: expected a number, got '1e'", e.getMessage());
  }
}
