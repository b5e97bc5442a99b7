package org.volltrack.btrackmate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.volltrack.btrackmate.filter.FilterSettings;
import org.volltrack.btrackmate.io.BadInputException;
import org.volltrack.btrackmate.io.TrackMateXmlException;
import org.volltrack.btrackmate.io.TrackMateXmlReader;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.settings.BTrackmateSettings;
import org.volltrack.btrackmate.settings.SettingsJson;
import org.volltrack.btrackmate.tracking.LapSettings;

/**
 * Combines the sources of a run's settings, each over the one before: defaults, then the {@code
 * --settings} JSON file, then the TrackerSettings of {@code --tracker-settings} (every TrackMate LAP
 * key it holds), then the flags.
 *
 * <p>What a flag replaces: an input flag ({@code --cells}, {@code --labels}, {@code --xml})
 * replaces the file's input (and its raw image); {@code --raw}, {@code --mask}, {@code
 * --voxel-size}, {@code --time-interval}, {@code --min-tracklet-length}, {@code --roi} and each
 * tracker key replace the file's value; filter flags ({@code --filter}, {@code --min-volume}, …)
 * are added after the file's feature filters; {@code --centroid-in-tissue} and {@code --no-tracking}
 * switch on.
 */
final class EffectiveSettings {

  private EffectiveSettings() {}

  /**
   * The settings of the run.
   *
   * @throws BadInputException when a settings file is invalid, or the combination breaks a rule of
   *     {@link BTrackmateSettings} (the source is then "command line")
   * @throws IOException on a failure to read an existing file
   */
  static BTrackmateSettings of(CommandLine c) throws IOException {
    BTrackmateSettings base = c.settingsFile == null ? null : SettingsJson.read(c.settingsFile);
    BTrackmateSettings.Builder b = base == null ? BTrackmateSettings.builder() : base.toBuilder();
    Map<String, Object> tracker = new LinkedHashMap<>();
    if (base != null) {
      tracker.putAll(base.tracker());
    }
    if (c.trackerSettingsFile != null) {
      tracker.putAll(trackerSettings(c.trackerSettingsFile).toTrackMateMap());
    }
    tracker.putAll(c.tracker);
    b.tracker(tracker);

    if (c.hasInputFlag()) {
      b.cellsCsv(c.cells).labels(c.labels).trackmateXml(c.xml).raw(null);
    }
    if (c.raw != null) {
      b.raw(c.raw);
    }
    if (c.mask != null) {
      b.mask(c.mask);
    }
    if (c.voxelSize != null) {
      b.voxelSize(c.voxelSize);
    }
    if (c.timeInterval != null) {
      b.frameInterval(c.timeInterval);
    }
    if (c.minTrackletLength != null) {
      b.minTrackletLength(c.minTrackletLength);
    }
    if (c.noTracking) {
      b.tracking(false);
    }
    FilterSettings f = base == null ? FilterSettings.NONE : base.filters();
    List<FeatureFilter> features = new ArrayList<>(f.featureFilters());
    features.addAll(c.filters);
    b.filters(
        new FilterSettings(
            features, c.roi != null ? c.roi : f.roi(), f.centroidInTissue() || c.centroidInTissue));
    try {
      return b.build();
    } catch (BadInputException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          c.settingsFile == null ? "command line" : c.settingsFile + " with the command line", "", e.getMessage(), e);
    }
  }

  /** The LAP settings of a TrackMate XML file's TrackerSettings. */
  private static LapSettings trackerSettings(Path file) throws IOException {
    String source = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(source, "", "file not found; expected a TrackMate XML file (--tracker-settings)");
    }
    LapSettings lap;
    try {
      lap = TrackMateXmlReader.read(file).document().lapSettings();
    } catch (TrackMateXmlException e) {
      throw new BadInputException(source, e.where(), e.problem(), e);
    }
    if (lap == null) {
      throw new BadInputException(
          source, "<TrackerSettings>", "no readable LAP tracker settings (SPARSE_LAP_TRACKER); expected a file tracked with TrackMate's LAP tracker");
    }
    return lap;
  }
}
