package org.volltrack.btrackmate.io;

import java.util.ArrayList;
import java.util.Collections;
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
  private final Map<EdgeKey, Map<String, Double>> edgeFeatures;
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
      Map<EdgeKey, Map<String, Double>> edgeFeatures,
      List<FeatureDeclaration> spotDeclarations,
      List<FeatureDeclaration> edgeDeclarations,
      List<FeatureDeclaration> trackDeclarations,
      List<String> warnings) {
    this.version = version;
    this.document = document;
    this.trackerName = trackerName;
    this.tracks = Collections.unmodifiableList(new ArrayList<>(tracks));
    this.visibleTrackIds = Collections.unmodifiableList(new ArrayList<>(visibleTrackIds));
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
    Map<String, Double> m = edgeFeatures.get(new EdgeKey(spotA, spotB));
    return m != null ? m : edgeFeatures.get(new EdgeKey(spotB, spotA));
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
