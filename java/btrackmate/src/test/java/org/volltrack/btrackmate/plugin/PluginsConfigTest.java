package org.volltrack.btrackmate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.plugin.PlugIn;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** plugins.config puts exactly the three commands under Plugins › Tracking › BTrackmate. */
class PluginsConfigTest {

  /** ImageJ's line format: {@code menu, "Command", class} (an optional {@code ("arg")} after it). */
  private static final Pattern LINE = Pattern.compile("^([^,\"]+),\\s*\"([^\"]+)\",\\s*([\\w.$]+)$");

  @Test
  void listsExactlyTheThreeCommandsWithLoadablePlugIns() throws Exception {
    List<String> commands = new ArrayList<>();
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("plugins.config")) {
      assertNotNull(in, "plugins.config is on the class path (the jar's root)");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        line = line.trim();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        Matcher m = LINE.matcher(line);
        assertTrue(m.matches(), "not a plugins.config line: " + line);
        assertEquals("Plugins>Tracking>BTrackmate", m.group(1).trim());
        Class<?> c = Class.forName(m.group(3));
        assertTrue(PlugIn.class.isAssignableFrom(c), c + " implements ij.plugin.PlugIn");
        Object instance = c.getConstructor().newInstance();
        assertEquals(m.group(2), ((Command) instance).name() + "...", "menu entry = command name + ...");
        commands.add(m.group(2));
      }
    }
    assertEquals(
        Arrays.asList("Track cells from CSV...", "Track label image...", "Prune short tracklets..."),
        commands);
  }
}
