package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;

class CellsCsvReaderTest {

  @TempDir Path dir;

  private Path write(String content) throws IOException {
    return writeBytes(content.getBytes(StandardCharsets.UTF_8));
  }

  private Path writeBytes(byte[] content) throws IOException {
    Path p = dir.resolve("cells.csv");
    Files.write(p, content);
    return p;
  }

  private CellTable read(String content) throws IOException {
    return new CellsCsvReader().read(write(content));
  }

  /** Reads content that must fail; checks the message is one line naming the file, and returns it. */
  private String error(String content) throws IOException {
    Path p = write(content);
    return error(p);
  }

  private String error(Path p) {
    BadInputException e = assertThrows(BadInputException.class, () -> new CellsCsvReader().read(p));
    String m = e.getMessage();
    assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
    assertTrue(m.startsWith(p.toString() + ": "), "names the file: " + m);
    assertEquals(p.toString(), e.source());
    return m;
  }

  @Test
  void readsNamedColumnsInAnyOrder() throws IOException {
    CellTable t =
        read(
            "z,volume,id,y,frame,x,label,mean_intensity\n"
                + "1.5,33.0,10,2.25,0,1.0,4,100.5\n"
                + "3.0,34.0,11,4.5,1,2.0,5,101\n");
    SpotCollection spots = t.spots();
    assertEquals(2, spots.size());
    Spot a = spots.get(10);
    assertEquals(0, a.frame());
    assertEquals(1.0, a.x());
    assertEquals(2.25, a.y());
    assertEquals(1.5, a.z());
    assertEquals(33.0, a.feature("VOLUME"));
    assertEquals(4.0, a.feature("LABEL"));
    assertEquals(100.5, a.feature("MEAN_INTENSITY_CH1"));
    assertEquals("ID10", a.name());
    assertTrue(a.visible());
    Spot b = spots.get(11);
    assertEquals(1, b.frame());
    assertEquals(101.0, b.feature("MEAN_INTENSITY_CH1"));
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("volume", "VOLUME");
    expected.put("label", "LABEL");
    expected.put("mean_intensity", "MEAN_INTENSITY_CH1");
    assertEquals(expected, t.featureColumns());
    assertEquals(Collections.emptyList(), t.ignoredColumns());
  }

  @Test
  void assignsIdsInRowOrderWithoutAnIdColumn() throws IOException {
    SpotCollection s = read("frame,x,y,z\n2,0,0,0\n0,1,0,0\n1,2,0,0\n").spots();
    assertEquals(2, s.get(0).frame());
    assertEquals(0, s.get(1).frame());
    assertEquals(1, s.get(2).frame());
    assertEquals(2.0, s.get(2).x());
  }

  @Test
  void framesRunFromZeroToTheLastFrameWithEmptyFramesKept() throws IOException {
    SpotCollection s = read("frame,x,y,z\n1,0,0,0\n3,1,0,0\n").spots();
    assertEquals(Arrays.asList(0, 1, 2, 3), new java.util.ArrayList<>(s.byFrame().keySet()));
    assertTrue(s.inFrame(0).isEmpty());
    assertTrue(s.inFrame(2).isEmpty());
    assertEquals(1, s.inFrame(3).size());
  }

  @Test
  void integerValuedDecimalFramesAreAccepted() throws IOException {
    assertEquals(3, read("frame,x,y,z\n3.0,0,0,0\n").spots().get(0).frame());
  }

  @Test
  void radiusQualityAndNameColumnsSetTheSpotFields() throws IOException {
    Spot s = read("frame,x,y,z,radius,quality,name\n0,0,0,0,2.5,-7,cell A\n").spots().get(0);
    assertEquals(2.5, s.radius());
    assertEquals(-7.0, s.quality());
    assertEquals("cell A", s.name());
    assertTrue(s.features().isEmpty());
  }

  @Test
  void radiusDefaultsToTheEquivalentSphereOfTheVolume() throws IOException {
    double v = 4.0 / 3.0 * Math.PI * 8.0; // sphere of radius 2
    Spot s = read("frame,x,y,z,volume\n0,0,0,1," + v + "\n").spots().get(0);
    assertEquals(2.0, s.radius(), 1e-12);
    assertEquals(1.0, s.quality());
  }

