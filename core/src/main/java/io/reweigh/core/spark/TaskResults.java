package io.reweigh.core.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Brings large per-task values (n-gram tables, count-min sketches) to the driver one at a time.
 * {@code collect} or {@code treeReduce} would hold several at once on the driver and count them all
 * against {@code spark.driver.maxResultSize} (a tree reduce of two 560 MB sketches failed the 1 GB
 * default); here only one value is in flight besides the one being merged, and each job's result is
 * a single value.
 *
 * <p>The values are computed once (persisted serialized, memory then disk), counted per partition,
 * then fetched in partition order by single-task jobs, the next one while the caller merges the
 * current one.
 */
public final class TaskResults {
  private TaskResults() {}

  /**
   * Hands every element of {@code values} to {@code sink} in partition order; stops early when
   * {@code sink} returns false. Returns whether every element was handed over.
   */
  public static <T> boolean forEach(JavaRDD<T> values, Predicate<T> sink) {
    values.persist(StorageLevel.MEMORY_AND_DISK_SER());
    ExecutorService prefetch =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "reweigh-task-results");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Long> counts =
          values
              .mapPartitions(
                  (Iterator<T> it) -> {
                    long c = 0;
                    while (it.hasNext()) {
                      it.next();
                      c++;
                    }
                    return List.of(c).iterator();
                  })
              .collect();
      List<long[]> at = new ArrayList<>();
      for (int part = 0; part < counts.size(); part++) {
        for (long i = 0; i < counts.get(part); i++) {
          at.add(new long[] {part, i});
        }
      }
      Future<T> next = at.isEmpty() ? null : prefetch.submit(() -> fetch(values, at.get(0)));
      for (int k = 0; k < at.size(); k++) {
        T current = next.get();
        if (k + 1 < at.size()) {
          long[] following = at.get(k + 1);
          next = prefetch.submit(() -> fetch(values, following));
        }
        if (!sink.test(current)) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching task results", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } finally {
      prefetch.shutdownNow();
      values.unpersist(false);
    }
  }

  /** Element {@code at[1]} of partition {@code at[0]}, as one single-task job. */
  private static <T> T fetch(JavaRDD<T> values, long[] at) {
    long skip = at[1];
    return values
        .mapPartitions(
            (Iterator<T> it) -> {
              for (long j = 0; j < skip; j++) {
                it.next();
              }
              return List.of(it.next()).iterator();
            })
        .collectPartitions(new int[] {(int) at[0]})[0]
        .get(0);
  }
}
