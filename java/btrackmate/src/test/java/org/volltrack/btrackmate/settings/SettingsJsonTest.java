package org.volltrack.btrackmate.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.filter.FilterSettings;
import org.volltrack.btrackmate.filter.RoiBox;
import org.volltrack.btrackmate.io.BadInputException;
import org.volltrack.btrackmate.io.VoxelSize;

class SettingsJsonTest {

  @TempDir Path dir;

  private static BTrackmateSettings full() {
    Map<String, Object> tracker = new LinkedHashMap<>();
    tracker.put("SINGLETON_GAP_CLOSING", false);
    tracker.put("LINKING_MAX_DISTANCE", 12.5);
    tracker.put("MAX_FRAME_GAP", 3);
    tracker.put("ALLOW_TRACK_SPLITTING", true);
    tracker.put("BLOCKING_VALUE", Double.POSITIVE_INFINITY);
    tracker.put("LINKING_FEATURE_PENALTIES", Collections.singletonMap("MEAN_INTENSITY_CH1", 1.0));
    return BTrackmateSettings.builder()
        .labels(Paths.get("/data/labels.tif"))
        .raw(Paths.get("/data/raw.tif"))
        .mask(Paths.get("/data/mask.tif"))
        .voxelSize(VoxelSize.zyx(2.0, 0.5, 0.25))
        .frameInterval(10.0)
        .filters(
            new FilterSettings(
                Arrays.asList(FeatureFilter.minVolume(50), FeatureFilter.maxMeanIntensity(2, 900)),
                new RoiBox(0, 100, Double.NEGATIVE_INFINITY, 80, -1, Double.POSITIVE_INFINITY),
                true))
        .minTrackletLength(3)
        .tracker(tracker)
        .build();
  }

  @Test
  void roundTripsThroughJson() {
    BTrackmateSettings s = full();
    String json = SettingsJson.toJson(s);
    assertEquals(s, SettingsJson.fromJson(json, "s.json"));
    assertTrue(json.contains("\"BLOCKING_VALUE\": \"Infinity\""), json);
    assertTrue(json.contains("\"voxel_size_zyx\": [\n      2.0,\n      0.5,\n      0.25\n    ]"), json);
    assertFalse(json.contains("y_min"), "an open bound is not written");
  }

  @Test
  void trackmateXmlInputWithoutTrackingRoundTrips() {
    BTrackmateSettings s =
        BTrackmateSettings.builder().trackmateXml(Paths.get("/data/old.xml")).tracking(false).minTrackletLength(2).build();
    String json = SettingsJson.toJson(s);
    assertTrue(json.contains("\"trackmate_xml\": \"/data/old.xml\""), json);
    assertTrue(json.contains("\"tracking\": false"), json);
    BTrackmateSettings back = SettingsJson.fromJson(json, "s.json");
    assertEquals(s, back);
    assertEquals(BTrackmateSettings.InputKind.TRACKMATE_XML, back.inputKind());
    assertEquals(Paths.get("/data/old.xml"), back.input());
    assertFalse(back.tracking());
  }

