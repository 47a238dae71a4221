package io.reweigh.core.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded synthetic corpus with known structure, for the demo, tests and benchmarks: three domains
 * with their own Zipfian vocabularies, planted exact duplicates (in clusters of 2–40 copies), near
 * duplicates, documents sharing boilerplate blocks, noise documents, and (in JSONL form) a few bad
 * rows. Every document carries its {@code label}, so tests can check what the signals find.
 */
public final class DemoCorpus {

  /** Ground-truth classes of generated documents. */
  public static final String UNIQUE = "unique";

  public static final String EXACT_DUP = "exact-dup";
  public static final String NEAR_DUP = "near-dup";
  public static final String BOILERPLATE = "boilerplate";
  public static final String NOISE = "noise";

  public static final List<String> DOMAINS = List.of("web", "code", "science");

  /**
   * One generated document. {@code url} is an extra column that must reach the shards unchanged.
   */
  public record Doc(String id, String text, String domain, String label, String url) {}

  /** Counts of the bad JSONL rows {@link #writeJsonl} adds, by the reject reason they must get. */
  public record BadRows(
      int invalidJson,
      int emptyText,
      int nullText,
      int nonStringText,
      int duplicateId,
      int tooLong) {
    public int total() {
      return invalidJson + emptyText + nullText + nonStringText + duplicateId + tooLong;
    }
  }

  public static final BadRows DEFAULT_BAD_ROWS = new BadRows(2, 2, 1, 1, 2, 1);

  /** Length (chars) of the planted too-long document; run the demo with a smaller max-doc-chars. */
  public static final int TOO_LONG_CHARS = 30_000;

  private static final String[] BOILERPLATE_BLOCKS = {
    "We use cookies to improve your experience on our site . By continuing to browse you agree to"
        + " our use of cookies . Read our privacy policy and terms of service for more information"
        + " . Subscribe to our newsletter to get the latest updates delivered to your inbox .",
    "Copyright ( c ) all rights reserved . Licensed under the Apache License , Version 2 . 0 ."
        + " You may not use this file except in compliance with the License . Unless required by"
        + " applicable law or agreed to in writing , software is distributed on an AS IS BASIS .",
    "Click here to share this article on social media . Related posts : top ten tips , the best"
        + " guide , what you need to know . Advertisement . Sign up for free today and get"
        + " unlimited access to all premium content . Terms and conditions apply ."
  };

  private final long seed;
  private final List<String[]> vocab = new ArrayList<>();
  private final String[] functionWords = {
    "the", "of", "and", "a", "to", "in", "is", "that", "for", "it", "as", "with", "was", "on", "be",
    "by", "this", "are", "or", "from", "at", "which", "an", "not", "have"
  };

