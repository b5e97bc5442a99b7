package org.volltrack.btrackmate.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * All spots of a movie, grouped by frame: immutable.
 *
 * <p>The set of frames is explicit and may contain empty frames. That matters: TrackMate links
 * consecutive <em>frame keys</em>, so an empty frame that is present stops links across it while an
 * absent frame is bridged (spec §1.4). Spot IDs are unique across the collection. Within a frame,
 * spots are kept in ID order.
 */
public final class SpotCollection {

  /**
   * The most frames a movie may have (frame indices 0 … {@code MAX_FRAMES − 1}). Every frame up to
   * the last one is kept (and written to TrackMate XML), so a bound on the frame index keeps memory
   * and files bounded: one cell at frame 2,000,000,000 would otherwise ask for two billion frames.
   */
  public static final int MAX_FRAMES = 1_000_000;

  private final NavigableMap<Integer, List<Spot>> byFrame;
  private final Map<Long, Spot> byId;

  private SpotCollection(NavigableMap<Integer, List<Spot>> byFrame, Map<Long, Spot> byId) {
    this.byFrame = byFrame;
    this.byId = byId;
  }

  /**
   * A collection of the given spots, with an entry for every frame from {@code firstFrame} to
   * {@code lastFrame} (inclusive) plus every frame a spot is in, as a TrackMate detection run makes.
   * Pass {@code firstFrame > lastFrame} to create entries only for frames that hold spots.
   *
   * @throws IllegalArgumentException on a duplicated spot ID
   */
  public static SpotCollection of(Collection<Spot> spots, int firstFrame, int lastFrame) {
    NavigableMap<Integer, List<Spot>> frames = new TreeMap<>();
    for (int f = Math.max(0, firstFrame); f <= lastFrame; f++) {
      frames.put(f, new ArrayList<>());
    }
    return build(spots, frames);
  }

  /** A collection with entries only for the frames that hold spots. */
  public static SpotCollection of(Collection<Spot> spots) {
    return build(spots, new TreeMap<>());
  }

  /**
   * A collection with exactly these frame entries (some may be empty) and these spots.
   *
   * @throws IllegalArgumentException when a spot's frame is not among {@code frames}
   */
  public static SpotCollection ofFrames(Collection<Integer> frames, Collection<Spot> spots) {
    NavigableMap<Integer, List<Spot>> map = new TreeMap<>();
    for (int f : frames) {
      map.put(f, new ArrayList<>());
    }
    for (Spot s : spots) {
      if (!map.containsKey(s.frame())) {
        throw new IllegalArgumentException(
            "spot " + s.id() + " is in frame " + s.frame() + ", which is not among the frames");
      }
    }
    return build(spots, map);
  }

  private static SpotCollection build(Collection<Spot> spots, NavigableMap<Integer, List<Spot>> frames) {
    Map<Long, Spot> ids = new HashMap<>(spots.size() * 2);
    for (Spot s : spots) {
      if (ids.put(s.id(), s) != null) {
        throw new IllegalArgumentException("duplicate spot id " + s.id());
      }
      frames.computeIfAbsent(s.frame(), k -> new ArrayList<>()).add(s);
    }
    NavigableMap<Integer, List<Spot>> frozen = new TreeMap<>();
    for (Map.Entry<Integer, List<Spot>> e : frames.entrySet()) {
      List<Spot> list = e.getValue();
      Collections.sort(list);
      frozen.put(e.getKey(), Collections.unmodifiableList(list));
    }
    return new SpotCollection(
        Collections.unmodifiableNavigableMap(frozen), Collections.unmodifiableMap(ids));
  }

  /** Frame → spots in that frame (ID order), frames ascending, empty frames included. */
  public NavigableMap<Integer, List<Spot>> byFrame() {
    return byFrame;
  }

  /** The spots of one frame (ID order); empty when the frame is absent or empty. */
  public List<Spot> inFrame(int frame) {
    List<Spot> l = byFrame.get(frame);
    return l == null ? Collections.<Spot>emptyList() : l;
  }

  /** The spot with this ID, or {@code null}. */
  public Spot get(long id) {
    return byId.get(id);
  }

  public int size() {
    return byId.size();
  }

  /** Every spot, by frame then ID. */
  public List<Spot> all() {
    List<Spot> out = new ArrayList<>(byId.size());
    for (List<Spot> l : byFrame.values()) {
      out.addAll(l);
    }
    return out;
  }

  /** A copy in which every spot is replaced by {@code f(spot)} (same ID and frame required). */
  public SpotCollection map(java.util.function.UnaryOperator<Spot> f) {
    List<Spot> out = new ArrayList<>(byId.size());
    for (Spot s : all()) {
      Spot t = f.apply(s);
      if (t.id() != s.id() || t.frame() != s.frame()) {
        throw new IllegalArgumentException("mapping must keep spot id and frame: " + s + " -> " + t);
      }
      out.add(t);
    }
    return ofFrames(byFrame.keySet(), out);
  }
}
