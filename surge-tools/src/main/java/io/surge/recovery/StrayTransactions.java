package io.surge.recovery;

import io.surge.config.SurgeConfig;
import io.surge.io.kafka.KafkaEndpoints;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the transactions other processes of the job leave open, each of which would hold back every
 * {@code read_committed} consumer of its partitions, this job's results included, until Kafka timed it out
 * ({@code kafka.transaction-timeout}, 15 min). A process that was stopped and goes on may begin some under its ids in
 * the moment before it learns that it lost its claim and ends ({@link JobPresence}); a process killed before its first
 * checkpoint leaves those it had begun, and Flink's sink, restoring a checkpoint, aborts only those of the process that
 * wrote it.
 *
 * <p>Only the processes whose ids the broker knew at the claim, or whose members the claim waited out, are this one's
 * to sweep: one that claims the job after this one lost it writes under ids this one never saw. The transactions in
 * progress at the claim may hold the results of the checkpoint the job restores, which its sink commits as it starts;
 * they are aborted only once the job has completed a checkpoint of its own ({@link #jobCheckpointed}), which every
 * part of it, those commits done, took part in. Any other is aborted within a sweep.
 */
final class StrayTransactions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StrayTransactions.class);
    private static final Duration SWEEP = Duration.ofSeconds(2);
    private static final long TIMEOUT_SECONDS = 30;

    private record Holder(long producerId, int epoch) {
        @Override
        public String toString() {
            return "producer id " + producerId + ", epoch " + epoch;
        }
    }

    private final SurgeConfig config;
    private final Admin admin;
    private final Set<String> knownProcesses;
    private final Map<String, Holder> inProgressAtClaim;
    private volatile boolean jobCheckpointed;
    /** Null when the job's outputs are not transactional. */
    private final Thread sweeper;

    private StrayTransactions(
            SurgeConfig config, Admin admin, Set<String> knownProcesses, Map<String, Holder> inProgressAtClaim) {
        this.config = config;
        this.admin = admin;
        this.knownProcesses = knownProcesses;
        this.inProgressAtClaim = inProgressAtClaim;
        this.sweeper = admin == null ? null : new Thread(this::sweep, "surge-stray-transactions");
    }

    /**
     * Notes the other processes of the job and their transactions in progress now, and starts sweeping.
     *
     * @param waitedOut processes known to have run the job besides those whose ids the broker knows
     */
    static StrayTransactions watch(SurgeConfig config, Collection<String> waitedOut) throws InterruptedException {
        if (!config.output().exactlyOnce()) {
            return new StrayTransactions(config, null, Set.of(), Map.of());
        }
        Admin admin = Admin.create(config.kafka().clientProperties());
        StrayTransactions strays;
        try {
            Set<String> known = new HashSet<>(waitedOut);
            known.addAll(processes(config, admin.listTransactions().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
            strays = new StrayTransactions(config, admin, known, inProgress(config, admin, known));
        } catch (ExecutionException | TimeoutException e) {
            admin.close();
            throw new RecoveryException(
                    "cannot list the transactions of job '" + config.jobName() + "' on Kafka at "
                            + config.bootstrapServers() + " (" + e.getMessage() + "), which a job reads at its start to"
                            + " abort those that other processes of it leave open; check kafka.bootstrap",
                    e);
        } catch (RuntimeException | InterruptedException e) {
            admin.close();
            throw e;
        }
        strays.sweeper.setDaemon(true);
        strays.sweeper.start();
        return strays;
    }

    /** The job has completed a checkpoint of its own: the transactions in progress at the claim are strays too. */
    void jobCheckpointed() {
        jobCheckpointed = true;
    }

    private void sweep() {
        boolean failing = false;
        try (admin) {
            while (true) {
                Thread.sleep(SWEEP.toMillis());
                try {
                    inProgress(config, admin, knownProcesses).forEach((id, holder) -> {
                        if (jobCheckpointed || !holder.equals(inProgressAtClaim.get(id))) {
                            abort(id);
                            LOG.warn(
                                    "aborted transaction {} ({}) of job '{}', which another process of the job left"
                                            + " open: it would have held back read_committed consumers of the job's outputs"
                                            + " until Kafka timed it out",
                                    id,
                                    holder,
                                    config.jobName());
                        }
                    });
                    if (failing) {
                        LOG.info(
                                "looking for transactions of job '{}' left open by other processes works again",
                                config.jobName());
                    }
                    failing = false;
                } catch (InterruptException e) {
                    return;
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    if (!failing) {
                        LOG.warn(
                                "cannot look for transactions of job '{}' left open by other processes; trying again"
                                        + " every {} s",
                                config.jobName(),
                                SWEEP.toSeconds(),
                                e);
                    }
                    failing = true;
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    private static Set<String> processes(SurgeConfig config, Collection<TransactionListing> transactions) {
        return transactions.stream()
                .map(transaction -> KafkaEndpoints.processOf(config.kafkaJob(), transaction.transactionalId()))
                .flatMap(Optional::stream)
                .filter(process -> !process.equals(KafkaEndpoints.thisProcess()))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The transactions in progress under the ids of {@code processes}, by id. */
    private static Map<String, Holder> inProgress(SurgeConfig config, Admin admin, Set<String> processes)
            throws ExecutionException, TimeoutException, InterruptedException {
        List<String> ids = admin
                .listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
                .all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .stream()
                .map(TransactionListing::transactionalId)
                .filter(id -> KafkaEndpoints.processOf(config.kafkaJob(), id)
                        .filter(processes::contains)
                        .isPresent())
                .toList();
        if (ids.isEmpty()) {
            return Map.of();
        }
        return admin.describeTransactions(ids).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet().stream()
                .filter(entry -> entry.getValue().state() == TransactionState.ONGOING)
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> holder(entry.getValue())));
    }

    private static Holder holder(TransactionDescription transaction) {
        return new Holder(transaction.producerId(), transaction.producerEpoch());
    }

    /**
     * Initialises a producer on {@code id}, which bumps its epoch: the broker aborts the transaction in progress under
     * it and refuses every later write of the producer that began it.
     */
    private void abort(String id) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config.kafka()
                .clientProperties(Map.of(
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            producer.initTransactions();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (sweeper != null) {
            sweeper.interrupt();
            sweeper.join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}
