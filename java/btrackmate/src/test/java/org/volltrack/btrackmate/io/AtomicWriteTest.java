package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;

/** A write either replaces the file completely or leaves everything as it was. */
class AtomicWriteTest {

  @TempDir Path dir;

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  /** A document that fails half-way: its last spot's ID does not fit TrackMate's int IDs. */
  private static TrackMateDocument failsMidWrite() {
    List<Spot> spots =
        Arrays.asList(Spot.builder(1, 0, 1, 1, 0).build(), Spot.builder(1L << 40, 3, 1, 1, 0).build());
    return TrackMateDocument.builder(
            new TrackModel(SpotCollection.of(spots, 0, 3), Collections.<Link>emptyList()))
        .build();
  }

  @Test
  void failedWriteLeavesNoFile() throws Exception {
    Path target = dir.resolve("tracks.xml");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TrackMateXmlWriter.write(failsMidWrite(), target));
    assertTrue(e.getMessage().contains("does not fit TrackMate's int spot IDs"), e.getMessage());
    assertEquals(Collections.emptyList(), listing());
  }

  @Test
  void failedWriteDoesNotClobberAnExistingFile() throws Exception {
    Path target = dir.resolve("tracks.xml");
    Files.write(target, "previous result".getBytes(StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class, () -> TrackMateXmlWriter.write(failsMidWrite(), target));
    assertEquals("previous result", new String(Files.readAllBytes(target), StandardCharsets.UTF_8));
    assertEquals(Collections.singletonList("tracks.xml"), listing());
  }

  @Test
  void missingFolderFailsWithoutCreatingIt() {
    Path target = dir.resolve("no-such-folder").resolve("tracks.xml");
    assertThrows(IOException.class, () -> TrackMateXmlWriter.write(SampleDocuments.full(), target));
    assertFalse(Files.exists(target.getParent()));
  }

  @Test
  void successfulWriteReplacesTheFileAndLeavesNoTemporary() throws Exception {
    Path target = dir.resolve("tracks.xml");
    Files.write(target, "previous result".getBytes(StandardCharsets.UTF_8));
    TrackMateXmlWriter.write(SampleDocuments.full(), target);
    assertEquals(Collections.singletonList("tracks.xml"), listing());
    assertEquals(9, TrackMateXmlReader.read(target).document().model().spots().size());
  }

  @Test
  void writtenFileHasTheSamePermissionsAsAnyNewFile() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
    Path plain = dir.resolve("plain.txt");
    Files.write(plain, new byte[] {1});
    Path target = dir.resolve("tracks.xml");
    TrackMateXmlWriter.write(SampleDocuments.full(), target);
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
  }

  @Test
  void relativePathInTheWorkingFolderIsAccepted() throws Exception {
    // A bare file name has no parent; the writer must resolve it against the working folder.
    Path target = dir.resolve("relative.xml");
    Path relative = Path.class.cast(target.getFileSystem().getPath("")).toAbsolutePath().relativize(target);
    TrackMateXmlWriter.write(SampleDocuments.full(), relative);
    assertTrue(Files.exists(target));
  }
}
