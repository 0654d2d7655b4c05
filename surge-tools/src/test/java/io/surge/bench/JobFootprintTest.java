package io.surge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobFootprintTest {

    @Test
    void aFailuresReasonIsItsFirstLineWithoutTheIdsOfTasks() {
        String unknownTask = "TaskManager received a checkpoint request for unknown task"
                + " 6899b2e75f1f867c4661903f5139d3b2_19d3a7d49618986a4a2625aa790e6107_0_0. Failure reason: Task local"
                + " checkpoint failure.\n\tat org.apache.flink.runtime.taskexecutor.TaskExecutor.triggerCheckpoint";

        assertThat(JobFootprint.reason(unknownTask))
                .isEqualTo("TaskManager received a checkpoint request for unknown task <task>. Failure reason: Task"
                        + " local checkpoint failure.");
        assertThat(JobFootprint.reason("Checkpoint was declined (task is closing)\nCaused by: ..."))
                .isEqualTo("Checkpoint was declined (task is closing)");
        assertThat(JobFootprint.reason(null)).isEqualTo("no message");
        assertThat(JobFootprint.reason("\n")).isEqualTo("no message");
    }
}
