package org.volltrack.btrackmate.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs independent tasks on an executor (or inline) and returns their results in task order, so
 * that what is built from them does not depend on the number of threads. Progress is reported on
 * the calling thread as tasks complete.
 */
final class TaskRunner {

  /** Called on the calling thread after each completed task. */
  interface Done {
    void completed(int count, int total);
  }

  private final ExecutorService executor;

  /** @param executor the pool, or {@code null} to run every task on the calling thread */
  TaskRunner(ExecutorService executor) {
    this.executor = executor;
  }

  <T> List<T> run(List<Callable<T>> tasks, Done done) {
    int n = tasks.size();
    List<T> results = new ArrayList<>(n);
    if (executor == null || n <= 1) {
      for (int t = 0; t < n; t++) {
        results.add(call(tasks.get(t)));
        done.completed(t + 1, n);
      }
      return results;
    }
    CompletionService<T> cs = new ExecutorCompletionService<>(executor);
    List<Future<T>> futures = new ArrayList<>(n);
    try {
      for (Callable<T> task : tasks) {
        futures.add(cs.submit(task));
      }
      for (int t = 0; t < n; t++) {
        cs.take().get();
        done.completed(t + 1, n);
      }
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("tracking interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    } finally {
      for (Future<T> f : futures) {
        f.cancel(true);
      }
    }
  }

  private static <T> T call(Callable<T> task) {
    try {
      return task.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
