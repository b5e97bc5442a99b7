package org.volltrack.btrackmate.features;

import java.util.Objects;

/**
 * The declaration of one feature: key, long name, short name, dimension and whether it is an
 * integer. TrackMate saves it as {@code <Feature feature name shortname dimension isint/>}. An
 * immutable value.
 */
public final class FeatureDeclaration {
  private final String key;
  private final String name;
  private final String shortName;
  private final FeatureDimension dimension;
  private final boolean isInt;

  /**
   * A declaration.
   *
   * @throws IllegalArgumentException when the key is empty or a field is null
   */
  public FeatureDeclaration(
      String key, String name, String shortName, FeatureDimension dimension, boolean isInt) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("a feature declaration needs a key");
    }
    if (name == null || shortName == null || dimension == null) {
      throw new IllegalArgumentException("feature " + key + ": name, shortname and dimension are required");
    }
    this.key = key;
    this.name = name;
    this.shortName = shortName;
    this.dimension = dimension;
    this.isInt = isInt;
  }

  /** A declaration for a feature nothing is known about: names equal to the key, NONE, not int. */
  public static FeatureDeclaration generic(String key) {
    return new FeatureDeclaration(key, key, key, FeatureDimension.NONE, false);
  }

  /** The feature key, e.g. {@code POSITION_X}. */
  public String key() {
    return key;
  }

  /** The long name. */
  public String name() {
    return name;
  }

  /** The short name. */
  public String shortName() {
    return shortName;
  }

  /** The dimension. */
  public FeatureDimension dimension() {
    return dimension;
  }

  /** Whether values are integers (written without a decimal point). */
  public boolean isInt() {
    return isInt;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FeatureDeclaration)) {
      return false;
    }
    FeatureDeclaration d = (FeatureDeclaration) o;
    return key.equals(d.key)
        && name.equals(d.name)
        && shortName.equals(d.shortName)
        && dimension == d.dimension
        && isInt == d.isInt;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, name, shortName, dimension, isInt);
  }

  @Override
  public String toString() {
    return key + " (" + name + ", " + shortName + ", " + dimension + (isInt ? ", int" : "") + ")";
  }
}
