package org.volltrack.btrackmate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.volltrack.btrackmate.features.FeatureDeclaration;
import org.volltrack.btrackmate.io.BadInputException;
import org.volltrack.btrackmate.io.ImageGeometry;
import org.volltrack.btrackmate.io.ImageInfo;
import org.volltrack.btrackmate.io.TrackMateDocument;
import org.volltrack.btrackmate.io.TrackMateXmlWriter;
import org.volltrack.btrackmate.io.VoxelSize;
import org.volltrack.btrackmate.model.Calibration;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;
import org.volltrack.btrackmate.pruning.TrackletPruner;
import org.volltrack.btrackmate.settings.BTrackmateSettings;
import org.volltrack.btrackmate.settings.CellsInput;
import org.volltrack.btrackmate.settings.LoadedCells;
import org.volltrack.btrackmate.settings.SettingsJson;
import org.volltrack.btrackmate.tracking.LapSettings;
import org.volltrack.btrackmate.tracking.SparseLapTracker;
import org.volltrack.btrackmate.tracking.TrackingProgress;

/**
 * BTrackmate's one entry point: cells in, TrackMate XML out.
 *
 * <pre>{@code
 * BTrackmateSettings settings = BTrackmateSettings.builder()
 *     .cellsCsv(Paths.get("cells.csv"))
 *     .tracker(Collections.singletonMap("ALLOW_TRACK_SPLITTING", true))
 *     .minTrackletLength(3)
 *     .build();
 * BTrackmateResult result = BTrackmate.run(settings, TrackingProgress.NONE);
 * BTrackmate.write(result, Paths.get("tracks.xml"));
 * }</pre>
 *
 * <p>The pipeline of {@link #run}: read the cells the settings name (a {@code cells.csv}, a label
 * image with optional raw image and tissue mask, or an existing TrackMate XML file) and apply the
 * filters (filtered cells stay, invisible); check that every spot ID fits TrackMate's int IDs and
 * that every visible cell has the features the active penalty maps name; track the visible cells
 * with TrackMate's sparse LAP tracker ({@link LapSettings#fromMap} of the settings' tracker map
 * over TrackMate's defaults, or over the TrackMate XML input's own tracker settings), or keep the
 * XML input's links when tracking is off;
 * prune terminal post-division branches shorter than the minimum tracklet length; build the
 * TrackMate document: calibration and {@code ImageData} (from the label image, else from the
 * voxel-size and frame-interval settings), the feature filters in {@code SpotFilterCollection}, the
 * LAP settings in {@code TrackerSettings}, and the complete settings as JSON ({@link SettingsJson})
 * in the {@code BTrackmate} element, so that a file can be re-run exactly. With TrackMate XML
 * input the file's calibration (unless overridden), image, detector settings, spot feature
 * declarations, ROIs and spot filters are carried over; its track filters are not (BTrackmate
 * does not apply track filters: every track is written as visible).
 *
 * <p>Spot IDs: TrackMate's spot {@code ID} is a Java {@code int}; a cell whose ID is outside
 * 0..2147483647 is refused with a {@link BadInputException} before any tracking (IDs are never
 * truncated or renumbered silently).
 *
 * <p>The class holds no state; runs on different threads are independent.
 */
public final class BTrackmate {

  /** Space unit written for {@code cells.csv} input, whose positions are physical (µm). */
  public static final String CSV_SPACE_UNIT = "micron";
  /** Time unit written when a frame interval is given for {@code cells.csv} input. */
  public static final String CSV_TIME_UNIT = "sec";
  /** Time unit written when no frame interval is known (1 frame per time step). */
  public static final String FRAME_TIME_UNIT = "frame";

  private BTrackmate() {}

