package io.reweigh.core.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Brings large per-task values (n-gram tables, count-min sketches) to the driver one at a time.
 * {@code collect} or {@code treeReduce} would hold several at once on the driver and count them all
 * against {@code spark.driver.maxResultSize} (a tree reduce of two 560 MB sketches failed the 1 GB
 * default); here only one value is in flight besides the one being merged.
 *
 * <p>Two ways, one contract (every value handed to the sink once, in an order the sink must not
 * depend on: the callers add counts):
 *
 * <ul>
 *   <li><b>On a cluster</b> (and local mode with task retries, {@code local[N,F]}): the values are
 *       computed once (persisted serialized, memory then disk), counted per partition, then fetched
 *       in partition order by single-task jobs, the next one while the caller merges the current
 *       one.
 *   <li><b>In local mode</b> ({@code local}, {@code local[N]}, {@code local[*]}) the tasks run in
 *       the driver's JVM and a failed task fails the job (no retry can hand a value over twice), so
 *       each task hands its values over in memory through a one-slot queue while the job runs: no
 *       serialization, no block-manager copy, no fetch jobs. A task waits while the driver is still
 *       busy with the previous value, which bounds memory the same way. On the 137 MB order-4 run
 *       of docs/benchmarks.md this took the fetch phase from ~10 s of 21 single-task jobs to the
 *       merge alone.
 * </ul>
 */
public final class TaskResults {
  private TaskResults() {}

  /** Hand-over queues of the running {@link #handOver} calls, by key (local mode: one JVM). */
  private static final Map<String, BlockingQueue<Object>> CHANNELS = new ConcurrentHashMap<>();

  /**
   * Hands every element of {@code values} to {@code sink}; stops early when {@code sink} returns
   * false. Returns whether every element was handed over.
   */
  public static <T> boolean forEach(JavaRDD<T> values, Predicate<T> sink) {
    return inProcess(values.context().master())
        ? handOver(values, sink)
        : fetchInPartitionOrder(values, sink);
  }

  /** Which way {@link #forEach} takes under this master, for manifests. */
  public static String way(String master) {
    return inProcess(master)
        ? "handed over in memory (local mode)"
        : "persisted, fetched one per single-task job";
  }

  /**
   * Whether tasks run in this JVM and a failed task fails its job: {@code local}, {@code local[N]},
   * {@code local[*]} (not {@code local[N,F]}, which retries tasks, nor a cluster).
   */
  static boolean inProcess(String master) {
    return master.equals("local") || master.matches("local\\[(\\d+|\\*)\\]");
  }

  /** Local mode: the tasks put their values into a one-slot queue the driver takes from. */
  @SuppressWarnings("unchecked")
  static <T> boolean handOver(JavaRDD<T> values, Predicate<T> sink) {
    String key = UUID.randomUUID().toString();
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
    CHANNELS.put(key, queue);
    JavaFutureAction<Void> job = null;
    try {
      job =
          values.foreachPartitionAsync(
              it -> {
                while (it.hasNext()) {
                  Object v = it.next();
                  while (true) {
                    BlockingQueue<Object> q = CHANNELS.get(key);
                    if (q == null) {
                      return; // the driver stopped taking values
                    }
                    if (q.offer(v, 50, TimeUnit.MILLISECONDS)) {
                      break;
                    }
                    TaskContext tc = TaskContext.get();
                    if (tc != null && tc.isInterrupted()) {
                      return;
                    }
                  }
                }
              });
      while (true) {
        Object v = queue.poll(50, TimeUnit.MILLISECONDS);
        if (v == null && job.isDone()) {
          v = queue.poll(); // a task's last value, put before the job ended
          if (v == null) {
            job.get(); // throws the job's failure
            return true;
          }
        }
        if (v != null && !sink.test((T) v)) {
          return false;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while taking task results", e);
    } catch (ExecutionException e) {
      throw TaskResults.<RuntimeException>sneaky(e.getCause());
    } finally {
      CHANNELS.remove(key);
      if (job != null && !job.isDone()) {
        job.cancel(true);
      }
    }
  }

  /** Rethrows a job's failure as it is (as a synchronous Spark action would). */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /** Cluster: persisted values fetched one per single-task job, in partition order. */
  static <T> boolean fetchInPartitionOrder(JavaRDD<T> values, Predicate<T> sink) {
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