  @Test
  void writesAtomicallyAndReadsBackWithRelativePathsResolved() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("run"));
    Path file = sub.resolve("settings.json");
    BTrackmateSettings rel =
        BTrackmateSettings.builder().cellsCsv(Paths.get("cells.csv")).mask(Paths.get("../m.tif")).build();
    SettingsJson.write(rel, file);
    try (Stream<Path> files = Files.list(sub)) {
      assertEquals(
          Collections.singletonList("settings.json"),
          files.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
    }
    BTrackmateSettings back = SettingsJson.read(file);
    assertEquals(sub.toAbsolutePath().resolve("cells.csv"), back.cellsCsv());
    assertEquals(dir.toAbsolutePath().resolve("m.tif"), back.mask());
    assertEquals(BTrackmateSettings.InputKind.CELLS_CSV, back.inputKind());
    SettingsJson.write(full(), file);
    assertEquals(full(), SettingsJson.read(file));
  }

  @Test
  void aMinimalFileTakesTheDefaults() {
    BTrackmateSettings s = SettingsJson.fromJson("{\"input\": {\"cells_csv\": \"c.csv\"}}", "s.json");
    assertEquals(Paths.get("c.csv"), s.cellsCsv());
    assertEquals(FilterSettings.NONE, s.filters());
    assertEquals(0, s.minTrackletLength());
    assertTrue(s.tracker().isEmpty());
    assertNull(s.voxelSize());
    assertNull(s.frameInterval());
    assertNull(s.labels());
  }

  @Test
  void trackerValuesGetTrackMateTypes() {
    BTrackmateSettings s =
        SettingsJson.fromJson(
            "{\"input\": {\"cells_csv\": \"c.csv\"}, \"tracker\": {\"LINKING_MAX_DISTANCE\": 15,"
                + " \"MAX_FRAME_GAP\": 2, \"ALLOW_GAP_CLOSING\": false, \"BLOCKING_VALUE\": \"Infinity\","
                + " \"GAP_CLOSING_FEATURE_PENALTIES\": {\"QUALITY\": 2}}}",
            "s.json");
    assertEquals(15.0, s.tracker().get("LINKING_MAX_DISTANCE"));
    assertEquals(2, s.tracker().get("MAX_FRAME_GAP"));
    assertEquals(Boolean.FALSE, s.tracker().get("ALLOW_GAP_CLOSING"));
    assertEquals(Double.POSITIVE_INFINITY, s.tracker().get("BLOCKING_VALUE"));
    assertEquals(Collections.singletonMap("QUALITY", 2.0), s.tracker().get("GAP_CLOSING_FEATURE_PENALTIES"));
    assertEquals(
        Arrays.asList("ALLOW_GAP_CLOSING", "BLOCKING_VALUE", "GAP_CLOSING_FEATURE_PENALTIES", "LINKING_MAX_DISTANCE", "MAX_FRAME_GAP"),
        Arrays.asList(s.tracker().keySet().toArray()));
  }

  private static String error(String json) {
    BadInputException e = assertThrows(BadInputException.class, () -> SettingsJson.fromJson(json, "s.json"));
    String m = e.getMessage();
    assertFalse(m.contains("\n"), m);
    assertTrue(m.startsWith("s.json: "), m);
    return m;
  }

  @Test
  void unknownKeysAreRejectedWithTheirPath() {
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"min_track_length\": 2}")
        .startsWith("s.json: min_track_length: unknown key; expected one of [version, input, filters, min_tracklet_length, tracker, tracking]"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\", \"voxel_sise\": [1, 1, 1]}}").startsWith("s.json: input.voxel_sise: unknown key"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"filters\": {\"features\": [{\"feature\": \"VOLUME\", \"value\": 1, \"is_above\": true, \"x\": 1}]}}")
        .startsWith("s.json: filters.features[0].x: unknown key"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"filters\": {\"roi\": {\"xmin\": 1}}}").startsWith("s.json: filters.roi.xmin: unknown key"));
    String m = error("{\"input\": {\"cells_csv\": \"c\"}, \"tracker\": {\"LINKING_MAX_DISTANSE\": 1}}");
    assertTrue(m.startsWith("s.json: tracker.LINKING_MAX_DISTANSE: unknown tracker key; expected one of [ALLOW_GAP_CLOSING,"), m);
  }

  @Test
  void wrongTypesAreRejected() {
    assertTrue(error("{\"input\": {\"cells_csv\": 3}}").startsWith("s.json: input.cells_csv: expected a string, got 3"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"min_tracklet_length\": 2.5}").startsWith("s.json: min_tracklet_length: expected an integer >= 0"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"min_tracklet_length\": -1}").startsWith("s.json: min_tracklet_length:"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\", \"voxel_size_zyx\": [1, 1]}}").startsWith("s.json: input.voxel_size_zyx: expected [z, y, x]"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\", \"voxel_size_zyx\": [1, 0, 1]}}").contains("voxel size along y must be finite and > 0"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\", \"frame_interval\": 0}}").startsWith("s.json: input.frame_interval: expected a number > 0"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"tracker\": {\"MAX_FRAME_GAP\": 2.5}}").contains("s.json: tracker.MAX_FRAME_GAP: must be an integer, got 2.5"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"tracker\": {\"ALLOW_GAP_CLOSING\": \"yes\"}}").contains("s.json: tracker.ALLOW_GAP_CLOSING: must be true or false, got 'yes'"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"tracker\": {\"LINKING_FEATURE_PENALTIES\": {\"Q\": \"a\"}}}").contains("s.json: tracker.LINKING_FEATURE_PENALTIES: LINKING_FEATURE_PENALTIES[Q] must be a number, got 'a'"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"filters\": {\"features\": [{\"feature\": \"VOLUME\", \"value\": 1}]}}").startsWith("s.json: filters.features[0].is_above: missing"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"filters\": {\"roi\": {\"x_min\": 2, \"x_max\": 1}}}").startsWith("s.json: filters.roi: ROI box along x: min 2.0 is greater than max 1.0"));
    assertTrue(error("[1]").startsWith("s.json: expected a JSON object, got an array"));
  }

  @Test
  void trackerValuesAreCheckedByTheLapSettingsParser() {
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"tracker\": {\"CUTOFF_PERCENTILE\": 2}}")
        .startsWith("s.json: tracker.CUTOFF_PERCENTILE: "));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"tracker\": {\"LINKING_MAX_DISTANCE\": -1}}")
        .startsWith("s.json: tracker.LINKING_MAX_DISTANCE: must be a finite number >= 0, got -1.0"));
    Map<String, Object> given = new java.util.LinkedHashMap<>();
    given.put("MAX_FRAME_GAP", "3");
    given.put("ALLOW_TRACK_SPLITTING", "true");
    given.put("LINKING_FEATURE_PENALTIES", "QUALITY=1.5");
    Map<String, Object> m = TrackerMap.normalize(given);
    assertEquals(Integer.valueOf(3), m.get("MAX_FRAME_GAP"));
    assertEquals(Boolean.TRUE, m.get("ALLOW_TRACK_SPLITTING"));
    assertEquals(Collections.singletonMap("QUALITY", 1.5), m.get("LINKING_FEATURE_PENALTIES"));
    assertEquals(3, m.size(), "absent keys stay absent");
    assertEquals(
        org.volltrack.btrackmate.tracking.LapSettings.fromMap(given),
        org.volltrack.btrackmate.tracking.LapSettings.fromMap(m));
  }

  @Test
  void inconsistentInputsAreRejected() {
    assertEquals("s.json: input: missing; expected an object with cells_csv, labels (and raw), or trackmate_xml", error("{}"));
    assertEquals("s.json: input: no input: give a cells CSV, a label image or a TrackMate XML file", error("{\"input\": {}}"));
    assertEquals("s.json: input: give one input: a cells CSV, a label image or a TrackMate XML file", error("{\"input\": {\"cells_csv\": \"c\", \"labels\": \"l\"}}"));
    assertEquals("s.json: input: give one input: a cells CSV, a label image or a TrackMate XML file", error("{\"input\": {\"trackmate_xml\": \"t.xml\", \"labels\": \"l\"}}"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}, \"tracking\": false}").contains("tracking can be turned off only for TrackMate XML input"));
    assertTrue(error("{\"input\": {\"trackmate_xml\": \"t.xml\"}, \"tracking\": 0}").startsWith("s.json: tracking: "));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\", \"raw\": \"r\"}}").contains("a raw image needs a label image"));
    assertTrue(error("{\"input\": {\"labels\": \"l\"}, \"filters\": {\"centroid_in_tissue\": true}}").contains("needs a tissue mask"));
    assertTrue(error("{\"input\": {\"labels\": \"\"}}").contains("input.labels: expected a file path, got an empty string"));
  }

  @Test
  void malformedJsonIsRejected() {
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"},}").startsWith("s.json: not valid JSON"));
    assertTrue(error("").startsWith("s.json: not valid JSON"));
    assertTrue(error("{\"input\": {\"cells_csv\": \"c\"}} {}").contains("unexpected text after the settings object"));
    assertTrue(error("{\"input\": {\"cells_csv\": 'c'}}").startsWith("s.json: not valid JSON"));
    assertEquals("s.json: input: duplicate key", error("{\"input\": {\"cells_csv\": \"c\"}, \"input\": {\"labels\": \"l\"}}"));
    assertEquals("s.json: tracker.MAX_FRAME_GAP: duplicate key", error("{\"input\": {\"cells_csv\": \"c\"}, \"tracker\": {\"MAX_FRAME_GAP\": 1, \"MAX_FRAME_GAP\": 2}}"));
    assertTrue(error("{\"version\": 2, \"input\": {\"cells_csv\": \"c\"}}").startsWith("s.json: version: unsupported settings version 2"));
  }

  @Test
  void aMissingFileIsABadInput() {
    Path p = dir.resolve("none.json");
    BadInputException e = assertThrows(BadInputException.class, () -> SettingsJson.read(p));
    assertEquals(p + ": file not found; expected a settings JSON file", e.getMessage());
  }

  @Test
  void theBuilderChecksTheSameRules() {
    assertThrows(IllegalArgumentException.class, () -> BTrackmateSettings.builder().build());
    assertThrows(IllegalArgumentException.class,
        () -> BTrackmateSettings.builder().cellsCsv(Paths.get("c")).minTrackletLength(-1).build());
    assertThrows(IllegalArgumentException.class,
        () -> BTrackmateSettings.builder().cellsCsv(Paths.get("c")).frameInterval(Double.POSITIVE_INFINITY).build());
    assertThrows(IllegalArgumentException.class,
        () -> BTrackmateSettings.builder().cellsCsv(Paths.get("c")).tracker(Collections.singletonMap("NOPE", 1)).build());
    BTrackmateSettings s = BTrackmateSettings.builder().labels(Paths.get("l.tif"))
        .tracker(Collections.singletonMap("LINKING_MAX_DISTANCE", 7)).build();
    assertEquals(7.0, s.tracker().get("LINKING_MAX_DISTANCE"));
    assertEquals(BTrackmateSettings.InputKind.LABEL_IMAGE, s.inputKind());
    assertThrows(UnsupportedOperationException.class, () -> s.tracker().put("MAX_FRAME_GAP", 1));
    assertEquals(s, s.toBuilder().build());
    List<String> keys = Arrays.asList(TrackerMap.knownKeys().toArray(new String[0]));
    assertEquals(17, keys.size(), "the 16 LAP keys of spec §1.2 and SINGLETON_GAP_CLOSING");
    assertTrue(keys.contains("SINGLETON_GAP_CLOSING"));
    assertFalse(keys.contains("TRACKER_NAME"));
    assertTrue(keys.contains("CUTOFF_PERCENTILE"));
  }

  @Test
  void fileContentIsUtf8() throws IOException {
    Path file = dir.resolve("s.json");
    Files.write(file, "{\"input\": {\"cells_csv\": \"zellen-ä.csv\"}}".getBytes(StandardCharsets.UTF_8));
    assertEquals(dir.toAbsolutePath().resolve("zellen-ä.csv"), SettingsJson.read(file).cellsCsv());
  }
}
