package io.surge.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {

    @TempDir
    Path stateDir;

    @Test
    void aJobsDirectoryIsHeldByOneRunAtATime() throws Exception {
        try (StateDirectory held = StateDirectory.lock(stateDir, "surge")) {
            assertThat(held.directory()).isEqualTo(stateDir.resolve("surge").toAbsolutePath());
            assertThatThrownBy(() -> StateDirectory.lock(stateDir, "surge"))
                    .isInstanceOf(RecoveryException.class)
                    .hasMessageContaining("job 'surge' is already running on this machine")
                    .hasMessageContaining("process " + ProcessHandle.current().pid())
                    .hasMessageContaining("another job.name");
            StateDirectory.lock(stateDir, "other").close();
        }
        StateDirectory.lock(stateDir, "surge").close();
    }

    @Test
    void aStateDirectoryThatCannotBeCreatedIsRefusedNamingItAndTheOption() throws Exception {
        Path file = Files.writeString(stateDir.resolve("not-a-directory"), "");

        assertThatThrownBy(() -> StateDirectory.lock(file, "surge"))
                .isInstanceOf(RecoveryException.class)
                .hasMessageContaining("the state directory " + file.resolve("surge") + " cannot be used")
                .hasMessageContaining("state.dir");
    }

    @Test
    void theInstanceOfThePreviousRunIsRemembered() throws Exception {
        try (StateDirectory state = StateDirectory.lock(stateDir, "surge")) {
            assertThat(state.previousInstance()).isEmpty();
            state.recordInstance("surge-host-1-abc");
        }
        try (StateDirectory state = StateDirectory.lock(stateDir, "surge")) {
            assertThat(state.previousInstance()).contains("surge-host-1-abc");
        }
    }

    @Test
    void theScratchSpaceStartsEmptyForEachHolder() throws Exception {
        try (StateDirectory state = StateDirectory.lock(stateDir, "surge")) {
            Path scratch = state.clearScratch();
            Files.writeString(
                    Files.createDirectories(scratch.resolve("minicluster_1/blobs"))
                            .resolve("blob"),
                    "x");
            Files.writeString(scratch.resolve("flink-rpc-akka-1.jar"), "jar");
            Files.writeString(state.directory().resolve("instance"), "surge-host-1-abc");
        }
        try (StateDirectory state = StateDirectory.lock(stateDir, "surge")) {
            assertThat(state.clearScratch())
                    .isEqualTo(state.directory().resolve("tmp"))
                    .isEmptyDirectory();
            assertThat(state.previousInstance()).as("the rest of the directory").contains("surge-host-1-abc");
        }
    }
}
