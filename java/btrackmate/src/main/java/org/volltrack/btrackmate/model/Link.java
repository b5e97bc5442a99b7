package org.volltrack.btrackmate.model;

/**
 * A directed edge between two spots, from the earlier frame to the later one, with its LAP cost
 * (TrackMate's {@code LINK_COST}; -1 for a link made by hand).
 */
public final class Link {
  private final long source;
  private final long target;
  private final double cost;

  public Link(long source, long target, double cost) {
    if (source == target) {
      throw new IllegalArgumentException("a link cannot join spot " + source + " to itself");
    }
    this.source = source;
    this.target = target;
    this.cost = cost;
  }

  public long source() {
    return source;
  }

  public long target() {
    return target;
  }

  public double cost() {
    return cost;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Link)) {
      return false;
    }
    Link l = (Link) o;
    return source == l.source && target == l.target && Double.compare(cost, l.cost) == 0;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(source) * 31 + Long.hashCode(target);
  }

  @Override
  public String toString() {
    return source + "->" + target + " (" + cost + ")";
  }
}
