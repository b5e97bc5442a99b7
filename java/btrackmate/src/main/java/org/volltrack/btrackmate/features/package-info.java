/**
 * TrackMate's feature declarations and the edge and track features BTrackmate computes for a
 * {@link org.volltrack.btrackmate.model.TrackModel}: {@link
 * org.volltrack.btrackmate.features.EdgeFeatureCalculator}, {@link
 * org.volltrack.btrackmate.features.TrackFeatureCalculator}, with TrackMate's definitions (spec
 * {@code trackmate.md} §2.4, §2.6).
 */
package org.volltrack.btrackmate.features;
