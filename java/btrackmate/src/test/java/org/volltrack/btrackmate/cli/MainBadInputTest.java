package org.volltrack.btrackmate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each bad input: exit status 2, exactly one line on stderr naming the file (or option), the place
 * and the problem, no output file created, and a pre-existing output file left untouched.
 */
class MainBadInputTest {

  @TempDir Path tmp;

  /** One case: how to build the arguments in a folder, and what the error line must contain. */
  interface Case {
    List<String> args(Path dir) throws IOException;
  }

  private static Path file(Path dir, String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content.getBytes(StandardCharsets.UTF_8));
    return p;
  }

  private static List<String> cells(Path dir, String content) throws IOException {
    return new ArrayList<>(Arrays.asList("--cells", file(dir, "cells.csv", content).toString()));
  }

  private static Path tiff(Path dir, String name, boolean floating, int frames, int slices) {
    ImageStack stack = new ImageStack(6, 5);
    for (int i = 0; i < frames * slices; i++) {
      if (floating) {
        FloatProcessor ip = new FloatProcessor(6, 5);
        ip.setf(2, 2, 1.5f);
        stack.addSlice(ip);
      } else {
        ShortProcessor ip = new ShortProcessor(6, 5);
        ip.set(2, 2, 1);
        stack.addSlice(ip);
      }
    }
    ImagePlus imp = new ImagePlus(name, stack);
    imp.setDimensions(1, slices, frames);
    imp.setOpenAsHyperStack(true);
    Path p = dir.resolve(name);
    assertTrue(new FileSaver(imp).saveAsTiffStack(p.toString()));
    return p;
  }

  private static Arguments c(String label, Case args, String... expected) {
    return Arguments.of(label, args, expected);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        c("missing required column", d -> cells(d, "frame,x,z\n0,1,2\n"), "cells.csv: row 1: missing required column 'y'"),
        c("column mapping to a reserved key", d -> cells(d, "frame,x,y,z,Frame\n0,1,2,3,4\n"), "cells.csv: row 1, column 'Frame': maps to the reserved feature key FRAME"),
        c("non-numeric coordinate", d -> cells(d, "frame,x,y,z\n0,1,2,3\n1,abc,2,3\n"), "cells.csv: row 3, column 'x': expected a finite number, got 'abc'"),
        c("NaN coordinate", d -> cells(d, "frame,x,y,z\n0,NaN,2,3\n"), "cells.csv: row 2, column 'x': expected a finite number, got 'NaN'"),
        c("infinite coordinate", d -> cells(d, "frame,x,y,z\n0,1,-inf,3\n"), "cells.csv: row 2, column 'y': expected a finite number, got '-inf'"),
        c("duplicate ids", d -> cells(d, "id,frame,x,y,z\n5,0,0,0,0\n5,1,0,0,0\n"), "cells.csv: row 3, column 'id': duplicate id 5 (first used in row 2)"),
        c("negative frame", d -> cells(d, "frame,x,y,z\n-1,0,0,0\n"), "cells.csv: row 2, column 'frame': expected an integer frame in 0..999999, got '-1'"),
        c("empty file", d -> cells(d, ""), "cells.csv: file is empty"),
        c("id beyond TrackMate's int", d -> cells(d, "id,frame,x,y,z\n2147483648,0,0,0,0\n"), "cells.csv: spot id 2147483648: TrackMate spot IDs are Java ints"),
        c("float label image", d -> Arrays.asList("--labels", tiff(d, "float.tif", true, 2, 3).toString()), "float.tif: is a 32-bit floating-point image; expected an integer label image"),
        c("mask shape mismatch", d -> Arrays.asList("--labels", tiff(d, "labels.tif", false, 2, 3).toString(), "--mask", tiff(d, "mask.tif", false, 1, 2).toString()), "mask.tif", "shape"),
        c("malformed XML", d -> Arrays.asList("--xml", file(d, "bad.xml", "<TrackMate version=\"7.0.0\"><Model>").toString()), "bad.xml: "),
        c("XML with a DOCTYPE", d -> Arrays.asList("--xml", file(d, "dtd.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE TrackMate [<!ENTITY x \"y\">]>\n<TrackMate version=\"7.0.0\"/>\n").toString()), "dtd.xml: ", "DOCTYPE"),
        c("malformed tracker settings XML", d -> {
          List<String> a = cells(d, "frame,x,y,z\n0,0,0,0\n");
          a.addAll(Arrays.asList("--tracker-settings", file(d, "ts.xml", "<TrackMate").toString()));
          return a;
        }, "ts.xml: "),
        c("bad settings JSON", d -> Arrays.asList("--settings", file(d, "s.json", "{\"input\": {\"cells_csv\": 3}}").toString()), "s.json: input.cells_csv: expected a string, got 3"),
        c("unknown flag", d -> Arrays.asList("--cells", "c.csv", "--linking-max-distanse", "3"), "--linking-max-distanse: unknown option"),
        c("bad flag value", d -> Arrays.asList("--cells", "c.csv", "--LINKING_MAX_DISTANCE", "ten"), "--LINKING_MAX_DISTANCE: must be a number, got 'ten'"),
        c("bad filter", d -> Arrays.asList("--cells", "c.csv", "--filter", "VOLUME=3"), "--filter: expected FEATURE>=VALUE or FEATURE<=VALUE, got 'VOLUME=3'"),
        c("missing flag value", d -> Arrays.asList("--cells", "c.csv", "--voxel-size", "1", "2"), "--voxel-size: expected 3 values after the option, got 2"),
        c("missing input", d -> new ArrayList<String>(), "command line: no input: give a cells CSV, a label image or a TrackMate XML file"),
        c("two inputs", d -> Arrays.asList("--cells", "c.csv", "--xml", "t.xml"), "command line: give one input"),
        c("no tracking without XML input", d -> Arrays.asList("--cells", "c.csv", "--no-tracking"), "tracking can be turned off only for TrackMate XML input"),
        c("absent input path", d -> Arrays.asList("--cells", d.resolve("absent.csv").toString()), "absent.csv: file not found"),
        c("input path is a folder", d -> Arrays.asList("--cells", Files.createDirectories(d.resolve("folder.csv")).toString()), "folder.csv: not a regular file"),
        c("filter on a feature no cell has", d -> {
          List<String> a = cells(d, "frame,x,y,z\n0,0,0,0\n");
          a.addAll(Arrays.asList("--inside-tissue", "0.5"));
          return a;
        }, "cells.csv: filter INSIDE_TISSUE >= 0.5: no cell has the feature INSIDE_TISSUE"),
        c("penalty on a feature the cells lack", d -> {
          List<String> a = cells(d, "frame,x,y,z\n0,0,0,0\n1,1,0,0\n");
          a.addAll(Arrays.asList("--LINKING_FEATURE_PENALTIES", "MEAN_INTENSITY_CH1=1"));
          return a;
        }, "cells.csv: spot id 0: has no feature MEAN_INTENSITY_CH1, which LINKING_FEATURE_PENALTIES names"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputExitsWith2AndOneLineAndWritesNothing(String label, Case c, String[] expected) throws IOException {
    for (boolean existing : new boolean[] {false, true}) {
      Path dir = Files.createDirectories(tmp.resolve(existing ? "existing" : "fresh"));
      Path out = dir.resolve("tracks.xml");
      byte[] old = "OLD CONTENT".getBytes(StandardCharsets.UTF_8);
      if (existing) {
        Files.write(out, old);
      }
      List<String> args = new ArrayList<>(c.args(dir));
      args.addAll(Arrays.asList("--out", out.toString(), "--save-settings", dir.resolve("s-out.json").toString()));
      List<String> before = listing(dir);
      Cli r = Cli.run(args.toArray(new String[0]));
      assertEquals(2, r.status, label + ": " + r);
      assertTrue(r.err.startsWith("btrackmate: error: "), r.err);
      assertTrue(r.err.endsWith("\n") && r.err.indexOf('\n') == r.err.length() - 1, "one line: " + r.err);
      for (String e : expected) {
        assertTrue(r.err.contains(e), "'" + e + "' in " + r.err);
      }
      assertEquals("", r.out);
      if (existing) {
        assertArrayEquals(old, Files.readAllBytes(out), "the existing output is untouched");
      } else {
        assertFalse(Files.exists(out), "no output file");
      }
      assertEquals(before, listing(dir), "no file created or removed");
    }
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("usage")
  void missingOutIsAnError(String label, String[] args, String expected) {
    Cli r = Cli.run(args);
    assertEquals(2, r.status, r.toString());
    assertEquals("btrackmate: error: " + expected + "\n", r.err);
  }

  static Stream<Arguments> usage() {
    return Stream.of(
        Arguments.of("no --out", new String[] {"--cells", "c.csv"}, "--out: missing; give the TrackMate XML file to write, e.g. --out tracks.xml"),
        Arguments.of("a bare argument", new String[] {"cells.csv"}, "command line: unexpected argument 'cells.csv'; every option starts with --, see --help"),
        Arguments.of("--out in a missing folder", new String[] {"--cells", "c.csv", "--out", "/nonexistent-folder-btm/t.xml"}, "--out: the folder /nonexistent-folder-btm does not exist"));
  }
}