  @Test
  void radiusDefaultsToTheEquivalentDiscWhenEveryZIsZero() throws IOException {
    double a = Math.PI * 9.0; // disc of radius 3
    SpotCollection s = read("frame,x,y,z,volume\n0,0,0,0," + a + "\n0,5,0,0," + a + "\n").spots();
    assertEquals(3.0, s.get(0).radius(), 1e-12);
    assertEquals(3.0, s.get(1).radius(), 1e-12);
  }

  @Test
  void radiusDefaultsToOneWithoutVolumeOrWithAnEmptyRadiusCell() throws IOException {
    SpotCollection s = read("frame,x,y,z,radius\n0,0,0,0,\n0,1,0,0,4\n").spots();
    assertEquals(1.0, s.get(0).radius());
    assertEquals(4.0, s.get(1).radius());
    assertEquals(1.0, read("frame,x,y,z,volume\n0,0,0,0,0\n").spots().get(0).radius());
  }

  @Test
  void intensityColumnsGetTrackMateChannelKeys() throws IOException {
    CellTable t =
        read(
            "frame,x,y,z,mean_intensity,mean_intensity_ch2,total_intensity,std_intensity_ch3,median_intensity_ch10\n"
                + "0,0,0,0,1,2,3,4,5\n");
    Spot s = t.spots().get(0);
    assertEquals(1.0, s.feature("MEAN_INTENSITY_CH1"));
    assertEquals(2.0, s.feature("MEAN_INTENSITY_CH2"));
    assertEquals(3.0, s.feature("TOTAL_INTENSITY_CH1"));
    assertEquals(4.0, s.feature("STD_INTENSITY_CH3"));
    assertEquals(5.0, s.feature("MEDIAN_INTENSITY_CH10"));
  }

  @Test
  void otherNumericColumnsBecomeUpperCaseFeatures() throws IOException {
    CellTable t =
        read("frame,x,y,z,inside_tissue,distance_to_boundary,area (um2),2nd,__a__b__\n0,0,0,0,0.75,3.5,12,1,2\n");
    Spot s = t.spots().get(0);
    assertEquals(0.75, s.feature("INSIDE_TISSUE"));
    assertEquals(3.5, s.feature("DISTANCE_TO_BOUNDARY"));
    assertEquals(12.0, s.feature("AREA_UM2"));
    assertEquals(1.0, s.feature("_2ND"));
    assertEquals(2.0, s.feature("A_B"));
  }

  @Test
  void textAndEmptyColumnsAreIgnoredAndListed() throws IOException {
    CellTable t = read("frame,x,y,z,cell_type,notes,score\n0,0,0,0,neuron,,1\n1,0,0,0,glia,,\n");
    assertEquals(Arrays.asList("cell_type", "notes"), t.ignoredColumns());
    assertEquals(Collections.singletonMap("score", "SCORE"), t.featureColumns());
    assertNull(t.spots().get(0).feature("CELL_TYPE"));
    assertEquals(1.0, t.spots().get(0).feature("SCORE"));
    assertNull(t.spots().get(1).feature("SCORE"), "an empty cell leaves the feature absent");
  }

  @Test
  void nanAndInfinityAreAllowedInFeatures() throws IOException {
    Spot s = read("frame,x,y,z,a,b,c\n0,0,0,0,nan,-inf,Infinity\n").spots().get(0);
    assertTrue(s.feature("A").isNaN());
    assertEquals(Double.NEGATIVE_INFINITY, s.feature("B"));
    assertEquals(Double.POSITIVE_INFINITY, s.feature("C"));
  }

  @Test
  void booleanFeatureValuesAreOneAndZero() throws IOException {
    SpotCollection s = read("frame,x,y,z,inside_tissue\n0,0,0,0,True\n0,1,0,0,false\n0,2,0,0,0.5\n").spots();
    assertEquals(1.0, s.get(0).feature("INSIDE_TISSUE"));
    assertEquals(0.0, s.get(1).feature("INSIDE_TISSUE"));
    assertEquals(0.5, s.get(2).feature("INSIDE_TISSUE"));
    assertTrue(error("frame,x,y,z\n0,true,0,0\n").contains("column 'x'"), "not for coordinates");
  }

