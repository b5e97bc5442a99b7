package org.volltrack.btrackmate.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file atomically: into a temporary file in the same folder, renamed over the target at
 * the end. A failed write leaves no file behind and an existing target untouched.
 */
public final class AtomicFile {

  private AtomicFile() {}

  /** Writes the content of a file to a stream. */
  public interface Body {
    /** Writes everything; the stream is flushed and closed by {@link AtomicFile}. */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code file} with what {@code body} writes.
   *
   * @throws IOException when the folder does not exist or a write or the rename fails
   */
  public static void write(Path file, Body body) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    // Not Files.createTempFile: its files are private (rw-------) and the rename would keep that.
    Path tmp = null;
    OutputStream raw = null;
    while (raw == null) {
      tmp = dir.resolve(
          "." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      try {
        raw = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        // another name
      }
    }
    boolean done = false;
    try {
      try (OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
        body.writeTo(out);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
