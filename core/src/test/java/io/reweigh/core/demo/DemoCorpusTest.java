package io.reweigh.core.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCorpusTest {
  @TempDir Path tmp;

  @Test
  void sameSeedSameCorpusOtherSeedOther() {
    assertEquals(new DemoCorpus(7).generate(500), new DemoCorpus(7).generate(500));
    assertNotEquals(new DemoCorpus(7).generate(500), new DemoCorpus(8).generate(500));
  }

  @Test
  void plantsEveryKindOfDocumentInEveryDomain() {
    List<DemoCorpus.Doc> docs = new DemoCorpus(1).generate(5000);
    Map<String, Long> byLabel =
        docs.stream().collect(Collectors.groupingBy(DemoCorpus.Doc::label, Collectors.counting()));
    assertTrue(byLabel.get(DemoCorpus.UNIQUE) > 3000, byLabel.toString());
    assertTrue(byLabel.get(DemoCorpus.EXACT_DUP) > 200, byLabel.toString());
    assertTrue(byLabel.get(DemoCorpus.NEAR_DUP) > 200, byLabel.toString());
    assertTrue(byLabel.get(DemoCorpus.BOILERPLATE) > 300, byLabel.toString());
    assertTrue(byLabel.get(DemoCorpus.NOISE) > 50, byLabel.toString());
    assertEquals(3, docs.stream().map(DemoCorpus.Doc::domain).distinct().count(), "three domains");
    assertEquals(5000, docs.stream().map(DemoCorpus.Doc::id).distinct().count(), "unique ids");
  }

  @Test
  void jsonlHasDocsPlusBadRows() throws IOException {
    long lines = new DemoCorpus(3).writeJsonl(tmp, 100, 2, DemoCorpus.DEFAULT_BAD_ROWS);
    assertEquals(100 + DemoCorpus.DEFAULT_BAD_ROWS.total(), lines);
    long counted = 0;
    try (var files = Files.list(tmp)) {
      for (Path p : files.toList()) {
        counted += Files.readAllLines(p).size();
      }
    }
    assertEquals(lines, counted);
  }
}
