package org.volltrack.btrackmate.settings;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import org.volltrack.btrackmate.filter.FilterSettings;
import org.volltrack.btrackmate.io.VoxelSize;

/**
 * Everything a BTrackmate run needs, immutable: the input (a {@code cells.csv}, a label image with
 * optional raw image, or an existing TrackMate XML file), an optional tissue mask, optional voxel size and frame interval overrides,
 * the spot filters, the minimum tracklet length, and the tracker settings as TrackMate's key → value
 * map (see {@link TrackerMap}; the LAP settings parse it and fill in TrackMate's defaults for absent
 * keys). Saved as the {@code --settings} JSON file by {@link SettingsJson}.
 *
 * <p>Rules checked by {@link Builder#build()}: exactly one of cells CSV, label image and TrackMate
 * XML; a raw image only with a label image; tracking off only with TrackMate XML input (whose links
 * are then kept); the centroid-in-tissue filter only with a mask; min tracklet length
 * &ge; 0; frame interval finite and &gt; 0; tracker keys known and of TrackMate's types. A mask may
 * come with either input: with a cells CSV it serves the centroid-in-tissue filter (its voxel size:
 * the override, else its own calibration).
 */
public final class BTrackmateSettings {

  /** Which kind of input a run reads. */
  public enum InputKind {
    /** A {@code cells.csv} table. */
    CELLS_CSV,
    /** A label image, with optional raw image. */
    LABEL_IMAGE,
    /**
     * An existing TrackMate XML file: its spots (every frame, empty ones included), its tracker
     * settings as the defaults under the run's tracker map, its spot filters, calibration and image.
     */
    TRACKMATE_XML
  }

  private final Path cellsCsv;
  private final Path labels;
  private final Path trackmateXml;
  private final Path raw;
  private final Path mask;
  private final VoxelSize voxelSize;
  private final Double frameInterval;
  private final FilterSettings filters;
  private final int minTrackletLength;
  private final boolean tracking;
  private final Map<String, Object> tracker;

  private BTrackmateSettings(Builder b) {
    this.cellsCsv = b.cellsCsv;
    this.labels = b.labels;
    this.trackmateXml = b.trackmateXml;
    this.raw = b.raw;
    this.mask = b.mask;
    this.voxelSize = b.voxelSize;
    this.frameInterval = b.frameInterval;
    this.filters = b.filters;
    this.minTrackletLength = b.minTrackletLength;
    this.tracking = b.tracking;
    this.tracker = TrackerMap.normalize(b.tracker);
  }

  /** An empty builder (no input yet, no filters, pruning off, tracker defaults). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised with these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.cellsCsv = cellsCsv;
    b.labels = labels;
    b.trackmateXml = trackmateXml;
    b.raw = raw;
    b.mask = mask;
    b.voxelSize = voxelSize;
    b.frameInterval = frameInterval;
    b.filters = filters;
    b.minTrackletLength = minTrackletLength;
    b.tracking = tracking;
    b.tracker = tracker;
    return b;
  }

  /** The kind of input. */
  public InputKind inputKind() {
    if (cellsCsv != null) {
      return InputKind.CELLS_CSV;
    }
    return labels != null ? InputKind.LABEL_IMAGE : InputKind.TRACKMATE_XML;
  }

  /** The input file: the cells CSV, the label image or the TrackMate XML file. */
  public Path input() {
    if (cellsCsv != null) {
      return cellsCsv;
    }
    return labels != null ? labels : trackmateXml;
  }

  /** The cells CSV, or {@code null} for label-image input. */
  public Path cellsCsv() {
    return cellsCsv;
  }

  /** The label image, or {@code null} for other input. */
  public Path labels() {
    return labels;
  }

  /** The TrackMate XML input file, or {@code null} for other input. */
  public Path trackmateXml() {
    return trackmateXml;
  }

  /** The raw image, or {@code null}. */
  public Path raw() {
    return raw;
  }

  /** The tissue mask, or {@code null}. */
  public Path mask() {
    return mask;
  }

  /** The voxel size override, or {@code null} to use the images' calibration. */
  public VoxelSize voxelSize() {
    return voxelSize;
  }

  /** The frame interval override, or {@code null} to use the calibration (1 when absent). */
  public Double frameInterval() {
    return frameInterval;
  }

  /** The spot filters. */
  public FilterSettings filters() {
    return filters;
  }

  /** Terminal post-division branches shorter than this many frames are pruned; 0 = off. */
  public int minTrackletLength() {
    return minTrackletLength;
  }

  /**
   * True (the default) to track the cells; false to keep the links of the TrackMate XML input as
   * they are (only re-filter and re-prune).
   */
  public boolean tracking() {
    return tracking;
  }

