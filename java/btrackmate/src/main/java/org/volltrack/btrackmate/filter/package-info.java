/**
 * Spot filters: TrackMate feature filters ({@link org.volltrack.btrackmate.model.FeatureFilter}),
 * an ROI box, and the centroid-in-tissue test, combined by
 * {@link org.volltrack.btrackmate.filter.SpotFilters}. Filtering never removes a spot: it sets its
 * visibility, as TrackMate does. {@link org.volltrack.btrackmate.filter.FilterSettings} is the saved
 * form.
 */
package org.volltrack.btrackmate.filter;
