package io.surge.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetainedCheckpointsTest {

    @TempDir
    Path work;

    private Path location;

    @BeforeEach
    void locate() {
        // a directory of its own, so that moving it aside stays inside the test's directory
        location = work.resolve("checkpoints");
    }

    private RetainedCheckpoints retained() {
        return RetainedCheckpoints.local(location);
    }

    @Test
    void checkpointsOfEveryEarlierJobAreListedNewestFirstEachWithWhetherItCanBeRestored() throws Exception {
        CheckpointFiles files = new CheckpointFiles(location);
        files.complete("job-a", 3);
        files.complete("job-a", 4);
        files.complete("job-b", 5);
        CheckpointFiles.truncate(files.complete("job-b", 6));
        files.complete("job-b", 7, location.resolve("job-b").resolve("gone"));
        files.inProgress("job-b", 8);

        List<RetainedCheckpoint> listed = retained().list();

        assertThat(listed).extracting(RetainedCheckpoint::id).containsExactly(8L, 7L, 6L, 5L, 4L, 3L);
        assertThat(listed.get(0).completed()).isFalse();
        assertThat(listed.get(0).problem()).contains("no _metadata");
        assertThat(listed.get(1).problem())
                .contains("state file")
                .contains("gone")
                .contains("missing");
        assertThat(listed.get(2).completed()).isTrue();
        assertThat(listed.get(2).problem()).contains("_metadata cannot be read");
        assertThat(listed.subList(3, 6)).allMatch(RetainedCheckpoint::restorable);
        assertThat(listed.get(3).directory().getPath()).endsWith("job-b/chk-5");
    }

    @Test
    void aStateFileCutShortOrACheckpointAJobCouldNotRestoreIsPassedOver() throws Exception {
        CheckpointFiles files = new CheckpointFiles(location);
        files.complete("job-a", 3);
        Path cut = Files.createDirectories(location.resolve("job-a").resolve("shared"))
                .resolve("cut");
        Files.write(cut, new byte[0]);
        files.complete("job-a", 4, cut);
        Path failed = files.complete("job-a", 5);
        RetainedCheckpoints.markRestoreFailed(
                org.apache.flink.core.fs.Path.fromLocalFile(failed.toFile()), "IOException: Corruption: bad block");

        List<RetainedCheckpoint> listed = retained().list();

        assertThat(listed).extracting(RetainedCheckpoint::id).containsExactly(5L, 4L, 3L);
        assertThat(listed.get(0).problem())
                .contains("a job could not restore it")
                .contains("Corruption: bad block");
        assertThat(listed.get(1).problem()).contains("cut").contains("holds 0 bytes, not the 1 it was written with");
        assertThat(listed.get(2).restorable()).isTrue();
    }

    @Test
    void pruningKeepsTheJobsOfTheTwoNewestRestorableCheckpointsAndAnythingNewer() throws Exception {
        CheckpointFiles files = new CheckpointFiles(location);
        files.complete("job-a", 2);
        files.complete("job-b", 4);
        files.complete("job-c", 5);
        CheckpointFiles.truncate(files.complete("job-d", 6));
        files.inProgress("job-e", 1);
        RetainedCheckpoints retained = retained();

        retained.prune(retained.list());

        try (var left = Files.list(location)) {
            assertThat(left.map(path -> path.getFileName().toString()))
                    .containsExactlyInAnyOrder("job-b", "job-c", "job-d");
        }
    }

    @Test
    void theKafkaClusterTheOffsetsBelongToIsRememberedAndMovedAsideWithTheCheckpoints() throws Exception {
        RetainedCheckpoints retained = retained();
        assertThat(retained.kafkaCluster()).isEmpty();
        retained.recordKafkaCluster("cluster-1");
        new CheckpointFiles(location).complete("job-a", 1);

        assertThat(retained.kafkaCluster()).contains("cluster-1");
        org.apache.flink.core.fs.Path aside = retained.setAside(Instant.parse("2026-12-01T10:00:00Z"));

        assertThat(Files.exists(location)).isFalse();
        assertThat(Path.of(aside.toUri()).resolve("job-a").resolve("chk-1").resolve("_metadata"))
                .exists();
        assertThat(retained.list()).isEmpty();
        assertThat(retained.kafkaCluster()).isEmpty();
    }
}
