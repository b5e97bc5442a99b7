package org.volltrack.btrackmate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.filter.FilterSettings;
import org.volltrack.btrackmate.io.BadInputException;
import org.volltrack.btrackmate.io.TrackMateXmlFile;
import org.volltrack.btrackmate.io.TrackMateXmlReader;
import org.volltrack.btrackmate.io.VoxelSize;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.settings.BTrackmateSettings;
import org.volltrack.btrackmate.settings.SettingsJson;

class BTrackmateTest {

  @TempDir Path tmp;

  /**
   * Two cells moving along x over 6 frames (ids 1.., 10..), one of them dividing at frame 2 into a
   * daughter that lives 1 frame (a short branch), and a big-volume outlier that the volume filter
   * hides.
   */
  private Path cells() throws Exception {
    StringBuilder sb = new StringBuilder("id,frame,x,y,z,volume\n");
    for (int t = 0; t < 6; t++) {
      sb.append(1 + t).append(',').append(t).append(',').append(t).append(",0,0,10\n");
      sb.append(10 + t).append(',').append(t).append(',').append(t).append(",50,0,10\n");
    }
    sb.append("100,3,2.5,3,0,10\n"); // daughter of cell 1 at frame 2 (id 3), two frames long
    sb.append("101,4,2.5,3.5,0,10\n");
    sb.append("200,2,0,100,0,1000\n"); // outlier, filtered by volume
    Path p = tmp.resolve("cells.csv");
    Files.write(p, sb.toString().getBytes(StandardCharsets.UTF_8));
    return p;
  }

  private BTrackmateSettings.Builder settings(Path csv) {
    Map<String, Object> tracker = new HashMap<>();
    tracker.put("LINKING_MAX_DISTANCE", 5.0);
    tracker.put("ALLOW_TRACK_SPLITTING", true);
    tracker.put("SPLITTING_MAX_DISTANCE", 5.0);
    return BTrackmateSettings.builder()
        .cellsCsv(csv)
        .voxelSize(VoxelSize.zyx(2.0, 0.5, 0.5))
        .frameInterval(30.0)
        .filters(new FilterSettings(Collections.singletonList(FeatureFilter.maxVolume(100)), null, false))
        .tracker(tracker);
  }

  private static List<String> edges(List<Link> links) {
    List<String> out = new ArrayList<>();
    for (Link l : links) {
      out.add(l.source() + "->" + l.target());
    }
    Collections.sort(out);
    return out;
  }

  @Test
  void tracksFiltersAndWritesADocumentThatReadsBack() throws Exception {
    BTrackmateSettings s = settings(cells()).build();
    List<String> progress = new ArrayList<>();
    double[] last = {-1};
    BTrackmateResult r =
        BTrackmate.run(
            s,
            (f, m) -> {
              assertTrue(f >= last[0], "progress never decreases: " + last[0] + " then " + f + " " + m);
              last[0] = f;
              progress.add(m);
            },
            2);
    assertEquals(1.0, last[0]);
    assertEquals(15, r.spotCount());
    assertEquals(14, r.visibleSpotCount());
    assertFalse(r.spots().get(200).visible());
    // two chains of 5 links each, the division link 3->100 and the daughter's link 100->101
    assertEquals(12, r.linkCount());
    assertTrue(edges(r.model().links()).contains("3->100"));
    assertEquals(0, r.prunedLinkCount());
    assertEquals(2, r.trackCount());

    Path out = tmp.resolve("tracks.xml");
    BTrackmate.write(r, out);
    TrackMateXmlFile back = TrackMateXmlReader.read(out);
    assertEquals(edges(r.model().links()), edges(back.document().model().links()));
    assertEquals(1, back.document().spotFilters().size());
    assertEquals("VOLUME", back.document().spotFilters().get(0).feature());
    assertFalse(back.document().spotFilters().get(0).isAbove());
    assertEquals(0.5, back.document().calibration().dx());
    assertEquals(2.0, back.document().calibration().dz());
    assertEquals(30.0, back.document().calibration().dt());
    assertEquals(r.lapSettings(), back.document().lapSettings());
    assertFalse(back.document().model().spots().get(200).visible());
    assertEquals(s, SettingsJson.fromJson(back.document().btrackmateSettings(), "payload"));
  }

  @Test
  void minTrackletLengthPrunesTheShortDaughter() throws Exception {
    BTrackmateResult r = BTrackmate.run(settings(cells()).minTrackletLength(3).build(), (f, m) -> {});
    assertFalse(edges(r.model().links()).contains("3->100"));
    assertEquals(10, r.linkCount());
    assertEquals(2, r.prunedLinkCount());
    assertTrue(edges(r.model().links()).contains("3->4"), "the long branch stays");
    assertTrue(r.spots().get(100).visible(), "pruned spots stay, unlinked");
  }

  @Test
  void idsBeyondTrackMatesIntRangeAreRefused() throws Exception {
    Path p = tmp.resolve("big.csv");
    Files.write(
        p, "id,frame,x,y,z\n1,0,0,0,0\n2147483648,1,0,0,0\n".getBytes(StandardCharsets.UTF_8));
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> BTrackmate.run(BTrackmateSettings.builder().cellsCsv(p).build(), (f, m) -> {}));
    assertTrue(e.getMessage().contains("2147483648"), e.getMessage());
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
  }
}
