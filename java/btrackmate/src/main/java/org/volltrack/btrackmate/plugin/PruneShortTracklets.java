package org.volltrack.btrackmate.plugin;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.volltrack.btrackmate.settings.BTrackmateSettings;

/**
 * <i>Plugins › Tracking › BTrackmate › Prune short tracklets...</i>: re-prunes an existing TrackMate
 * XML (from BTrackmate or from TrackMate itself) with a new minimum tracklet length and writes a
 * new TrackMate XML.
 *
 * <p>By default the file's links are kept and only terminal post-division branches shorter than
 * {@code min_tracklet_length} frames are removed (the file's own spot filters still apply). A
 * pruning can only remove links; to go back to a smaller length, check {@code retrack}: the
 * file's spots are tracked again with the file's tracker settings, then pruned.
 *
 * <p>Macro: {@code run("Prune short tracklets...", "tracks=/data/tracks.xml
 * out=/data/pruned.xml min_tracklet_length=4")}; add {@code retrack} to re-track first.
 */
public final class PruneShortTracklets extends Command {

  /** The menu entry without "...". */
  public static final String NAME = "Prune short tracklets";

  static final String TRACKS = "tracks";
  static final String OUT = "out";
  static final String RETRACK = "retrack";

  private static final List<Field> FIELDS =
      Collections.unmodifiableList(
          Arrays.asList(
              Field.file("Tracks (TrackMate XML)", "the TrackMate XML to prune (BTrackmate's or TrackMate's)"),
              Field.file("Out (tracks.xml)", "the TrackMate XML to write (may be the input; replaced atomically)"),
              Field.number("Min_tracklet_length (frames)", "3",
                  "prune post-division branches shorter than this many frames (whole number; 0 = off)"),
              Field.checkbox("Retrack (with the file's tracker settings)", false,
                  "track the file's spots again before pruning (restores links an earlier pruning removed)")));

  /** Called by ImageJ. */
  public PruneShortTracklets() {
    super(NAME, "Remove post-division branches shorter than a number of frames from a TrackMate XML.", FIELDS, OUT);
  }

  @Override
  BTrackmateSettings settings(Values v) {
    return BTrackmateSettings.builder()
        .trackmateXml(v.requiredFile(TRACKS, "the TrackMate XML file"))
        .tracking(v.isChecked(RETRACK))
        .minTrackletLength(TrackerFields.minTrackletLength(v))
        .build();
  }
}