  public DemoCorpus(long seed) {
    this.seed = seed;
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int d = 0; d < DOMAINS.size(); d++) {
      String[] words = new String[2500];
      for (int i = 0; i < words.length; i++) {
        words[i] = word(r, d);
      }
      vocab.add(words);
    }
  }

  private static final String[][] SYLLABLES = {
    {"ka", "lo", "mi", "ren", "sta", "vo", "tra", "pel", "dun", "ari", "bes", "cor"},
    {"get", "set", "buf", "ptr", "idx", "len", "val", "obj", "arr", "map", "fn", "cfg"},
    {"pro", "tein", "cell", "gen", "ome", "ion", "thermo", "quant", "bio", "neu", "lyt", "ase"}
  };

  private static String word(SplittableRandom r, int domain) {
    String[] syl = SYLLABLES[domain];
    int n = 1 + r.nextInt(3);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(syl[r.nextInt(syl.length)]);
    }
    if (domain == 1 && r.nextInt(4) == 0) {
      sb.append('_').append(syl[r.nextInt(syl.length)]);
    }
    return sb.toString();
  }

  /** Zipf(s≈1.1)-like index in [0, n): heavy head, long tail. */
  private static int zipf(SplittableRandom r, int n) {
    double u = r.nextDouble();
    int i = (int) Math.floor(Math.pow(n + 1.0, u)) - 1;
    return Math.min(Math.max(i, 0), n - 1);
  }

  private String sentence(SplittableRandom r, int domain) {
    String[] words = vocab.get(domain);
    int len = 6 + r.nextInt(14);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      if (r.nextInt(3) == 0) {
        sb.append(functionWords[zipf(r, functionWords.length)]);
      } else {
        sb.append(words[zipf(r, words.length)]);
      }
      if (domain == 1 && r.nextInt(7) == 0) {
        sb.append(r.nextBoolean() ? "(" : " = ")
            .append(r.nextInt(100))
            .append(r.nextBoolean() ? ")" : ";");
      } else if (i < len - 1 && r.nextInt(9) == 0) {
        sb.append(',');
      }
    }
    sb.append(domain == 1 ? ";" : ".");
    if (!sb.isEmpty()) {
      sb.setCharAt(0, Character.toUpperCase(sb.charAt(0)));
    }
    return sb.toString();
  }

  private String body(SplittableRandom r, int domain) {
    int sentences = 3 + r.nextInt(10);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < sentences; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(sentence(r, domain));
    }
    return sb.toString();
  }

  private static String noise(SplittableRandom r) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=#@$%&*~^";
    int len = 200 + r.nextInt(800);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append(r.nextInt(12) == 0 ? ' ' : alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private String perturb(SplittableRandom r, String text, int domain) {
    String[] toks = text.split(" ");
    String[] words = vocab.get(domain);
    for (int i = 0; i < toks.length; i++) {
      if (r.nextInt(20) == 0) {
        toks[i] = words[r.nextInt(words.length)];
      }
    }
    return String.join(" ", toks);
  }

  /** n documents; the same seed always gives the same documents. */
  public List<Doc> generate(int n) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Doc> docs = new ArrayList<>(n);
    List<Doc> originals = new ArrayList<>();
    int dupBudget = 0;
    Doc dupOf = null;
    for (int i = 0; i < n; i++) {
      String id = String.format("doc-%07d", i);
      int domain = r.nextInt(DOMAINS.size());
      String url = "https://demo.reweigh.invalid/" + DOMAINS.get(domain) + "/" + i;
      double u = r.nextDouble();
      Doc doc;
      if (dupBudget > 0 && dupOf != null) {
        dupBudget--;
        doc = new Doc(id, dupOf.text(), dupOf.domain(), EXACT_DUP, url);
      } else if (u < 0.012 && !originals.isEmpty()) {
        // start a duplicate cluster of 2..40 copies of an earlier unique document
        dupOf = originals.get(r.nextInt(originals.size()));
        dupBudget = 1 + r.nextInt(39);
        doc = new Doc(id, dupOf.text(), dupOf.domain(), EXACT_DUP, url);
      } else if (u < 0.10 && !originals.isEmpty()) {
        Doc src = originals.get(r.nextInt(originals.size()));
        int d = DOMAINS.indexOf(src.domain());
        doc = new Doc(id, perturb(r, src.text(), d), src.domain(), NEAR_DUP, url);
      } else if (u < 0.20) {
        String block = BOILERPLATE_BLOCKS[r.nextInt(BOILERPLATE_BLOCKS.length)];
        String b = body(r, domain);
        doc =
            new Doc(
                id,
                r.nextBoolean() ? block + " " + b + " " + block : b + " " + block,
                DOMAINS.get(domain),
                BOILERPLATE,
                url);
      } else if (u < 0.23) {
        doc = new Doc(id, noise(r), DOMAINS.get(domain), NOISE, url);
      } else {
        doc = new Doc(id, body(r, domain), DOMAINS.get(domain), UNIQUE, url);
        originals.add(doc);
      }
      docs.add(doc);
    }
    return docs;
  }

  /**
   * Markup in the demo's duplicate-id rows: if report.html ever rendered document text as HTML, the
   * script or the onerror handler would set {@code data-xss} on the page's root element.
   */
  public static final String HOSTILE_HTML =
      "<script>document.documentElement.setAttribute('data-xss','script')</script>"
          + "<img src=x onerror=\"document.documentElement.setAttribute('data-xss','onerror')\">";

  /**
   * Writes n documents as JSONL into {@code files} files under dir (part-00000.jsonl, …), plus the
   * given bad rows in the last file. Returns the number of lines written.
   */
  public long writeJsonl(Path dir, int n, int files, BadRows bad) {
    ObjectMapper om = new ObjectMapper();
    List<Doc> docs = generate(n);
    long lines = 0;
    try {
      Files.createDirectories(dir);
      int per = (n + files - 1) / files;
      for (int f = 0; f < files; f++) {
        Path p = dir.resolve(String.format("part-%05d.jsonl", f));
        try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
          for (int i = f * per; i < Math.min(n, (f + 1) * per); i++) {
            Doc d = docs.get(i);
            ObjectNode o = om.createObjectNode();
            o.put("id", d.id());
            o.put("text", d.text());
            o.put("domain", d.domain());
            o.put("label", d.label());
            o.put("url", d.url());
            w.write(om.writeValueAsString(o));
            w.write('\n');
            lines++;
          }
          if (f == files - 1 && bad != null) {
            lines += writeBadRows(w, om, bad, docs);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  private long writeBadRows(BufferedWriter w, ObjectMapper om, BadRows bad, List<Doc> docs)
      throws IOException {
    long lines = 0;
    for (int i = 0; i < bad.invalidJson(); i++) {
      w.write("{\"id\": \"broken-" + i + "\", \"text\": \"this line was cut off in the mid\n");
      lines++;
    }
    for (int i = 0; i < bad.emptyText(); i++) {
      w.write(
          "{\"id\":\"empty-" + i + "\",\"text\":\"" + (i % 2 == 0 ? "" : "   \\n\\t ") + "\"}\n");
      lines++;
    }
    for (int i = 0; i < bad.nullText(); i++) {
      w.write("{\"id\":\"null-" + i + "\",\"text\":null,\"domain\":\"web\"}\n");
      lines++;
    }
    for (int i = 0; i < bad.nonStringText(); i++) {
      w.write("{\"id\":\"number-" + i + "\",\"text\":12345}\n");
      lines++;
    }
    for (int i = 0; i < bad.duplicateId() && i < docs.size(); i++) {
      ObjectNode o = om.createObjectNode();
      o.put("id", docs.get(i).id());
      // hostile markup: report.html must show it as text (the browser test checks it never runs)
      o.put("text", "A different text that reuses the id of an earlier document. " + HOSTILE_HTML);
      w.write(om.writeValueAsString(o));
      w.write('\n');
      lines++;
    }
    for (int i = 0; i < bad.tooLong(); i++) {
      ObjectNode o = om.createObjectNode();
      o.put("id", "too-long-" + i);
      o.put("text", "word ".repeat(TOO_LONG_CHARS / 5 + 1));
      w.write(om.writeValueAsString(o));
      w.write('\n');
      lines++;
    }
    return lines;
  }
}
