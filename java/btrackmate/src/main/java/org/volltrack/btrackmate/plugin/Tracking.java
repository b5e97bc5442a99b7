package org.volltrack.btrackmate.plugin;

import java.io.IOException;
import java.nio.file.Path;
import org.volltrack.btrackmate.BTrackmate;
import org.volltrack.btrackmate.BTrackmateResult;
import org.volltrack.btrackmate.settings.BTrackmateSettings;
import org.volltrack.btrackmate.tracking.TrackingProgress;

/** The tracking commands' common step: the Java API's run, then its atomic write. */
final class Tracking {

  private Tracking() {}

  /** Runs BTrackmate with {@code settings} and writes the TrackMate XML to {@code out}. */
  static Outcome run(BTrackmateSettings settings, Path out, TrackingProgress progress) throws IOException {
    BTrackmateResult result = BTrackmate.run(settings, progress);
    BTrackmate.write(result, out);
    return new Outcome(out, summary(result));
  }

  static String summary(BTrackmateResult r) {
    return r.spotCount() + " cells (" + r.visibleSpotCount() + " visible after filtering), "
        + r.linkCount() + " links (" + r.prunedLinkCount() + " pruned), " + r.trackCount() + " tracks";
  }
}
