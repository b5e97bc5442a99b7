package org.volltrack.btrackmate.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.volltrack.btrackmate.features.FeatureDeclaration;

/**
 * What {@link TrackMateXmlReader} found in a file: the {@link TrackMateDocument} (model,
 * calibration, settings, …) plus what the file says as written — its TrackMate version, its tracks
 * with their IDs, names and stored features, the visible (filtered) track IDs, the stored edge
 * features, the feature declarations, the tracker key, and the warnings for what was skipped or
 * defaulted. An immutable value.
 */
public final class TrackMateXmlFile {
  private final String version;
  private final TrackMateDocument document;
  private final String trackerName;
  private final List<TrackRecord> tracks;
  private final List<Integer> visibleTrackIds;
  private final List<String> edgeKeys;
  private final Map<EdgeKey, EdgeValues> edgeFeatures;
  private final List<FeatureDeclaration> spotDeclarations;
  private final List<FeatureDeclaration> edgeDeclarations;
  private final List<FeatureDeclaration> trackDeclarations;
  private final List<String> warnings;

  TrackMateXmlFile(
      String version,
      TrackMateDocument document,
      String trackerName,
      List<TrackRecord> tracks,
      List<Integer> visibleTrackIds,
      List<String> edgeKeys,
      Map<EdgeKey, EdgeValues> edgeFeatures,
      List<FeatureDeclaration> spotDeclarations,
      List<FeatureDeclaration> edgeDeclarations,
      List<FeatureDeclaration> trackDeclarations,
      List<String> warnings) {
    this.version = version;
    this.document = document;
    this.trackerName = trackerName;
    this.tracks = Collections.unmodifiableList(new ArrayList<>(tracks));
    this.visibleTrackIds = Collections.unmodifiableList(new ArrayList<>(visibleTrackIds));
    this.edgeKeys = Collections.unmodifiableList(new ArrayList<>(edgeKeys));
    this.edgeFeatures = edgeFeatures;
    this.spotDeclarations = Collections.unmodifiableList(new ArrayList<>(spotDeclarations));
    this.edgeDeclarations = Collections.unmodifiableList(new ArrayList<>(edgeDeclarations));
    this.trackDeclarations = Collections.unmodifiableList(new ArrayList<>(trackDeclarations));
    this.warnings = Collections.unmodifiableList(new ArrayList<>(warnings));
  }

  /** The {@code TrackMate@version} of the file. */
  public String version() {
    return version;
  }

  /** The model, calibration and settings. */
  public TrackMateDocument document() {
    return document;
  }

  /**
   * The {@code TRACKER_NAME} in the file's TrackerSettings, or {@code null} when there is none. When
   * it is not a LAP tracker (or its settings could not be read) {@code document().lapSettings()} is
   * null and {@link #warnings()} says why.
   */
  public String trackerName() {
    return trackerName;
  }

  /** The file's Track elements, in file order. */
  public List<TrackRecord> tracks() {
    return tracks;
  }

  /** The TRACK_IDs listed in FilteredTracks that exist in AllTracks, in file order. */
  public List<Integer> visibleTrackIds() {
    return visibleTrackIds;
  }

  /**
   * The edge features the file stores for the edge between two spots (either orientation): the
   * declared edge features and LINK_COST, as numbers; {@code null} when there is no such edge.
   */
  public Map<String, Double> edgeFeatures(long spotA, long spotB) {
    EdgeValues v = edgeFeatures.get(new EdgeKey(spotA, spotB));
    if (v == null) {
      v = edgeFeatures.get(new EdgeKey(spotB, spotA));
    }
    if (v == null) {
      return null;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < v.keys.length; i++) {
      out.put(edgeKeys.get(v.keys[i]), v.values[i]);
    }
    return Collections.unmodifiableMap(out);
  }

  /** The file's SpotFeatures declarations. */
  public List<FeatureDeclaration> spotDeclarations() {
    return spotDeclarations;
  }

  /** The file's EdgeFeatures declarations. */
  public List<FeatureDeclaration> edgeDeclarations() {
    return edgeDeclarations;
  }

  /** The file's TrackFeatures declarations. */
  public List<FeatureDeclaration> trackDeclarations() {
    return trackDeclarations;
  }

  /** What the reader skipped or defaulted, one line each (empty for a clean file). */
  public List<String> warnings() {
    return warnings;
  }

  /** One edge's stored features, compactly: indices into the key list, and values. */
  static final class EdgeValues {
    final int[] keys;
    final double[] values;

    EdgeValues(int[] keys, double[] values) {
      this.keys = keys;
      this.values = values;
    }
  }

  /** An edge's (source, target) pair, as stored. */
  static final class EdgeKey {
    final long source;
    final long target;

    EdgeKey(long source, long target) {
      this.source = source;
      this.target = target;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof EdgeKey && ((EdgeKey) o).source == source && ((EdgeKey) o).target == target;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(source) * 31 + Long.hashCode(target);
    }
  }
}
