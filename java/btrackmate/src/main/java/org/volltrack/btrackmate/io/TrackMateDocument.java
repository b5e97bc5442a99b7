package org.volltrack.btrackmate.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.volltrack.btrackmate.features.FeatureDeclaration;
import org.volltrack.btrackmate.model.Calibration;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.TrackModel;
import org.volltrack.btrackmate.tracking.LapSettings;

/**
 * Everything a TrackMate XML file holds that BTrackmate keeps: the tracked model, the calibration,
 * the image, the detector, the initial quality threshold, the spot and track filters, the LAP
 * tracker settings, BTrackmate's own settings payload, the log, extra spot feature declarations and
 * spot ROI polygons. An immutable value, built with {@link #builder(TrackModel)}; written by {@link
 * TrackMateXmlWriter} and returned inside {@link TrackMateXmlFile} by {@link TrackMateXmlReader}.
 */
public final class TrackMateDocument {

  private final TrackModel model;
  private final Calibration calibration;
  private final ImageInfo image;
  private final DetectorSettings detector;
  private final double initialQualityThreshold;
  private final List<FeatureFilter> spotFilters;
  private final List<FeatureFilter> trackFilters;
  private final LapSettings lapSettings;
  private final String trackerKey;
  private final String btrackmateSettings;
  private final String log;
  private final Map<String, FeatureDeclaration> spotDeclarations;
  private final Map<Long, double[]> rois;

  private TrackMateDocument(Builder b) {
    this.model = b.model;
    this.calibration = b.calibration;
    this.image = b.image;
    this.detector = b.detector;
    this.initialQualityThreshold = b.initialQualityThreshold;
    this.spotFilters = Collections.unmodifiableList(new ArrayList<>(b.spotFilters));
    this.trackFilters = Collections.unmodifiableList(new ArrayList<>(b.trackFilters));
    this.lapSettings = b.lapSettings;
    this.trackerKey = b.trackerKey;
    this.btrackmateSettings = b.btrackmateSettings;
    this.log = b.log;
    this.spotDeclarations = Collections.unmodifiableMap(new LinkedHashMap<>(b.spotDeclarations));
    Map<Long, double[]> r = new HashMap<>();
    for (Map.Entry<Long, double[]> e : b.rois.entrySet()) {
      r.put(e.getKey(), e.getValue().clone());
    }
    this.rois = r;
  }

  /** A builder for a document holding {@code model}, with defaults for everything else. */
  public static Builder builder(TrackModel model) {
    return new Builder(model);
  }

  /** A builder initialised with every field of this document. */
  public Builder toBuilder() {
    Builder b = new Builder(model);
    b.calibration = calibration;
    b.image = image;
    b.detector = detector;
    b.initialQualityThreshold = initialQualityThreshold;
    b.spotFilters.addAll(spotFilters);
    b.trackFilters.addAll(trackFilters);
    b.lapSettings = lapSettings;
    b.trackerKey = trackerKey;
    b.btrackmateSettings = btrackmateSettings;
    b.log = log;
    b.spotDeclarations.putAll(spotDeclarations);
    b.rois.putAll(rois);
    return b;
  }

  /** The spots, links and tracks. */
  public TrackModel model() {
    return model;
  }

  /** Voxel size, frame interval and units. */
  public Calibration calibration() {
    return calibration;
  }

  /** The image, or {@code null} when unknown (the writer then derives sizes from the spots). */
  public ImageInfo image() {
    return image;
  }

  /** The detector settings, or {@code null} (the writer then writes the manual detector). */
  public DetectorSettings detector() {
    return detector;
  }

  /** The QUALITY threshold of TrackMate's InitialSpotFilter (default 0). */
  public double initialQualityThreshold() {
    return initialQualityThreshold;
  }

  /** Spot filters ({@code SpotFilterCollection}), in order, unmodifiable. */
  public List<FeatureFilter> spotFilters() {
    return spotFilters;
  }

  /** Track filters ({@code TrackFilterCollection}), in order, unmodifiable. */
  public List<FeatureFilter> trackFilters() {
    return trackFilters;
  }

  /**
   * The LAP tracker settings, or {@code null} when unknown (the writer then writes TrackMate's
   * manual tracker, and the reader returns null for a non-LAP tracker or unreadable settings).
   */
  public LapSettings lapSettings() {
    return lapSettings;
  }

  /** {@code SPARSE_LAP_TRACKER} (default) or {@code SIMPLE_SPARSE_LAP_TRACKER}. */
  public String trackerKey() {
    return trackerKey;
  }

  /**
   * BTrackmate's own settings (an opaque text, e.g. JSON) saved in the {@code BTrackmate} element
   * that TrackMate ignores, or {@code null}. Line ends come back as {@code \n}.
   */
  public String btrackmateSettings() {
    return btrackmateSettings;
  }

  /** The run log (TrackMate's {@code Log} element); "" when none. Line ends come back as {@code \n}. */
  public String log() {
    return log;
  }

  /**
   * Declarations for spot features beyond TrackMate's known ones (key → declaration), unmodifiable.
   * Keys without one get TrackMate's declaration or a generic one.
   */
  public Map<String, FeatureDeclaration> spotDeclarations() {
    return spotDeclarations;
  }

  /**
   * The ROI polygon of a spot ({@code x0 y0 x1 y1 …}, relative to the spot centre, physical
   * units), a copy; {@code null} when the spot has none.
   */
  public double[] roi(long spotId) {
    double[] r = rois.get(spotId);
    return r == null ? null : r.clone();
  }

