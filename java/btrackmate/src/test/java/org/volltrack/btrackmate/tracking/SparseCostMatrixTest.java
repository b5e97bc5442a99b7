package org.volltrack.btrackmate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SparseCostMatrixTest {

  private static SparseCostMatrix sample() {
    // [[1, ., 2], [., 3, .]]
    return SparseCostMatrix.fromTriplets(
        2, 3, new int[] {0, 1, 0}, new int[] {2, 1, 0}, new double[] {2, 3, 1});
  }

  @Test
  void rowCompressedLayout() {
    SparseCostMatrix m = sample();
    assertEquals(2, m.nRows());
    assertEquals(3, m.nCols());
    assertEquals(3, m.cardinality());
    assertEquals(0, m.rowStart(0));
    assertEquals(2, m.rowLength(0));
    assertEquals(0, m.column(0));
    assertEquals(2, m.column(1));
    assertEquals(1.0, m.get(0, 0, -1));
    assertEquals(2.0, m.get(0, 2, -1));
    assertEquals(-1.0, m.get(0, 1, -1));
    assertEquals(3.0, m.get(1, 1, -1));
  }

  @Test
  void transposeHcatVcatFill() {
    SparseCostMatrix m = sample();
    SparseCostMatrix t = m.transpose();
    assertEquals(3, t.nRows());
    assertEquals(2, t.nCols());
    assertEquals(2.0, t.get(2, 0, -1));
    assertEquals(3.0, t.get(1, 1, -1));
    assertEquals(-1.0, t.get(1, 0, -1));
    SparseCostMatrix h = m.hcat(SparseCostMatrix.diagonal(2, 9));
    assertEquals(5, h.nCols());
    assertEquals(9.0, h.get(0, 3, -1));
    assertEquals(9.0, h.get(1, 4, -1));
    assertEquals(-1.0, h.get(1, 3, -1));
    SparseCostMatrix v = m.vcat(m.fillWith(7));
    assertEquals(4, v.nRows());
    assertEquals(7.0, v.get(2, 0, -1));
    assertEquals(7.0, v.get(3, 1, -1));
    assertEquals(-1.0, v.get(3, 0, -1));
    assertEquals(1.0 + 3.0, m.hcat(SparseCostMatrix.diagonal(2, 9)).totalAssignmentCost(new int[] {0, 1}));
  }

  @Test
  void randomTransposeTwiceIsIdentity() {
    Random rnd = new Random(1);
    SparseCostMatrix m = LAPJVTest.randomMatrix(rnd, 40, 40, 0.1, false);
    SparseCostMatrix tt = m.transpose().transpose();
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < 40; j++) {
        assertEquals(m.get(i, j, -1), tt.get(i, j, -1));
      }
    }
  }

  @Test
  void rejectsMalformedInput() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SparseCostMatrix.fromTriplets(2, 2, new int[] {0}, new int[] {0}, new double[] {1}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SparseCostMatrix.fromTriplets(1, 2, new int[] {0, 0}, new int[] {1, 1}, new double[] {1, 2}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SparseCostMatrix.fromTriplets(1, 2, new int[] {0}, new int[] {2}, new double[] {1}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SparseCostMatrix.fromTriplets(1, 1, new int[] {0}, new int[] {0}, new double[] {Double.NaN}));
    assertThrows(IllegalArgumentException.class, () -> sample().hcat(SparseCostMatrix.diagonal(3, 1)));
    assertThrows(IllegalArgumentException.class, () -> sample().vcat(SparseCostMatrix.diagonal(2, 1)));
    // column 1 of this matrix is empty: cannot transpose into a matrix whose rows all have entries
    SparseCostMatrix gap =
        SparseCostMatrix.fromTriplets(1, 3, new int[] {0, 0}, new int[] {0, 2}, new double[] {1, 1});
    assertThrows(IllegalArgumentException.class, gap::transpose);
  }
}
