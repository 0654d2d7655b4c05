package io.surge.recovery;

import io.surge.config.SurgeConfig;
import io.surge.io.kafka.KafkaEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the transactions that another process of the job begins after this one claimed it. A process that was
 * stopped and goes on may open one under its own transactional ids in the moment before it learns that it lost its
 * claim and ends ({@link JobPresence}); left open, it would hold back every {@code read_committed} consumer of its
 * partitions, this job's results included, until Kafka timed it out ({@code kafka.transaction-timeout}, 15 min).
 *
 * <p>The transactions in progress at the claim are left alone: they hold the results of the checkpoint the job
 * restores, which its sink commits, or were left open by the process whose state it restores, which its sink aborts.
 */
final class StrayTransactions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StrayTransactions.class);
    private static final Duration SWEEP = Duration.ofSeconds(2);
    private static final long TIMEOUT_SECONDS = 30;

    /** Null when the job's outputs are not transactional. */
    private final Thread sweeper;

    private StrayTransactions(Thread sweeper) {
        this.sweeper = sweeper;
    }

    /** Notes the transactions in progress now, and from now on aborts any other that another process begins. */
    static StrayTransactions watch(SurgeConfig config) throws InterruptedException {
        if (!config.output().exactlyOnce()) {
            return new StrayTransactions(null);
        }
        Admin admin = Admin.create(config.kafka().clientProperties());
        Map<String, String> atClaim;
        try {
            atClaim = othersInProgress(config, admin);
        } catch (ExecutionException | TimeoutException e) {
            admin.close();
            throw new RecoveryException("cannot list the transactions of job '" + config.jobName() + "' on Kafka at "
                    + config.bootstrapServers() + " (" + e.getMessage() + "), which a job must watch for those a"
                    + " process that lost its claim may leave open; the principal needs DESCRIBE on its"
                    + " transactional ids", e);
        }
        Thread sweeper = new Thread(() -> sweep(config, admin, atClaim), "surge-stray-transactions");
        sweeper.setDaemon(true);
        sweeper.start();
        return new StrayTransactions(sweeper);
    }

    private static void sweep(SurgeConfig config, Admin admin, Map<String, String> atClaim) {
        try (admin) {
            while (true) {
                Thread.sleep(SWEEP.toMillis());
                try {
                    othersInProgress(config, admin).forEach((id, transaction) -> {
                        if (!transaction.equals(atClaim.get(id))) {
                            abort(config, id);
                            LOG.warn("aborted transaction {} ({}), which a process of job '{}' other than this one"
                                    + " began after this one claimed the job: left open, it would hold back"
                                    + " read_committed consumers of the job's outputs until Kafka timed it out", id,
                                    transaction, config.jobName());
                        }
                    });
                } catch (ExecutionException | TimeoutException | KafkaException e) {
                    LOG.warn("cannot look for transactions of job '{}' left open by another process: {}; trying"
                            + " again in {} s", config.jobName(), e.getMessage(), SWEEP.toSeconds());
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** The job's transactions in progress under other processes' ids, by id: which producer and epoch holds each. */
    private static Map<String, String> othersInProgress(SurgeConfig config, Admin admin)
            throws ExecutionException, TimeoutException, InterruptedException {
        List<String> ids = admin.listTransactions(new ListTransactionsOptions()
                        .filterStates(List.of(TransactionState.ONGOING)))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                .map(TransactionListing::transactionalId)
                .filter(id -> KafkaEndpoints.isTransactionalIdOf(config, id)
                        && !KafkaEndpoints.isWrittenByThisProcess(config, id))
                .toList();
        if (ids.isEmpty()) {
            return Map.of();
        }
        return admin.describeTransactions(ids).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet().stream()
                .filter(entry -> entry.getValue().state() == TransactionState.ONGOING)
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> holder(entry.getValue())));
    }

    /**
     * Initialises a producer on {@code id}, which bumps its epoch: the broker aborts the transaction in progress under
     * it and refuses every later write of the producer that began it.
     */
    private static void abort(SurgeConfig config, String id) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config.kafka().clientProperties(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            producer.initTransactions();
        }
    }

    private static String holder(TransactionDescription transaction) {
        return "producer id " + transaction.producerId() + ", epoch " + transaction.producerEpoch();
    }

    @Override
    public void close() throws InterruptedException {
        if (sweeper == null) {
            return;
        }
        sweeper.interrupt();
        sweeper.join(TimeUnit.SECONDS.toMillis(5));
    }
}