  /** The IDs of the spots that have an ROI polygon, unmodifiable. */
  public java.util.Set<Long> roiSpotIds() {
    return Collections.unmodifiableSet(rois.keySet());
  }

  /** Builds a {@link TrackMateDocument}; validates on {@link #build()}. */
  public static final class Builder {
    private final TrackModel model;
    private Calibration calibration = Calibration.pixels();
    private ImageInfo image;
    private DetectorSettings detector;
    private double initialQualityThreshold;
    private final List<FeatureFilter> spotFilters = new ArrayList<>();
    private final List<FeatureFilter> trackFilters = new ArrayList<>();
    private LapSettings lapSettings;
    private String trackerKey = LapSettings.TRACKER_KEY;
    private String btrackmateSettings;
    private String log = "";
    private final Map<String, FeatureDeclaration> spotDeclarations = new LinkedHashMap<>();
    private final Map<Long, double[]> rois = new HashMap<>();

    private Builder(TrackModel model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    public Builder calibration(Calibration value) {
      this.calibration = Objects.requireNonNull(value, "calibration");
      return this;
    }

    /** The image, or {@code null} for none. */
    public Builder image(ImageInfo value) {
      this.image = value;
      return this;
    }

    /** The detector settings, or {@code null} for BTrackmate's default (manual detector). */
    public Builder detector(DetectorSettings value) {
      this.detector = value;
      return this;
    }

    public Builder initialQualityThreshold(double value) {
      if (Double.isNaN(value)) {
        throw new IllegalArgumentException("initial quality threshold is NaN");
      }
      this.initialQualityThreshold = value;
      return this;
    }

    /** Replaces the spot filters. */
    public Builder spotFilters(List<FeatureFilter> filters) {
      spotFilters.clear();
      spotFilters.addAll(filters);
      return this;
    }

    /** Replaces the track filters. */
    public Builder trackFilters(List<FeatureFilter> filters) {
      trackFilters.clear();
      trackFilters.addAll(filters);
      return this;
    }

    /** The LAP settings, or {@code null} for none (manual tracker). */
    public Builder lapSettings(LapSettings value) {
      this.lapSettings = value;
      return this;
    }

    /** {@code SPARSE_LAP_TRACKER} or {@code SIMPLE_SPARSE_LAP_TRACKER}. */
    public Builder trackerKey(String value) {
      if (!LapSettings.TRACKER_KEY.equals(value) && !LapSettings.SIMPLE_TRACKER_KEY.equals(value)) {
        throw new IllegalArgumentException(
            "tracker key must be " + LapSettings.TRACKER_KEY + " or "
                + LapSettings.SIMPLE_TRACKER_KEY + ", got " + value);
      }
      this.trackerKey = value;
      return this;
    }

    /**
     * BTrackmate's settings payload, or {@code null}.
     *
     * @throws IllegalArgumentException when it holds a character XML 1.0 cannot carry
     */
    public Builder btrackmateSettings(String value) {
      if (value != null) {
        XmlText.requireValid("BTrackmate settings", value);
      }
      this.btrackmateSettings = value;
      return this;
    }

    /** The log text; characters XML cannot carry are removed when writing. */
    public Builder log(String value) {
      this.log = Objects.requireNonNull(value, "log");
      return this;
    }

    /** Adds or replaces the declaration of a spot feature. */
    public Builder spotDeclaration(FeatureDeclaration declaration) {
      spotDeclarations.put(declaration.key(), declaration);
      return this;
    }

    /**
     * Sets a spot's ROI polygon: x0 y0 x1 y1 … relative to the spot centre, at least 3 points.
     *
     * @throws IllegalArgumentException on an odd length, fewer than 3 points or a non-finite value
     */
    public Builder roi(long spotId, double[] polygon) {
      if (polygon.length % 2 != 0 || polygon.length < 6) {
        throw new IllegalArgumentException(
            "spot " + spotId + ": an ROI needs >= 3 (x, y) points, got " + polygon.length + " numbers");
      }
      for (double v : polygon) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("spot " + spotId + ": ROI coordinates must be finite");
        }
      }
      rois.put(spotId, polygon.clone());
      return this;
    }

    /**
     * The document.
     *
     * @throws IllegalArgumentException when an ROI belongs to an unknown spot, or a spot's frame
     *     is outside the image's frames
     */
    public TrackMateDocument build() {
      for (Long id : rois.keySet()) {
        if (model.spots().get(id) == null) {
          throw new IllegalArgumentException("ROI for spot " + id + ", which is not in the model");
        }
      }
      if (image != null && !model.spots().byFrame().isEmpty()) {
        int last = model.spots().byFrame().lastKey();
        if (last >= image.nframes()) {
          throw new IllegalArgumentException(
              "the model has frame " + last + " but the image has only " + image.nframes() + " frames");
        }
      }
      return new TrackMateDocument(this);
    }
  }

  /** Mean spot radius, or 1 when there are no spots: the manual detector's default radius. */
  double meanRadius() {
    double sum = 0;
    int n = 0;
    for (List<Spot> frame : model.spots().byFrame().values()) {
      for (Spot s : frame) {
        if (Double.isFinite(s.radius())) {
          sum += s.radius();
          n++;
        }
      }
    }
    return n == 0 ? 1.0 : sum / n;
  }
}
