package org.volltrack.btrackmate.tracking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;

/**
 * TrackMate's LAP tracker ({@code SPARSE_LAP_TRACKER}), giving the same links and link costs
 * (spec §1): frame-to-frame linking between consecutive frame keys, then gap closing, merging and
 * splitting between the resulting segments, each step one sparse linear assignment problem solved
 * by {@link LAPJV} with rows and columns in spot-ID order.
 *
 * <p>Only visible spots are tracked. Candidates are found with a k-d tree (TrackMate compares all
 * pairs); the links do not depend on that, nor on the number of threads. An instance holds only
 * its configuration and may be used from several threads; each call to {@link #track} creates and
 * shuts down its own daemon worker threads.
 *
 * <pre>{@code
 * List<Link> links = SparseLapTracker.create().track(spots, LapSettings.defaults());
 * }</pre>
 */
public final class SparseLapTracker {

  /** How candidate links are found. */
  public enum CandidateSearch {
    /** k-d trees (per frame) searched by distance when that is exact; the default. */
    INDEXED,
    /** TrackMate's loops over all pairs: slow, for verification. */
    EXHAUSTIVE
  }

  private final int threads;
  private final TrackingProgress progress;
  private final CandidateSearch search;

  private SparseLapTracker(Builder b) {
    this.threads = b.threads;
    this.progress = b.progress;
    this.search = b.search;
  }

  /** A tracker using all available processors, no progress reports, indexed search. */
  public static SparseLapTracker create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public int threads() {
    return threads;
  }

  public CandidateSearch candidateSearch() {
    return search;
  }

  /**
   * Tracks the visible spots of {@code spots}.
   *
   * @return the links, step-1 links first (frame pair by frame pair), then step-2 links; each
   *     link's cost is TrackMate's {@code LINK_COST}
   * @throws IllegalArgumentException when a visible spot lacks a feature that an active penalty
   *     map names (TrackMate fails with a NullPointerException there), or when a penalty makes a
   *     link cost exactly 0
   * @throws java.util.concurrent.CancellationException when the calling thread is interrupted
   */
  public List<Link> track(SpotCollection spots, LapSettings settings) {
    if (spots == null || settings == null) {
      throw new IllegalArgumentException("spots and settings must not be null");
    }
    final SpotTable table = new SpotTable(spots);
    PenaltyCost linkCost =
        new PenaltyCost(
            table, settings.linkingFeaturePenalties(), LapSettings.LINKING_FEATURE_PENALTIES);
    PenaltyCost gapCost =
        settings.allowGapClosing()
            ? new PenaltyCost(
                table,
                settings.gapClosingFeaturePenalties(),
                LapSettings.GAP_CLOSING_FEATURE_PENALTIES)
            : null;
    PenaltyCost mergeCost =
        settings.allowTrackMerging()
            ? new PenaltyCost(
                table, settings.mergingFeaturePenalties(), LapSettings.MERGING_FEATURE_PENALTIES)
            : null;
    PenaltyCost splitCost =
        settings.allowTrackSplitting()
            ? new PenaltyCost(
                table,
                settings.splittingFeaturePenalties(),
                LapSettings.SPLITTING_FEATURE_PENALTIES)
            : null;
    boolean exhaustive = search == CandidateSearch.EXHAUSTIVE;
    final boolean step2 = settings.anySegmentLinking();
    final double step1Share = step2 ? 0.6 : 1.0;

    ExecutorService executor =
        threads > 1 ? Executors.newFixedThreadPool(threads, new DaemonThreads()) : null;
    try {
      TaskRunner runner = new TaskRunner(executor);
      progress.progress(0, "Frame-to-frame linking");
      CandidateList links =
          FrameToFrameLinker.link(
              table,
              settings,
              linkCost,
              exhaustive,
              runner,
              (done, total) ->
                  progress.progress(
                      step1Share * done / total, "Frame-to-frame linking"));
      if (step2) {
        progress.progress(step1Share, "Segment linking: candidates");
        CandidateList segmentLinks =
            SegmentLinker.link(
                table,
                settings,
                links,
                gapCost,
                mergeCost,
                splitCost,
                exhaustive,
                runner,
                (done, total) ->
                    progress.progress(
                        step1Share + 0.2 * done / total, "Segment linking: candidates"));
        links.addAll(segmentLinks);
      }
      progress.progress(1, "Tracking done");
      List<Link> out = new ArrayList<>(links.size);
      for (int k = 0; k < links.size; k++) {
        out.add(new Link(table.id[links.source[k]], table.id[links.target[k]], links.cost[k]));
      }
      return Collections.unmodifiableList(out);
    } finally {
      if (executor != null) {
        executor.shutdownNow();
      }
    }
  }

  /** {@link #track} wrapped in a {@link TrackModel} (tracks = connected components). */
  public TrackModel trackModel(SpotCollection spots, LapSettings settings) {
    return new TrackModel(spots, track(spots, settings));
  }

  /** Daemon worker threads, so that a tracker never keeps the JVM alive. */
  private static final class DaemonThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "btrackmate-lap-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }

  /** Configures a {@link SparseLapTracker}. */
  public static final class Builder {
    private int threads = Runtime.getRuntime().availableProcessors();
    private TrackingProgress progress = TrackingProgress.NONE;
    private CandidateSearch search = CandidateSearch.INDEXED;

    private Builder() {}

    /** Worker threads, ≥ 1 (1: everything on the calling thread). */
    public Builder threads(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + value);
      }
      this.threads = value;
      return this;
    }

    /** Progress reports, on the calling thread. */
    public Builder progress(TrackingProgress value) {
      if (value == null) {
        throw new IllegalArgumentException("progress must not be null; use TrackingProgress.NONE");
      }
      this.progress = value;
      return this;
    }

    public Builder candidateSearch(CandidateSearch value) {
      if (value == null) {
        throw new IllegalArgumentException("candidate search must not be null");
      }
      this.search = value;
      return this;
    }

    public SparseLapTracker build() {
      return new SparseLapTracker(this);
    }
  }
}