  /**
   * Runs BTrackmate with every available processor.
   *
   * @see #run(BTrackmateSettings, TrackingProgress, int)
   */
  public static BTrackmateResult run(BTrackmateSettings settings, TrackingProgress progress)
      throws IOException {
    return run(settings, progress, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Runs BTrackmate: read and filter the cells, track, prune, and build the TrackMate document.
   * Nothing is written; see {@link #write}.
   *
   * @param settings what to read, how to filter, track and prune
   * @param progress receives progress reports (fraction in [0, 1] and a message) on the calling
   *     thread; {@link TrackingProgress#NONE} for none
   * @param threads worker threads for tracking (&ge; 1); the result does not depend on it
   * @return the result; never {@code null}
   * @throws BadInputException when an input file is missing or invalid, a spot ID does not fit
   *     TrackMate's int IDs, or the tracker settings do not fit the cells (e.g. a feature penalty
   *     on a feature the cells lack)
   * @throws IOException on a failure to read an existing file
   * @throws IllegalArgumentException when {@code threads} &lt; 1
   */
  public static BTrackmateResult run(
      BTrackmateSettings settings, TrackingProgress progress, int threads) throws IOException {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(progress, "progress");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    LapSettings.fromMap(settings.tracker()); // fail on bad settings before reading anything
    progress.progress(0.0, "Reading cells");
    LoadedCells cells = CellsInput.load(settings);
    TrackMateDocument source = cells.trackmateSource();
    LapSettings lap = lapSettings(settings, source);
    SpotCollection spots = cells.spots();
    checkIds(spots, inputName(settings));
    checkFilterFeatures(settings, source, spots);
    if (settings.tracking()) {
      checkPenaltyFeatures(spots, lap, inputName(settings));
    }
    TrackModel tracked;
    if (settings.tracking()) {
      tracked = track(settings, spots, lap, progress, threads);
    } else {
      progress.progress(0.05, "Keeping the file's links");
      tracked = new TrackModel(spots, source.model().links());
    }
    progress.progress(0.95, "Pruning short tracklets");
    TrackModel pruned = new TrackletPruner(settings.minTrackletLength()).prune(tracked);
    TrackMateDocument document = document(settings, cells, lap, pruned);
    progress.progress(1.0, "Done");
    return new BTrackmateResult(settings, spots, lap, pruned, document, tracked.links().size());
  }

  /**
   * The LAP settings of a run: the run's tracker map over the TrackMate XML input's tracker
   * settings (when it has LAP settings), over TrackMate's defaults.
   */
  private static LapSettings lapSettings(BTrackmateSettings settings, TrackMateDocument source) {
    if (source == null || source.lapSettings() == null) {
      return LapSettings.fromMap(settings.tracker());
    }
    Map<String, Object> merged = new LinkedHashMap<>(source.lapSettings().toMap());
    merged.putAll(settings.tracker());
    return LapSettings.fromMap(merged);
  }

  private static TrackModel track(
      BTrackmateSettings settings,
      SpotCollection spots,
      LapSettings lap,
      TrackingProgress progress,
      int threads) {
    SparseLapTracker tracker =
        SparseLapTracker.builder()
            .threads(threads)
            .progress((f, message) -> progress.progress(Math.min(0.95, 0.05 + 0.9 * f), message))
            .build();
    TrackModel tracked;
    try {
      tracked = tracker.trackModel(spots, lap);
    } catch (BadInputException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // e.g. a penalty on a feature some cell lacks: the cells do not fit the tracker settings
      throw new BadInputException(inputName(settings), "tracking", e.getMessage(), e);
    }
    return tracked;
  }

  /**
   * Writes the result's TrackMate XML atomically (temporary file, then rename): on failure an
   * existing {@code out} is left untouched and no partial file remains.
   *
   * @throws IOException when the folder cannot be written
   */
  public static void write(BTrackmateResult result, Path out) throws IOException {
    TrackMateXmlWriter.write(result.document(), out);
  }

  private static String inputName(BTrackmateSettings s) {
    return String.valueOf(s.input());
  }

  private static void checkIds(SpotCollection spots, String source) {
    for (Spot s : spots.all()) {
      if (s.id() < 0 || s.id() > Integer.MAX_VALUE) {
        throw new BadInputException(
            source, "spot id " + s.id(),
            "TrackMate spot IDs are Java ints; expected an id in 0..2147483647");
      }
    }
  }

  /**
   * A feature filter on a feature that no cell has would hide every cell: almost surely a typo or a
   * filter meant for another input (e.g. INSIDE_TISSUE without a mask), so it is refused.
   */
  private static void checkFilterFeatures(
      BTrackmateSettings settings, TrackMateDocument source, SpotCollection spots) {
    List<FeatureFilter> filters = new ArrayList<>(settings.filters().featureFilters());
    if (source != null) {
      filters.addAll(source.spotFilters());
    }
    if (filters.isEmpty() || spots.size() == 0) {
      return;
    }
    java.util.Set<String> present = new java.util.TreeSet<>();
    for (Spot s : spots.all()) {
      present.addAll(s.features().keySet());
    }
    Spot any = spots.all().get(0);
    for (FeatureFilter f : filters) {
      // fixed fields (POSITION_X, QUALITY, RADIUS, ...) are features of every spot
      boolean found = present.contains(f.feature()) || any.feature(f.feature()) != null;
      if (!found) {
        throw new BadInputException(
            inputName(settings), "filter " + f,
            "no cell has the feature " + f.feature() + "; the cells have " + present
                + " besides POSITION_X/Y/Z, FRAME, RADIUS, QUALITY");
      }
    }
  }

  /** Every visible spot must carry the features the active penalty maps name (TrackMate would fail). */
  private static void checkPenaltyFeatures(SpotCollection spots, LapSettings lap, String source) {
    Map<String, String> needed = new LinkedHashMap<>();
    for (String f : lap.linkingFeaturePenalties().keySet()) {
      needed.put(f, LapSettings.LINKING_FEATURE_PENALTIES);
    }
    if (lap.allowGapClosing()) {
      for (String f : lap.gapClosingFeaturePenalties().keySet()) {
        needed.putIfAbsent(f, LapSettings.GAP_CLOSING_FEATURE_PENALTIES);
      }
    }
    if (lap.allowTrackSplitting()) {
      for (String f : lap.splittingFeaturePenalties().keySet()) {
        needed.putIfAbsent(f, LapSettings.SPLITTING_FEATURE_PENALTIES);
      }
    }
    if (lap.allowTrackMerging()) {
      for (String f : lap.mergingFeaturePenalties().keySet()) {
        needed.putIfAbsent(f, LapSettings.MERGING_FEATURE_PENALTIES);
      }
    }
    if (needed.isEmpty()) {
      return;
    }
    for (Spot s : spots.all()) {
      if (!s.visible()) {
        continue;
      }
      for (Map.Entry<String, String> e : needed.entrySet()) {
        if (s.feature(e.getKey()) == null) {
          throw new BadInputException(
              source, "spot id " + s.id(),
              "has no feature " + e.getKey() + ", which " + e.getValue() + " names; give it to every cell or drop the penalty");
        }
      }
    }
  }

  private static TrackMateDocument document(
      BTrackmateSettings settings, LoadedCells cells, LapSettings lap, TrackModel model) {
    ImageGeometry geometry = cells.geometry();
    TrackMateDocument source = cells.trackmateSource();
    if (source != null) {
      return fromTrackMateFile(settings, source, lap, model);
    }
    Calibration calibration;
    ImageInfo image = null;
    if (geometry != null) {
      calibration = geometry.calibration();
      image = geometry.imageInfo(settings.labels());
    } else {
      VoxelSize vs = settings.voxelSize();
      Double dt = settings.frameInterval();
      calibration =
          Calibration.of(
              vs == null ? 1 : vs.x(), vs == null ? 1 : vs.y(), vs == null ? 1 : vs.z(),
              dt == null ? 1 : dt, CSV_SPACE_UNIT, dt == null ? FRAME_TIME_UNIT : CSV_TIME_UNIT);
    }
    return TrackMateDocument.builder(model)
        .calibration(calibration)
        .image(image)
        .spotFilters(settings.filters().featureFilters())
        .lapSettings(lap)
        .btrackmateSettings(SettingsJson.toJson(settings))
        .log(log(model))
        .build();
  }

  /** A document that keeps what the input file says (calibration, image, detector, filters, ROIs). */
  private static TrackMateDocument fromTrackMateFile(
      BTrackmateSettings settings, TrackMateDocument source, LapSettings lap, TrackModel model) {
    Calibration c = source.calibration();
    VoxelSize vs = settings.voxelSize();
    Double dt = settings.frameInterval();
    Calibration calibration =
        Calibration.of(
            vs == null ? c.dx() : vs.x(), vs == null ? c.dy() : vs.y(), vs == null ? c.dz() : vs.z(),
            dt == null ? c.dt() : dt, c.spaceUnit(), c.timeUnit());
    List<FeatureFilter> spotFilters = new ArrayList<>(source.spotFilters());
    spotFilters.addAll(settings.filters().featureFilters());
    TrackMateDocument.Builder b =
        TrackMateDocument.builder(model)
            .calibration(calibration)
            .image(source.image())
            .detector(source.detector())
            .initialQualityThreshold(source.initialQualityThreshold())
            .spotFilters(spotFilters)
            .lapSettings(lap)
            .btrackmateSettings(SettingsJson.toJson(settings))
            .log(log(model));
    for (FeatureDeclaration d : source.spotDeclarations().values()) {
      b.spotDeclaration(d);
    }
    for (Long id : source.roiSpotIds()) {
      b.roi(id, source.roi(id));
    }
    return b.build();
  }

  private static String log(TrackModel model) {
    int visible = 0;
    for (Spot s : model.spots().all()) {
      if (s.visible()) {
        visible++;
      }
    }
    return "BTrackmate " + Version.get() + ": " + model.spots().size() + " cells (" + visible
        + " visible after filtering), " + model.links().size() + " links, " + model.tracks().size()
        + " tracks.\n";
  }
}
