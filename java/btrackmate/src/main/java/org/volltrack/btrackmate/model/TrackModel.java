package org.volltrack.btrackmate.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of tracking: spots, directed links (earlier frame → later frame) and the tracks they
 * form. Immutable. A track is one connected component of the link graph (as TrackMate's
 * {@code TrackModel}); spots without links belong to no track.
 *
 * <p>Track IDs are assigned 0, 1, 2, … in the order of each track's first spot by (frame, ID), so
 * they are deterministic for a given input.
 */
public final class TrackModel {

  private final SpotCollection spots;
  private final List<Link> links;
  private final List<Track> tracks;
  private final Map<Long, Integer> trackOfSpot;

  public TrackModel(SpotCollection spots, List<Link> links) {
    this.spots = spots;
    List<Link> sorted = new ArrayList<>(links);
    for (Link l : sorted) {
      Spot s = spots.get(l.source());
      Spot t = spots.get(l.target());
      if (s == null || t == null) {
        throw new IllegalArgumentException(
            "link " + l + " refers to spot " + (s == null ? l.source() : l.target()) + ", which does not exist");
      }
      if (s.frame() >= t.frame()) {
        throw new IllegalArgumentException(
            "link " + l + " must go forward in time, but goes from frame " + s.frame() + " to " + t.frame());
      }
    }
    sorted.sort(Comparator.comparingLong(Link::source).thenComparingLong(Link::target));
    for (int i = 1; i < sorted.size(); i++) {
      Link a = sorted.get(i - 1);
      Link b = sorted.get(i);
      if (a.source() == b.source() && a.target() == b.target()) {
        throw new IllegalArgumentException("duplicate link " + a.source() + "->" + a.target());
      }
    }
    this.links = Collections.unmodifiableList(sorted);
    this.trackOfSpot = new HashMap<>();
    this.tracks = Collections.unmodifiableList(components());
  }

  private List<Track> components() {
    // Union-find over the linked spots.
    Map<Long, Long> parent = new HashMap<>();
    for (Link l : links) {
      union(parent, l.source(), l.target());
    }
    Map<Long, List<Long>> members = new HashMap<>();
    for (Long id : parent.keySet()) {
      members.computeIfAbsent(find(parent, id), k -> new ArrayList<>()).add(id);
    }
    Map<Long, List<Link>> linksOf = new HashMap<>();
    for (Link l : links) {
      linksOf.computeIfAbsent(find(parent, l.source()), k -> new ArrayList<>()).add(l);
    }
    Comparator<Spot> byFrameThenId =
        Comparator.comparingInt(Spot::frame).thenComparingLong(Spot::id);
    List<List<Spot>> groups = new ArrayList<>();
    List<Long> roots = new ArrayList<>();
    for (Map.Entry<Long, List<Long>> e : members.entrySet()) {
      List<Spot> group = new ArrayList<>();
      for (Long id : e.getValue()) {
        group.add(spots.get(id));
      }
      group.sort(byFrameThenId);
      groups.add(group);
      roots.add(e.getKey());
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      order.add(i);
    }
    order.sort((a, b) -> byFrameThenId.compare(groups.get(a).get(0), groups.get(b).get(0)));
    List<Track> out = new ArrayList<>();
    for (int i : order) {
      int trackId = out.size();
      List<Spot> group = groups.get(i);
      for (Spot s : group) {
        trackOfSpot.put(s.id(), trackId);
      }
      out.add(new Track(trackId, group, linksOf.get(roots.get(i))));
    }
    return out;
  }

  private static long find(Map<Long, Long> parent, long x) {
    long root = x;
    while (parent.get(root) != root) {
      root = parent.get(root);
    }
    while (parent.get(x) != root) {
      long next = parent.get(x);
      parent.put(x, root);
      x = next;
    }
    return root;
  }

  private static void union(Map<Long, Long> parent, long a, long b) {
    parent.putIfAbsent(a, a);
    parent.putIfAbsent(b, b);
    long ra = find(parent, a);
    long rb = find(parent, b);
    if (ra != rb) {
      parent.put(Math.max(ra, rb), Math.min(ra, rb));
    }
  }

  public SpotCollection spots() {
    return spots;
  }

  /** Links sorted by (source, target). */
  public List<Link> links() {
    return links;
  }

  /** Tracks by track ID. */
  public List<Track> tracks() {
    return tracks;
  }

  /** The track ID of a spot, or {@code null} when the spot has no link. */
  public Integer trackOf(long spotId) {
    return trackOfSpot.get(spotId);
  }

  /** One connected component of the link graph. */
  public static final class Track {
    private final int id;
    private final List<Spot> spots;
    private final List<Link> links;

    Track(int id, List<Spot> spots, List<Link> links) {
      this.id = id;
      this.spots = Collections.unmodifiableList(spots);
      this.links = Collections.unmodifiableList(links);
    }

    public int id() {
      return id;
    }

    /** Spots sorted by (frame, ID). */
    public List<Spot> spots() {
      return spots;
    }

    /** Links sorted by (source, target). */
    public List<Link> links() {
      return links;
    }
  }
}