  @Test
  void quotingCrlfBomAndBlankLinesAreHandled() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body =
        "\"frame\",\"x\",y,z,name\r\n0,\"1.5\",0,0,\"a, \"\"quoted\"\" name\"\r\n\r\n1,2,0,0,b\r\n"
            .getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[bom.length + body.length];
    System.arraycopy(bom, 0, all, 0, bom.length);
    System.arraycopy(body, 0, all, bom.length, body.length);
    SpotCollection s = new CellsCsvReader().read(writeBytes(all)).spots();
    assertEquals(2, s.size());
    assertEquals(1.5, s.get(0).x());
    assertEquals("a, \"quoted\" name", s.get(0).name());
    assertEquals(1, s.get(1).frame());
  }

  @Test
  void nonAsciiNamesAreReadAsUtf8() throws IOException {
    Spot s = read("frame,x,y,z,name,volume_µm3\n0,0,0,0,Zelle ä,5\n").spots().get(0);
    assertEquals("Zelle ä", s.name());
    assertEquals(5.0, s.feature("VOLUME_M3"));
  }

  // ---- errors ------------------------------------------------------------------------------

  @Test
  void emptyFileIsAnError() throws IOException {
    assertTrue(error("").contains("file is empty"));
  }

  @Test
  void headerWithoutRowsIsAnError() throws IOException {
    assertTrue(error("frame,x,y,z\n").contains("no cell rows"));
  }

  @Test
  void missingFileIsAnError() {
    String m = error(dir.resolve("absent.csv"));
    assertTrue(m.contains("file not found"), m);
  }

  @Test
  void missingRequiredColumnIsNamed() throws IOException {
    String m = error("frame,x,z\n0,0,0\n");
    assertTrue(m.contains("row 1: missing required column 'y' (or POSITION_Y, position_y)"), m);
    assertTrue(error("x,y,z\n0,0,0\n").contains("row 1: missing required column 'frame' (or FRAME)"));
  }

  @Test
  void anAbsentZColumnMeans2D() throws IOException {
    SpotCollection spots = read("frame,x,y,volume\n0,1,2,3.14159\n").spots();
    assertEquals(0.0, spots.get(0).z());
    assertEquals(Math.sqrt(3.14159 / Math.PI), spots.get(0).radius(), 1e-12, "the 2D radius rule applies");
  }

  @Test
  void trackMateAndPandasNamesAreAccepted() throws IOException {
    CellTable t =
        read(",ID,FRAME,POSITION_X,POSITION_Y,POSITION_Z,POSITION_T,VISIBILITY,RADIUS,QUALITY,MEAN_INTENSITY_CH1\n"
            + "0,7,1,1.5,2.5,3.5,10.0,1,2.0,5.0,100\n"
            + "1,3,0,0.5,0.25,0.125,0.0,0,1.0,4.0,90\n");
    Spot s = t.spots().get(7);
    assertEquals(1, s.frame());
    assertEquals(1.5, s.x());
    assertEquals(2.5, s.y());
    assertEquals(3.5, s.z());
    assertEquals(2.0, s.radius());
    assertEquals(5.0, s.quality());
    assertEquals(100.0, s.feature("MEAN_INTENSITY_CH1"));
    assertEquals(null, s.feature("POSITION_T"));
    assertEquals(0.125, t.spots().get(3).z());
    assertEquals(java.util.Arrays.asList("", "POSITION_T", "VISIBILITY"), t.ignoredColumns());
    SpotCollection lower = read("position_x,position_y,position_z,frame\n1,2,3,0\n").spots();
    assertEquals(3.0, lower.get(0).z());
  }

  @Test
  void onlyTheFirstColumnMayBeUnnamed() throws IOException {
    assertTrue(error("frame,,x,y,z\n0,0,0,0,0\n").contains("row 1, column 2: empty column name"));
  }

  @Test
  void btrackmatesOwnHeaderIsRejectedWithTheNamesExpected() throws IOException {
    String m = error("T,X,Y,Z,Label,Perimeter,Volume,Intensity,ExtentX,ExtentY,ExtentZ\n0,1,2,3,4,5,6,7,8,9,10\n");
    assertTrue(m.contains("missing required column 'frame'"), m);
    assertTrue(m.contains("case-sensitive lower-case"), m);
    assertTrue(m.contains("found: T, X, Y, Z, Label"), m);
  }

  @Test
  void nonNumericCoordinateIsAnError() throws IOException {
    String m = error("frame,x,y,z\n0,0,0,0\n1,abc,0,0\n");
    assertTrue(m.endsWith("row 3, column 'x': expected a finite number, got 'abc'"), m);
  }

  @Test
  void nanOrInfiniteCoordinateIsAnError() throws IOException {
    assertTrue(error("frame,x,y,z\n0,NaN,0,0\n").contains("row 2, column 'x': expected a finite number, got 'NaN'"));
    assertTrue(error("frame,x,y,z\n0,0,0,inf\n").contains("row 2, column 'z'"));
    assertTrue(error("frame,x,y,z\n0,0,,0\n").contains("row 2, column 'y': expected a finite number, got ''"));
  }

  @Test
  void javaOnlyNumberSyntaxIsRejected() throws IOException {
    assertTrue(error("frame,x,y,z\n0,1f,0,0\n").contains("column 'x'"));
    assertTrue(error("frame,x,y,z\n0,0x10,0,0\n").contains("column 'x'"));
  }

  @Test
  void negativeOrNonIntegerFrameIsAnError() throws IOException {
    assertTrue(error("frame,x,y,z\n-1,0,0,0\n").endsWith("row 2, column 'frame': expected an integer frame in 0..999999, got '-1'"));
    assertTrue(error("frame,x,y,z\n1.5,0,0,0\n").endsWith("row 2, column 'frame': expected an integer frame in 0..999999, got '1.5'"));
    assertTrue(error("frame,x,y,z\n99999999999,0,0,0\n").contains("column 'frame'"));
  }

  @Test
  void duplicateIdIsAnErrorNamingBothRows() throws IOException {
    String m = error("id,frame,x,y,z\n5,0,0,0,0\n6,0,1,0,0\n5,1,0,0,0\n");
    assertTrue(m.endsWith("row 4, column 'id': duplicate id 5 (first used in row 2)"), m);
  }

  @Test
  void nonIntegerOrNegativeIdIsAnError() throws IOException {
    assertTrue(error("id,frame,x,y,z\n1.0,0,0,0,0\n").contains("column 'id': expected an integer id >= 0, got '1.0'"));
    assertTrue(error("id,frame,x,y,z\n-2,0,0,0,0\n").contains("column 'id'"));
    assertTrue(error("id,frame,x,y,z\n,0,0,0,0\n").contains("column 'id'"));
  }

  @Test
  void raggedRowsAreErrors() throws IOException {
    assertTrue(error("frame,x,y,z\n0,0,0,0\n0,0,0\n").endsWith("row 3: has 3 fields; expected 4, one per header column"));
    assertTrue(error("frame,x,y,z\n0,0,0,0,\n").contains("row 2: has 5 fields; expected 4"));
  }

  @Test
  void duplicateOrEmptyColumnNamesAreErrors() throws IOException {
    assertTrue(error("frame,x,y,z,x\n0,0,0,0,0\n").contains("row 1, column 5: duplicate column name 'x'"));
    assertTrue(error("frame,x,,z\n0,0,0,0\n").contains("row 1, column 3: empty column name"));
  }

  @Test
  void columnsMappingToReservedOrSharedKeysAreErrors() throws IOException {
    assertTrue(error("frame,x,y,z,POSITION_X\n0,0,0,0,0\n").contains("row 1, column 5: columns 'x' and 'POSITION_X' both give x; keep one"));
    assertTrue(error("frame,x,y,z,Frame\n0,0,0,0,0\n").contains("reserved feature key FRAME"));
    assertTrue(error("frame,x,y,z,Id\n0,0,0,0,0\n").contains("reserved feature key ID"));
    assertTrue(error("frame,x,y,z,id,ID\n0,0,0,0,0,0\n").contains("columns 'id' and 'ID' both give id"));
    assertTrue(error("frame,x,y,z,Position_X\n0,0,0,0,0\n").contains("reserved feature key POSITION_X"));
    String m = error("frame,x,y,z,volume,Volume\n0,0,0,0,1,2\n");
    assertTrue(m.contains("column 'Volume': maps to feature key VOLUME, as column 'volume' does"), m);
  }

  @Test
  void intensityChannelZeroIsAnError() throws IOException {
    assertTrue(error("frame,x,y,z,mean_intensity_ch0\n0,0,0,0,1\n").contains("channels count from 1"));
  }

  @Test
  void textInANumericColumnIsAnErrorWithItsRow() throws IOException {
    String m = error("frame,x,y,z,score\n0,0,0,0,\n0,0,0,0,3\n0,0,0,0,big\n");
    assertTrue(m.endsWith("row 4, column 'score': expected a number (the column's first value is numeric), got 'big'"), m);
  }

  @Test
  void cellTableMeasurementsAreNumbersEvenWhenTheFirstValueIsText() throws IOException {
    // a typo in the first row must not silently drop the whole column as text
    for (String column : new String[] {"volume", "inside_tissue", "extent_z", "mean_intensity_ch2"}) {
      String m = error("frame,x,y,z," + column + "\n0,0,0,0,n/a\n0,0,0,0,3\n");
      assertTrue(m.endsWith("row 2, column '" + column + "': expected a number, got 'n/a'"), m);
    }
  }

  @Test
  void badLabelRadiusOrQualityAreErrors() throws IOException {
    assertTrue(error("frame,x,y,z,label\n0,0,0,0,2.5\n").contains("column 'label': expected an integer label, got '2.5'"));
    assertTrue(error("frame,x,y,z,radius\n0,0,0,0,0\n").contains("column 'radius': expected a finite radius > 0"));
    assertTrue(error("frame,x,y,z,quality\n0,0,0,0,nan\n").contains("column 'quality': expected a finite quality"));
  }

  @Test
  void aFrameBeyondAMillionIsAnErrorNotAnOutOfMemoryError() throws IOException {
    // One cell at frame 2^31 - 1 used to make the reader create every frame up to it and run out
    // of memory after a minute (the CLI then failed with an internal error).
    String m = error("frame,x,y\n2147483647,1,2\n");
    assertTrue(m.endsWith("row 2, column 'frame': expected an integer frame in 0..999999, got '2147483647'"), m);
    assertTrue(error("frame,x,y\n1000000,1,2\n").contains("frame in 0..999999"));
    assertEquals(999_999, read("frame,x,y\n999999,1,2\n").spots().get(0).frame());
  }

  @Test
  void defaultRadiusOfExtremeVolumesIsFiniteAndPositive() throws IOException {
    // Found by CellsCsvReaderFuzzTest: 3V/4π underflowed to radius 0 for a subnormal volume and
    // overflowed to an infinite radius near Double.MAX_VALUE.
    for (boolean planar : new boolean[] {false, true}) {
      for (double v : new double[] {Double.MIN_VALUE, 1e-320, Double.MAX_VALUE, 1e308}) {
        double r = CellsCsvReader.defaultRadius(v, planar);
        assertTrue(r > 0 && Double.isFinite(r), v + " -> " + r);
      }
    }
    assertEquals(Math.cbrt(Double.MIN_VALUE) * Math.cbrt(3 / (4 * Math.PI)),
        read("frame,x,y,z,volume\n0,0,0,1,4.9e-324\n").spots().get(0).radius());
    assertTrue(Double.isFinite(read("frame,x,y,z,volume\n0,0,0,1,1.7e308\n").spots().get(0).radius()));
  }

  @Test
  void invalidUtf8IsAnError() throws IOException {
    byte[] bytes = "frame,x,y,z,name\n0,0,0,0,caf".getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(bytes, bytes.length + 2);
    all[bytes.length] = (byte) 0xE9; // Latin-1 é
    all[bytes.length + 1] = '\n';
    String m = error(writeBytes(all));
    assertTrue(m.contains("not valid UTF-8"), m);
  }

  @Test
  void unbalancedQuoteIsAnError() throws IOException {
    String m = error("frame,x,y,z,name\n0,0,0,0,\"open\n1,0,0,0,b\n");
    assertTrue(m.contains("malformed CSV"), m);
  }

  @Test
  void rowsWithErrorsAreReportedInRowOrder() throws IOException {
    List<String> lines = Arrays.asList("frame,x,y,z", "0,0,0,0", "0,0,0,0", "x,0,0,0", "0,y,0,0");
    assertTrue(error(String.join("\n", lines)).contains("row 4, column 'frame'"));
  }
}
