package io.reweigh.influence.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WindowsTest {
  @Test
  void chunksCutTheWholeSequenceIntoContextSizedPieces() {
    for (int n = 0; n < 40; n++) {
      int[] seq = IntStream.rangeClosed(0, n).toArray(); // boundary + n tokens
      int count = Windows.chunkCount(n, 8);
      assertEquals((int) Math.ceil((n + 1) / 8.0), count, "n=" + n);
      int[] joined = new int[0];
      for (int j = 0; j < count; j++) {
        int[] c = Windows.chunk(seq, j, 8);
        assertEquals(j < count - 1 ? 8 : seq.length - 8 * j, c.length);
        joined = IntStream.concat(IntStream.of(joined), IntStream.of(c)).toArray();
      }
      assertArrayEquals(seq, joined);
    }
  }

  @Test
  void heldOutWindowsPredictEveryTokenOnceFromItsOwnDocument() {
    for (int n = 0; n < 40; n++) {
      int[] seq = IntStream.rangeClosed(0, n).toArray();
      int count = Windows.windowCount(n, 8);
      assertEquals((int) Math.ceil(n / 8.0), count);
      int targets = 0;
      for (int j = 0; j < count; j++) {
        int[] w = Windows.window(seq, j, 8);
        assertEquals(Windows.windowTargets(n, j, 8), w.length - 1);
        // window j predicts tokens 8j+1 … from the ids before them
        assertEquals(8 * j, w[0]);
        assertEquals(8 * j + 1, w.length > 1 ? w[1] : -1);
        targets += w.length - 1;
      }
      assertEquals(n, targets, "n=" + n);
    }
  }
}
