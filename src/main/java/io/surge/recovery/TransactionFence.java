package io.surge.recovery;

import io.surge.config.SurgeConfig;
import io.surge.io.kafka.KafkaEndpoints;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Takes a job's transactional ids over from a process that lost its claim on the job without ending (stopped with
 * SIGSTOP, a frozen VM) and may go on where it was when it comes back.
 *
 * <p>Flink's sink, restoring a checkpoint, aborts the job's transactions that are in progress on the broker, which
 * fences the producers writing them. A transaction the old process had begun but not written to yet is not in progress
 * on the broker: it escapes that, and the old process could fill it and commit it beside the new one's results.
 * Initialising a producer on each idle id bumps the id's epoch, so the broker refuses the old producer's next write.
 * Ids in progress are left to the sink: some hold the results of the checkpoint the job restores, to be committed.
 */
final class TransactionFence {

    /**
     * Not in progress, or about to stop being so: a commit or abort under way completes before a new producer of the
     * id gets its epoch, so fencing it loses nothing.
     */
    private static final List<TransactionState> IDLE = List.of(TransactionState.EMPTY,
            TransactionState.COMPLETE_COMMIT, TransactionState.COMPLETE_ABORT, TransactionState.PREPARE_COMMIT,
            TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    private TransactionFence() {}

    /** Fences every idle transactional id of the job's sinks; returns them. */
    static List<String> fenceIdle(SurgeConfig config) throws InterruptedException {
        if (!config.output().exactlyOnce()) {
            return List.of();
        }
        List<String> idle;
        try (Admin admin = Admin.create(config.kafka().clientProperties())) {
            idle = admin.listTransactions(new ListTransactionsOptions().filterStates(IDLE)).all()
                    .get(30, TimeUnit.SECONDS).stream()
                    .map(TransactionListing::transactionalId)
                    .filter(id -> KafkaEndpoints.isTransactionalIdOf(config, id))
                    .sorted()
                    .toList();
        } catch (ExecutionException | TimeoutException e) {
            throw new RecoveryException("cannot list the transactions of job '" + config.jobName() + "' on Kafka at "
                    + config.bootstrapServers() + " (" + e.getMessage() + "), which a job taking over from a process"
                    + " that may come back must fence; the principal needs DESCRIBE on its transactional ids", e);
        }
        for (String id : idle) {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config.kafka().clientProperties(Map.of(
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
                producer.initTransactions();
            } catch (KafkaException e) {
                throw new RecoveryException("cannot fence transactional id " + id + " of job '" + config.jobName()
                        + "' on Kafka at " + config.bootstrapServers() + " (" + e.getMessage() + "), which a job"
                        + " taking over from a process that may come back must do; the principal needs WRITE on"
                        + " the job's transactional ids", e);
            }
        }
        return idle;
    }
}
