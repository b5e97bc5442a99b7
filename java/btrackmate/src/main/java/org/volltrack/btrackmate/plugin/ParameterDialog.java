package org.volltrack.btrackmate.plugin;

import ij.Macro;
import ij.gui.GenericDialog;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.HeadlessException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks for a command's fields the ImageJ way, so that every command is macro-recordable.
 *
 * <ul>
 *   <li>With a screen and no macro: a {@link GenericDialog} is shown (file fields with a Browse
 *       button); when the Recorder is on, ImageJ records {@code run("<command>", "key=value ...")}.
 *   <li>In a macro ({@link Macro#getOptions()} not null): the same {@code GenericDialog}, which
 *       ImageJ does not show but fills from the options; this also covers headless Fiji, whose
 *       patched {@code GenericDialog} reads the options without a window.
 *   <li>Headless with plain ImageJ 1, where {@code GenericDialog} cannot be made (AWT throws
 *       {@link HeadlessException}): the options are read by {@link MacroOptions} with the same
 *       rules.
 *   <li>Headless with no macro options: an {@link IllegalArgumentException} saying how to pass them.
 * </ul>
 */
final class ParameterDialog {

  private static final Font HEADING_FONT = new Font("SansSerif", Font.BOLD, 12);

  private ParameterDialog() {}

  /**
   * The values of {@code fields}, or {@code null} when the user cancelled the dialog.
   *
   * @param title the dialog's title (the command's name)
   * @param message a line shown above the fields in the dialog
   * @throws IllegalArgumentException when headless without macro options
   */
  static Values read(String title, String message, List<Field> fields) {
    String options = Macro.getOptions();
    if (options == null && GraphicsEnvironment.isHeadless()) {
      throw new IllegalArgumentException(
          "no screen, so the parameters must come as macro options, e.g. run(\""
              + title + "...\", \"" + fields.get(0).key() + "=... " + fields.get(1).key() + "=...\")");
    }
    GenericDialog gd;
    try {
      gd = new GenericDialog(title);
    } catch (HeadlessException e) {
      return MacroOptions.read(options, fields);
    }
    return show(gd, options != null, message, fields);
  }

  private static Values show(GenericDialog gd, boolean macro, String message, List<Field> fields) {
    if (!macro) {
      // Layout only when the dialog is shown: Fiji's headless dialog knows none of it.
      gd.addMessage(message);
    }
    for (Field f : fields) {
      if (!macro && f.heading() != null) {
        gd.addMessage(f.heading(), HEADING_FONT);
      }
      if (!macro && f.isOnSameRow()) {
        gd.addToSameRow();
      }
      switch (f.kind()) {
        case FILE:
          if (macro) {
            // In a macro a file field is read as the string field it is; Fiji's headless dialog
            // knows string fields but not the Browse button.
            gd.addStringField(f.label(), f.defaultText(), 40);
          } else {
            gd.addFileField(f.label(), f.defaultText(), 40);
          }
          break;
        case NUMBER:
          gd.addStringField(f.label(), f.defaultText(), 6);
          break;
        case CHECKBOX:
          gd.addCheckbox(f.label(), f.defaultState());
          break;
        default:
          throw new IllegalStateException("unknown field kind " + f.kind());
      }
    }
    gd.showDialog();
    if (gd.wasCanceled()) {
      return null;
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Field f : fields) {
      if (f.kind() == Field.Kind.CHECKBOX) {
        values.put(f.key(), gd.getNextBoolean());
      } else {
        values.put(f.key(), gd.getNextString());
      }
    }
    return new Values(values);
  }
}
