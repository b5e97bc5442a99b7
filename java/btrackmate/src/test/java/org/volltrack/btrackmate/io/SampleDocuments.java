package org.volltrack.btrackmate.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.volltrack.btrackmate.features.FeatureDeclaration;
import org.volltrack.btrackmate.features.FeatureDimension;
import org.volltrack.btrackmate.model.Calibration;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;
import org.volltrack.btrackmate.tracking.LapSettings;

/** Small documents that exercise every part of the format. */
final class SampleDocuments {

  private SampleDocuments() {}

  /**
   * Frames 0..5 with frame 4 empty; a dividing track (1 → 2 → {3, 4}), a track with a gap
   * (10 → 11 ⇢ 12, frames 0, 1, 3), a lone spot (20), an invisible spot (21); extra features with
   * NaN, ±Infinity, an integer feature and a non-integral value of a declared-int feature.
   */
  static TrackMateDocument full() {
    List<Spot> spots = new ArrayList<>();
    spots.add(
        Spot.builder(1, 0, 10.5, 20.25, 3.0)
            .radius(4.5)
            .quality(123.0)
            .name("mother <&\"'>")
            .feature("MEAN_INTENSITY_CH1", 1500.75)
            .feature("VOLUME", 381.5)
            .feature("LABEL", 17)
            .feature("SCORE", Double.NaN)
            .build());
    spots.add(Spot.builder(2, 1, 11.0, 21.0, 3.5).radius(4.6).quality(120).feature("LABEL", 17).build());
    spots.add(
        Spot.builder(3, 2, 8.0, 22.0, 3.5)
            .radius(3.1)
            .feature("LABEL", 2.5)
            .feature("SCORE", Double.POSITIVE_INFINITY)
            .build());
    spots.add(
        Spot.builder(4, 2, 14.0, 22.0, 4.0).radius(3.2).feature("SCORE", Double.NEGATIVE_INFINITY).build());
    spots.add(Spot.builder(10, 0, 50.0, 50.0, 1.0).radius(5).quality(1e-7).build());
    spots.add(Spot.builder(11, 1, 51.0, 50.5, 1.0).radius(5).quality(2.5e12).build());
    spots.add(Spot.builder(12, 3, 53.0, 51.0, 1.5).radius(5).feature("POSITION_T", 9.75).build());
    spots.add(Spot.builder(20, 5, 70.0, 10.0, 0.0).radius(2).build());
    spots.add(Spot.builder(21, 5, 71.0, 11.0, 0.0).radius(2).visible(false).build());
    List<Link> links =
        Arrays.asList(
            new Link(1, 2, 0.5),
            new Link(2, 3, 12.25),
            new Link(2, 4, -1),
            new Link(10, 11, 1.0 / 3),
            new Link(11, 12, Double.NaN));
    TrackModel model = new TrackModel(SpotCollection.of(spots, 0, 5), links);
    LapSettings lap =
        LapSettings.builder()
            .allowTrackSplitting(true)
            .maxFrameGap(3)
            .linkingMaxDistance(12.5)
            .linkingFeaturePenalties(Collections.singletonMap("MEAN_INTENSITY_CH1", 1.5))
            .build();
    return TrackMateDocument.builder(model)
        .calibration(Calibration.of(0.25, 0.25, 1.5, 30.0, "µm", "s"))
        .image(new ImageInfo("movie.tif", "/data/run 1/", 400, 300, 12, 6))
        .detector(DetectorSettings.manual(4.0))
        .initialQualityThreshold(2.5)
        .spotFilters(Arrays.asList(new FeatureFilter("VOLUME", 100, true), new FeatureFilter("QUALITY", 1e6, false)))
        .trackFilters(Collections.singletonList(new FeatureFilter("NUMBER_SPOTS", 2, true)))
        .lapSettings(lap)
        .btrackmateSettings("{\n  \"min_tracklet_length\": 2,\n  \"note\": \"<&>\\\"quoted\\\"\"\n}")
        .log("BTrackmate test run\nline 2 \u0001 with a control character")
        .spotDeclaration(new FeatureDeclaration("VOLUME", "Volume", "Vol.", FeatureDimension.NONE, false))
        .spotDeclaration(new FeatureDeclaration("LABEL", "Label", "Label", FeatureDimension.NONE, true))
        .roi(3, new double[] {-1, -1, 1, -1, 1, 1, -1, 1.5})
        .build();
  }
}
