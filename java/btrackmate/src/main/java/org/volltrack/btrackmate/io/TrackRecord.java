package org.volltrack.btrackmate.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.volltrack.btrackmate.model.Link;

/**
 * One {@code Track} element as a file stores it: the file's TRACK_ID and name, the track features
 * the file holds (not recomputed), and the edges listed under it (oriented forward in time; edges
 * the reader skipped are not here). An immutable value.
 */
public final class TrackRecord {
  private final int id;
  private final String name;
  private final Map<String, Double> features;
  private final List<Link> links;

  /** A track record; the maps and lists are copied. */
  public TrackRecord(int id, String name, Map<String, Double> features, List<Link> links) {
    this.id = id;
    this.name = Objects.requireNonNull(name, "name");
    this.features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
    this.links = Collections.unmodifiableList(new ArrayList<>(links));
  }

  /** The file's TRACK_ID. */
  public int id() {
    return id;
  }

  /** The file's name ("Unnamed" when the file has none). */
  public String name() {
    return name;
  }

  /** The attributes of the Track element other than name, as numbers, in file order. */
  public Map<String, Double> features() {
    return features;
  }

  /** The track's edges, in file order. */
  public List<Link> links() {
    return links;
  }

  /** The IDs of the spots the edges join, sorted. */
  public Set<Long> spotIds() {
    Set<Long> out = new TreeSet<>();
    for (Link l : links) {
      out.add(l.source());
      out.add(l.target());
    }
    return out;
  }
}
