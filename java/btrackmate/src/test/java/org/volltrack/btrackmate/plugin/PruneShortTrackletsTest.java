package org.volltrack.btrackmate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.BTrackmate;
import org.volltrack.btrackmate.BTrackmateResult;
import org.volltrack.btrackmate.io.TrackMateXmlReader;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.settings.BTrackmateSettings;
import org.volltrack.btrackmate.tracking.TrackingProgress;

/** "Prune short tracklets..." on a tracked cells.csv, with macro options, headless. */
class PruneShortTrackletsTest {

  @TempDir Path tmp;

  /** The CSV of {@link TrackCellsFromCsvTest} tracked with splitting and pruning length n. */
  private Path tracked(int minTrackletLength, String name) throws Exception {
    Map<String, Object> tracker = new TreeMap<>();
    tracker.put("LINKING_MAX_DISTANCE", 5.0);
    tracker.put("ALLOW_TRACK_SPLITTING", true);
    tracker.put("SPLITTING_MAX_DISTANCE", 5.0);
    Path csv = Files.exists(tmp.resolve("cells.csv")) ? tmp.resolve("cells.csv") : TrackCellsFromCsvTest.cells(tmp);
    BTrackmateSettings s =
        BTrackmateSettings.builder().cellsCsv(csv).tracker(tracker).minTrackletLength(minTrackletLength).build();
    BTrackmateResult r = BTrackmate.run(s, TrackingProgress.NONE);
    Path out = tmp.resolve(name);
    BTrackmate.write(r, out);
    return out;
  }

  private static Map<String, Double> edges(Path xml) throws Exception {
    Map<String, Double> m = new TreeMap<>();
    for (Link l : TrackMateXmlReader.read(xml).document().model().links()) {
      m.put(l.source() + "->" + l.target(), l.cost());
    }
    return m;
  }

  @Test
  void prunesTheFileAsTheJavaApiDoesAndAsPruningDuringTrackingDoes() throws Exception {
    Path unpruned = tracked(0, "unpruned.xml");
    Path out = tmp.resolve("pruned.xml");

    MacroHarness.Result run =
        MacroHarness.run(
            new PruneShortTracklets(),
            MacroHarness.options("tracks=" + unpruned, "out=" + out, "min_tracklet_length=3"));

    assertEquals(1, run.log.size(), run.log.toString());
    assertTrue(run.log.get(0).startsWith("Prune short tracklets: wrote " + out + " ("), run.log.get(0));
    assertTrue(run.newNonDaemonThreads.isEmpty(), run.newNonDaemonThreads.toString());

    BTrackmateResult api =
        BTrackmate.run(
            BTrackmateSettings.builder().trackmateXml(unpruned).tracking(false).minTrackletLength(3).build(),
            TrackingProgress.NONE);
    Path apiOut = tmp.resolve("api.xml");
    BTrackmate.write(api, apiOut);
    XmlComparison.assertSameTracking(apiOut, out);
    assertEquals(
        new String(Files.readAllBytes(apiOut), StandardCharsets.UTF_8),
        new String(Files.readAllBytes(out), StandardCharsets.UTF_8));

    assertTrue(api.prunedLinkCount() > 0, api.toString());
    assertNotEquals(edges(unpruned), edges(out));
    assertEquals(edges(tracked(3, "pruned-while-tracking.xml")), edges(out));
  }

  @Test
  void retrackRestoresWhatAnEarlierPruningRemoved() throws Exception {
    Path pruned = tracked(3, "pruned.xml");
    Path out = tmp.resolve("restored.xml");
    MacroHarness.Result run =
        MacroHarness.run(
            new PruneShortTracklets(),
            MacroHarness.options("tracks=" + pruned, "out=" + out, "min_tracklet_length=0", "retrack"));
    assertEquals(1, run.log.size(), run.log.toString());
    assertEquals(edges(tracked(0, "unpruned.xml")), edges(out));
  }

  @Test
  void badXmlGivesOneLineAndNoFile() throws Exception {
    Path out = tmp.resolve("out.xml");
    Path broken = tmp.resolve("broken.xml");
    Files.write(broken, "<TrackMate version=\"7.0\"><Model>".getBytes(StandardCharsets.UTF_8));
    Path doctype = tmp.resolve("doctype.xml");
    Files.write(doctype,
        ("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
            + "<TrackMate version=\"7.0\">&e;</TrackMate>").getBytes(StandardCharsets.UTF_8));
    for (Path bad : new Path[] {broken, doctype}) {
      MacroHarness.Result run =
          MacroHarness.run(new PruneShortTracklets(), MacroHarness.options("tracks=" + bad, "out=" + out));
      assertEquals(1, run.log.size(), run.log.toString());
      assertTrue(run.log.get(0).startsWith("Prune short tracklets: " + bad + ": "), run.log.get(0));
      assertFalse(Files.exists(out));
    }
    MacroHarness.Result run =
        MacroHarness.run(new PruneShortTracklets(), MacroHarness.options("out=" + out));
    assertEquals(
        Collections.singletonList(
            "Prune short tracklets: tracks: missing; expected the TrackMate XML file, e.g. tracks=/path/to/file"),
        run.log);
    assertFalse(Files.exists(out));
  }
}
