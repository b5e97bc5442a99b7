package org.volltrack.btrackmate.settings;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.filter.FilterSettings;
import org.volltrack.btrackmate.filter.RoiBox;
import org.volltrack.btrackmate.io.AtomicFile;
import org.volltrack.btrackmate.io.BadInputException;
import org.volltrack.btrackmate.io.VoxelSize;

/**
 * Reads and writes {@link BTrackmateSettings} as JSON (the CLI's {@code --settings} file). Strict
 * JSON; unknown keys are rejected with the key's path.
 *
 * <pre>
 * {
 *   "version": 1,                                  optional; 1 is the only version
 *   "input": {                                     required
 *     "cells_csv": "cells.csv",                    either this ...
 *     "labels": "labels.tif", "raw": "raw.tif",    ... or labels (+ optional raw)
 *     "trackmate_xml": "tracks.xml",               ... or an existing TrackMate file
 *     "mask": "mask.tif",                          optional, with either input
 *     "voxel_size_zyx": [2.0, 0.5, 0.5],           optional override
 *     "frame_interval": 10.0                       optional override
 *   },
 *   "filters": {                                   optional
 *     "features": [{"feature": "VOLUME", "value": 50.0, "is_above": true}],
 *     "roi": {"x_min": 0, "x_max": 100, "y_min": 0, "y_max": 100, "z_min": 0, "z_max": 40},
 *     "centroid_in_tissue": true
 *   },
 *   "min_tracklet_length": 3,                      optional, default 0 (off)
 *   "tracking": true,                              optional, default true; false keeps the
 *                                                  links of trackmate_xml input
 *   "tracker": {"LINKING_MAX_DISTANCE": 15.0, "ALLOW_TRACK_SPLITTING": true, ...}
 * }
 * </pre>
 *
 * <p>Relative paths are resolved against the folder of the settings file when read from a file. A
 * missing ROI bound is open on that side. Tracker keys are TrackMate's (see {@link TrackerMap});
 * an infinite or NaN tracker value is written as the string {@code "Infinity"}, {@code "-Infinity"}
 * or {@code "NaN"}. Every error is a {@link BadInputException} naming the file and the key.
 */
public final class SettingsJson {