  /** TrackMate tracker key → value (Double, Integer, Boolean, Map&lt;String, Double&gt;), sorted, unmodifiable. */
  public Map<String, Object> tracker() {
    return tracker;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BTrackmateSettings)) {
      return false;
    }
    BTrackmateSettings s = (BTrackmateSettings) o;
    return Objects.equals(cellsCsv, s.cellsCsv) && Objects.equals(labels, s.labels)
        && Objects.equals(trackmateXml, s.trackmateXml) && tracking == s.tracking
        && Objects.equals(raw, s.raw) && Objects.equals(mask, s.mask)
        && Objects.equals(voxelSize, s.voxelSize) && Objects.equals(frameInterval, s.frameInterval)
        && filters.equals(s.filters) && minTrackletLength == s.minTrackletLength
        && tracker.equals(s.tracker);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cellsCsv, labels, trackmateXml, tracking, raw, mask, voxelSize, frameInterval, filters, minTrackletLength, tracker);
  }

  @Override
  public String toString() {
    return "BTrackmateSettings[cellsCsv=" + cellsCsv + ", labels=" + labels + ", trackmateXml="
        + trackmateXml + ", tracking=" + tracking + ", raw=" + raw
        + ", mask=" + mask + ", voxelSize=" + voxelSize + ", frameInterval=" + frameInterval
        + ", filters=" + filters + ", minTrackletLength=" + minTrackletLength + ", tracker=" + tracker + "]";
  }

  /** Builds {@link BTrackmateSettings}; checks on {@link #build()}. */
  public static final class Builder {
    private Path cellsCsv;
    private Path labels;
    private Path trackmateXml;
    private Path raw;
    private Path mask;
    private VoxelSize voxelSize;
    private Double frameInterval;
    private FilterSettings filters = FilterSettings.NONE;
    private int minTrackletLength;
    private boolean tracking = true;
    private Map<String, ?> tracker = Collections.emptyMap();

    private Builder() {}

    /** Read cells from this CSV. */
    public Builder cellsCsv(Path value) {
      this.cellsCsv = value;
      return this;
    }

    /** Read cells from this label image. */
    public Builder labels(Path value) {
      this.labels = value;
      return this;
    }

    /** Read cells (and their frames, calibration, tracker settings and filters) from this TrackMate XML file. */
    public Builder trackmateXml(Path value) {
      this.trackmateXml = value;
      return this;
    }

    /** Track (true, the default), or keep the links of the TrackMate XML input (false). */
    public Builder tracking(boolean value) {
      this.tracking = value;
      return this;
    }

    /** Measure intensities in this raw image (label-image input only). */
    public Builder raw(Path value) {
      this.raw = value;
      return this;
    }

    /** The tissue mask. */
    public Builder mask(Path value) {
      this.mask = value;
      return this;
    }

    /** Override the voxel size ({@code null}: use the calibration). */
    public Builder voxelSize(VoxelSize value) {
      this.voxelSize = value;
      return this;
    }

    /** Override the frame interval ({@code null}: use the calibration). */
    public Builder frameInterval(Double value) {
      this.frameInterval = value;
      return this;
    }

    /** The spot filters. */
    public Builder filters(FilterSettings value) {
      this.filters = Objects.requireNonNull(value, "filters");
      return this;
    }

    /** The minimum tracklet length in frames (0 = off). */
    public Builder minTrackletLength(int value) {
      this.minTrackletLength = value;
      return this;
    }

    /** The tracker settings map (TrackMate keys); absent keys take the tracker's defaults. */
    public Builder tracker(Map<String, ?> value) {
      this.tracker = Objects.requireNonNull(value, "tracker");
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException when a rule in the class description is broken
     */
    public BTrackmateSettings build() {
      int inputs = (cellsCsv != null ? 1 : 0) + (labels != null ? 1 : 0) + (trackmateXml != null ? 1 : 0);
      if (inputs == 0) {
        throw new IllegalArgumentException("no input: give a cells CSV, a label image or a TrackMate XML file");
      }
      if (inputs > 1) {
        throw new IllegalArgumentException("give one input: a cells CSV, a label image or a TrackMate XML file");
      }
      if (!tracking && trackmateXml == null) {
        throw new IllegalArgumentException("tracking can be turned off only for TrackMate XML input (whose links are kept)");
      }
      if (raw != null && labels == null) {
        throw new IllegalArgumentException("a raw image needs a label image; a cells CSV already holds intensities");
      }
      if (filters.centroidInTissue() && mask == null) {
        throw new IllegalArgumentException("the centroid-in-tissue filter needs a tissue mask");
      }
      if (minTrackletLength < 0) {
        throw new IllegalArgumentException("min tracklet length must be >= 0, got " + minTrackletLength);
      }
      if (frameInterval != null && (!(frameInterval > 0) || Double.isInfinite(frameInterval))) {
        throw new IllegalArgumentException("frame interval must be finite and > 0, got " + frameInterval);
      }
      return new BTrackmateSettings(this);
    }
  }
}