  private SettingsJson() {}

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  /**
   * Reads a settings file; relative paths in it are resolved against its folder.
   *
   * @throws BadInputException when the file is missing or its content is not valid settings
   * @throws IOException on a failure to read an existing file
   */
  public static BTrackmateSettings read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file.toString(), "", "file not found; expected a settings JSON file");
    }
    Path base = file.toAbsolutePath().getParent();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, file.toString(), base);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new BadInputException(file.toString(), "", "not valid UTF-8 text", e);
    }
  }

  /**
   * Reads settings from JSON text.
   *
   * @param source names the text in error messages
   * @param baseDir the folder relative paths are resolved against, or {@code null} to keep them relative
   * @throws BadInputException when the text is not valid settings
   */
  public static BTrackmateSettings read(Reader reader, String source, Path baseDir) throws IOException {
    JsonElement root;
    try {
      JsonReader jr = new JsonReader(reader);
      jr.setStrictness(Strictness.STRICT);
      root = element(jr, source);
      boolean trailing;
      try {
        trailing = jr.peek() != JsonToken.END_DOCUMENT;
      } catch (com.google.gson.stream.MalformedJsonException e) {
        trailing = true;
      }
      if (trailing) {
        throw new BadInputException(source, "", "unexpected text after the settings object");
      }
    } catch (JsonParseException | com.google.gson.stream.MalformedJsonException | IllegalStateException e) {
      throw new BadInputException(source, "", "not valid JSON: " + firstLine(e.getMessage()), e);
    } catch (java.io.EOFException e) {
      throw new BadInputException(source, "", "not valid JSON: it ends too early", e);
    }
    return new Parser(source, baseDir).settings(root);
  }

  /** One JSON value as a tree, like Gson's own adapter but refusing duplicate keys in an object. */
  private static JsonElement element(JsonReader jr, String source) throws IOException {
    switch (jr.peek()) {
      case BEGIN_OBJECT:
        JsonObject o = new JsonObject();
        jr.beginObject();
        while (jr.hasNext()) {
          String name = jr.nextName();
          String path = jr.getPath();
          if (o.has(name)) {
            throw new BadInputException(
                source, path.startsWith("$.") ? path.substring(2) : path, "duplicate key");
          }
          o.add(name, element(jr, source));
        }
        jr.endObject();
        return o;
      case BEGIN_ARRAY:
        JsonArray a = new JsonArray();
        jr.beginArray();
        while (jr.hasNext()) {
          a.add(element(jr, source));
        }
        jr.endArray();
        return a;
      case STRING:
        return new JsonPrimitive(jr.nextString());
      case NUMBER:
        return new JsonPrimitive(new java.math.BigDecimal(jr.nextString()));
      case BOOLEAN:
        return new JsonPrimitive(jr.nextBoolean());
      case NULL:
        jr.nextNull();
        return JsonNull.INSTANCE;
      default:
        throw new com.google.gson.stream.MalformedJsonException(
            "unexpected " + jr.peek() + " at " + jr.getPath());
    }
  }

  /** Reads settings from a JSON string (paths kept as written). */
  public static BTrackmateSettings fromJson(String json, String source) {
    try {
      return read(new StringReader(json), source, null);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int i = s.indexOf('\n');
    String line = i < 0 ? s : s.substring(0, i);
    return line.replace(
        "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
  }

  /** The settings as pretty-printed JSON. */
  public static String toJson(BTrackmateSettings s) {
    return GSON.toJson(tree(s)) + "\n";
  }

  /**
   * Writes settings to a file, through a temporary file in the same folder renamed at the end, so
   * that a failed write leaves no partial file.
   */
  public static void write(BTrackmateSettings s, Path file) throws IOException {
    String json = toJson(s);
    AtomicFile.write(file, out -> out.write(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static JsonObject tree(BTrackmateSettings s) {
    JsonObject root = new JsonObject();
    root.addProperty("version", 1);
    JsonObject input = new JsonObject();
    putPath(input, "cells_csv", s.cellsCsv());
    putPath(input, "labels", s.labels());
    putPath(input, "trackmate_xml", s.trackmateXml());
    putPath(input, "raw", s.raw());
    putPath(input, "mask", s.mask());
    if (s.voxelSize() != null) {
      JsonArray a = new JsonArray();
      a.add(s.voxelSize().z());
      a.add(s.voxelSize().y());
      a.add(s.voxelSize().x());
      input.add("voxel_size_zyx", a);
    }
    if (s.frameInterval() != null) {
      input.addProperty("frame_interval", s.frameInterval());
    }
    root.add("input", input);
    FilterSettings f = s.filters();
    JsonObject filters = new JsonObject();
    JsonArray features = new JsonArray();
    for (FeatureFilter ff : f.featureFilters()) {
      JsonObject o = new JsonObject();
      o.addProperty("feature", ff.feature());
      o.add("value", number(ff.value()));
      o.addProperty("is_above", ff.isAbove());
      features.add(o);
    }
    filters.add("features", features);
    if (f.roi() != null) {
      JsonObject roi = new JsonObject();
      RoiBox b = f.roi();
      putBound(roi, "x_min", b.xMin());
      putBound(roi, "x_max", b.xMax());
      putBound(roi, "y_min", b.yMin());
      putBound(roi, "y_max", b.yMax());
      putBound(roi, "z_min", b.zMin());
      putBound(roi, "z_max", b.zMax());
      filters.add("roi", roi);
    }
    filters.addProperty("centroid_in_tissue", f.centroidInTissue());
    root.add("filters", filters);
    root.addProperty("min_tracklet_length", s.minTrackletLength());
    root.addProperty("tracking", s.tracking());
    JsonObject tracker = new JsonObject();
    for (Map.Entry<String, Object> e : s.tracker().entrySet()) {
      tracker.add(e.getKey(), value(e.getValue()));
    }
    root.add("tracker", tracker);
    return root;
  }

  private static void putPath(JsonObject o, String key, Path p) {
    if (p != null) {
      o.addProperty(key, p.toString());
    }
  }

  private static void putBound(JsonObject o, String key, double v) {
    if (!Double.isInfinite(v)) {
      o.addProperty(key, v);
    }
  }

  private static JsonElement number(double v) {
    if (Double.isNaN(v)) {
      return new JsonPrimitive("NaN");
    }
    if (Double.isInfinite(v)) {
      return new JsonPrimitive(v > 0 ? "Infinity" : "-Infinity");
    }
    return new JsonPrimitive(v);
  }

  private static JsonElement value(Object v) {
    if (v instanceof Double) {
      return number((Double) v);
    }
    if (v instanceof Number) {
      return new JsonPrimitive((Number) v);
    }
    if (v instanceof Boolean) {
      return new JsonPrimitive((Boolean) v);
    }
    if (v instanceof Map) {
      JsonObject o = new JsonObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        o.add(String.valueOf(e.getKey()), value(e.getValue()));
      }
      return o;
    }
    return v == null ? JsonNull.INSTANCE : new JsonPrimitive(String.valueOf(v));
  }

  /** Walks the JSON tree, with the file name for error messages. */
  private static final class Parser {
    private final String source;
    private final Path baseDir;

    Parser(String source, Path baseDir) {
      this.source = source;
      this.baseDir = baseDir;
    }

    private BadInputException bad(String where, String problem) {
      return new BadInputException(source, where, problem);
    }

    private JsonObject object(JsonElement e, String where) {
      if (e == null || !e.isJsonObject()) {
        throw bad(where, "expected a JSON object, got " + describe(e));
      }
      return e.getAsJsonObject();
    }

    private void onlyKeys(JsonObject o, String where, String... allowed) {
      Set<String> ok = new LinkedHashSet<>(Arrays.asList(allowed));
      for (String k : o.keySet()) {
        if (!ok.contains(k)) {
          throw bad(join(where, k), "unknown key; expected one of " + ok);
        }
      }
    }

    private static String join(String where, String key) {
      return where.isEmpty() ? key : where + "." + key;
    }

    private static String describe(JsonElement e) {
      if (e == null) {
        return "nothing";
      }
      if (e.isJsonNull()) {
        return "null";
      }
      if (e.isJsonObject()) {
        return "an object";
      }
      if (e.isJsonArray()) {
        return "an array";
      }
      return e.toString();
    }

    private double number(JsonElement e, String where) {
      if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
        return e.getAsDouble();
      }
      throw bad(where, "expected a number, got " + describe(e));
    }

    private boolean bool(JsonElement e, String where) {
      if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
        return e.getAsBoolean();
      }
      throw bad(where, "expected true or false, got " + describe(e));
    }

    private String string(JsonElement e, String where) {
      if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
        return e.getAsString();
      }
      throw bad(where, "expected a string, got " + describe(e));
    }

    private Path path(JsonObject o, String key, String where) {
      if (!o.has(key)) {
        return null;
      }
      String s = string(o.get(key), join(where, key));
      if (s.isEmpty()) {
        throw bad(join(where, key), "expected a file path, got an empty string");
      }
      Path p;
      try {
        p = Paths.get(s);
      } catch (java.nio.file.InvalidPathException ex) {
        throw bad(join(where, key), "not a valid path: " + ex.getMessage());
      }
      return baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p).normalize();
    }

    BTrackmateSettings settings(JsonElement rootElement) {
      JsonObject root = object(rootElement, "");
      onlyKeys(root, "", "version", "input", "filters", "min_tracklet_length", "tracker", "tracking");
      if (root.has("version")) {
        double v = number(root.get("version"), "version");
        if (v != 1) {
          throw bad("version", "unsupported settings version " + root.get("version") + "; expected 1");
        }
      }
      BTrackmateSettings.Builder b = BTrackmateSettings.builder();
      if (!root.has("input")) {
        throw bad("input", "missing; expected an object with cells_csv, labels (and raw), or trackmate_xml");
      }
      input(object(root.get("input"), "input"), b);
      if (root.has("filters")) {
        b.filters(filters(object(root.get("filters"), "filters")));
      }
      if (root.has("min_tracklet_length")) {
        double n = number(root.get("min_tracklet_length"), "min_tracklet_length");
        if (n != Math.rint(n) || n < 0 || n > Integer.MAX_VALUE) {
          throw bad("min_tracklet_length", "expected an integer >= 0 (frames), got " + root.get("min_tracklet_length"));
        }
        b.minTrackletLength((int) n);
      }
      if (root.has("tracker")) {
        b.tracker(tracker(object(root.get("tracker"), "tracker")));
      }
      if (root.has("tracking")) {
        b.tracking(bool(root.get("tracking"), "tracking"));
      }
      try {
        return b.build();
      } catch (BadInputException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw bad("input", e.getMessage());
      }
    }

    private void input(JsonObject in, BTrackmateSettings.Builder b) {
      onlyKeys(in, "input", "cells_csv", "labels", "trackmate_xml", "raw", "mask", "voxel_size_zyx", "frame_interval");
      b.cellsCsv(path(in, "cells_csv", "input"));
      b.labels(path(in, "labels", "input"));
      b.trackmateXml(path(in, "trackmate_xml", "input"));
      b.raw(path(in, "raw", "input"));
      b.mask(path(in, "mask", "input"));
      if (in.has("voxel_size_zyx")) {
        JsonElement e = in.get("voxel_size_zyx");
        String where = "input.voxel_size_zyx";
        if (!e.isJsonArray() || e.getAsJsonArray().size() != 3) {
          throw bad(where, "expected [z, y, x], three numbers > 0, got " + describe(e));
        }
        JsonArray a = e.getAsJsonArray();
        try {
          b.voxelSize(VoxelSize.zyx(number(a.get(0), where), number(a.get(1), where), number(a.get(2), where)));
        } catch (BadInputException ex) {
          throw ex;
        } catch (IllegalArgumentException ex) {
          throw bad(where, ex.getMessage());
        }
      }
      if (in.has("frame_interval")) {
        double dt = number(in.get("frame_interval"), "input.frame_interval");
        if (!(dt > 0)) {
          throw bad("input.frame_interval", "expected a number > 0, got " + in.get("frame_interval"));
        }
        b.frameInterval(dt);
      }
    }

    private FilterSettings filters(JsonObject f) {
      onlyKeys(f, "filters", "features", "roi", "centroid_in_tissue");
      List<FeatureFilter> features = new ArrayList<>();
      if (f.has("features")) {
        JsonElement e = f.get("features");
        if (!e.isJsonArray()) {
          throw bad("filters.features", "expected an array of {feature, value, is_above}, got " + describe(e));
        }
        int i = 0;
        for (JsonElement fe : e.getAsJsonArray()) {
          String where = "filters.features[" + i++ + "]";
          JsonObject o = object(fe, where);
          onlyKeys(o, where, "feature", "value", "is_above");
          for (String k : Arrays.asList("feature", "value", "is_above")) {
            if (!o.has(k)) {
              throw bad(join(where, k), "missing; expected feature (string), value (number), is_above (boolean)");
            }
          }
          String feature = string(o.get("feature"), join(where, "feature"));
          double value = number(o.get("value"), join(where, "value"));
          boolean above = bool(o.get("is_above"), join(where, "is_above"));
          try {
            features.add(new FeatureFilter(feature, value, above));
          } catch (IllegalArgumentException ex) {
            throw bad(where, ex.getMessage());
          }
        }
      }
      RoiBox roi = null;
      if (f.has("roi")) {
        JsonObject r = object(f.get("roi"), "filters.roi");
        String[] keys = {"x_min", "x_max", "y_min", "y_max", "z_min", "z_max"};
        onlyKeys(r, "filters.roi", keys);
        double[] v = new double[6];
        for (int i = 0; i < 6; i++) {
          v[i] = r.has(keys[i])
              ? number(r.get(keys[i]), "filters.roi." + keys[i])
              : (i % 2 == 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        try {
          roi = new RoiBox(v[0], v[1], v[2], v[3], v[4], v[5]);
        } catch (IllegalArgumentException ex) {
          throw bad("filters.roi", ex.getMessage());
        }
      }
      boolean centroid = f.has("centroid_in_tissue")
          && bool(f.get("centroid_in_tissue"), "filters.centroid_in_tissue");
      return new FilterSettings(features, roi, centroid);
    }

    private Map<String, Object> tracker(JsonObject t) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : t.entrySet()) {
        String key = e.getKey();
        String where = "tracker." + key;
        if (!TrackerMap.knownKeys().contains(key)) {
          throw bad(where, "unknown tracker key; expected one of " + TrackerMap.knownKeys());
        }
        Object value = plain(e.getValue(), where);
        try {
          TrackerMap.normalize(Collections.singletonMap(key, value));
        } catch (IllegalArgumentException ex) {
          String msg = ex.getMessage();
          throw bad(where, msg.startsWith(key + " ") ? msg.substring(key.length() + 1) : msg);
        }
        m.put(key, value);
      }
      try {
        return TrackerMap.normalize(m);
      } catch (IllegalArgumentException ex) {
        throw bad("tracker", ex.getMessage());
      }
    }

    /** A JSON value as a plain Java value: Double/Long, Boolean, String or Map. */
    private Object plain(JsonElement e, String where) {
      if (e.isJsonObject()) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> x : e.getAsJsonObject().entrySet()) {
          m.put(x.getKey(), plain(x.getValue(), join(where, x.getKey())));
        }
        return m;
      }
      if (e.isJsonPrimitive()) {
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
          return p.getAsBoolean();
        }
        if (p.isNumber()) {
          return p.getAsDouble();
        }
        return p.getAsString();
      }
      throw bad(where, "expected a number, boolean, string or object, got " + describe(e));
    }
  }
}
