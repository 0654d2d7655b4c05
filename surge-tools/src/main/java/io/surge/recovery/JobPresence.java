package io.surge.recovery;

import io.surge.config.SurgeConfig;
import io.surge.io.kafka.KafkaEndpoints;
import io.surge.io.kafka.KafkaReaders;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code surge run} on its Kafka cluster: a member of the consumer group {@code <job.name>-running} for as
 * long as its process lives. It reads nothing; Kafka keeps a member while it heartbeats and drops it a session timeout
 * after it stops. Two jobs of one name would share a consumer group and checkpoints and both commit results, so a
 * start that finds another member there refuses.
 *
 * <p>A restart after a crash finds its dead predecessor's member still there for up to the session timeout; it knows
 * that member by the name recorded in the {@link StateDirectory}, whose lock proves the predecessor gone, and does not
 * wait for it. A member it does not know may be a job that crashed elsewhere: it waits a session timeout for that one
 * to go before refusing. One that goes may also belong to a process that was only stopped and comes back: each
 * process writes under transactional ids of its own, so that it cannot abort the new one's transactions, and any it
 * begins once the new one holds the job is aborted ({@link StrayTransactions}).
 *
 * <p>Its own claim holds only while its process runs: a process stopped (SIGSTOP, a frozen VM) for long enough that
 * Kafka may have dropped its member may have been replaced meanwhile, so when it runs again it is told at once, before
 * it writes more than its first records.
 */
public final class JobPresence implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobPresence.class);
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(500);
    /**
     * A stop this long may have let Kafka drop the member: its last heartbeat may have been a heartbeat interval
     * (a third of the session timeout) before the stop, and some margin is left for the time it takes to notice.
     */
    static final Duration STOP_LOSING_CLAIM = SESSION_TIMEOUT.dividedBy(2);

    private static final Duration TICK = Duration.ofMillis(50);

    private final KafkaConsumer<byte[], byte[]> member;
    private final Thread heartbeat;
    private final Thread stopWatch;
    private final StrayTransactions strays;

    private JobPresence(
            KafkaConsumer<byte[], byte[]> member, Thread heartbeat, Thread stopWatch, StrayTransactions strays) {
        this.member = member;
        this.heartbeat = heartbeat;
        this.stopWatch = stopWatch;
        this.strays = strays;
    }

    /** The process part of a member's client id, as {@link #claim} names members. */
    private static String processOfMember(String member) {
        return member.substring(member.lastIndexOf('-') + 1);
    }

    static String group(String jobName) {
        return jobName + "-running";
    }

    /**
     * Joins the job's presence group, once no other live job of the same name is in it.
     *
     * @param onClaimLost told, once, why this process may no longer hold the job: it did not run for long enough
     *     that Kafka may have dropped its member, or Kafka did drop it, or its membership failed
     */
    public static JobPresence claim(SurgeConfig config, StateDirectory state, Consumer<String> onClaimLost)
            throws IOException, InterruptedException {
        String group = group(config.jobName());
        Optional<String> predecessor = state.previousInstance();
        List<String> gone = awaitNoOtherMember(config, group, predecessor);
        if (!gone.isEmpty()) {
            LOG.info(
                    "taking job '{}' over from {}, which may only have been stopped: its transactional ids are its"
                            + " own, and any transaction it begins from now on is aborted",
                    config.jobName(),
                    gone);
        }
        // ends with the process part of its transactional ids, by which a standby knows whose to sweep
        String self = config.jobName() + "-" + InetAddress.getLocalHost().getHostName() + "-"
                + ProcessHandle.current().pid() + "-" + KafkaEndpoints.thisProcess();
        state.recordInstance(self);
        KafkaConsumer<byte[], byte[]> member = KafkaReaders.create(
                config.kafka(),
                group,
                KafkaReaders.Isolation.COMMITTED,
                false,
                Map.of(
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        self,
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                        (int) SESSION_TIMEOUT.toMillis(),
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                        (int) SESSION_TIMEOUT.toMillis() / 3));
        member.subscribe(List.of(config.topics().deadLetters()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // membership is the point, not the records
                member.pause(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                onClaimLost.accept("Kafka dropped its member of consumer group " + group);
            }
        });
        StrayTransactions strays;
        try {
            // a process waited out may not have written under its ids yet, and come back
            strays = StrayTransactions.watch(
                    config, gone.stream().map(JobPresence::processOfMember).toList());
        } catch (RuntimeException | InterruptedException e) {
            member.close();
            throw e;
        }
        Thread heartbeat = new Thread(() -> stayMember(member, onClaimLost), "surge-job-presence");
        heartbeat.setDaemon(true);
        heartbeat.start();
        Thread stopWatch = new Thread(() -> watchForStops(onClaimLost), "surge-stop-watch");
        stopWatch.setDaemon(true);
        stopWatch.start();
        LOG.info("job present on Kafka group={} member={}", group, self);
        return new JobPresence(member, heartbeat, stopWatch, strays);
    }

    /**
     * Ticks, and tells {@code onClaimLost} of the first gap between ticks of at least {@link #STOP_LOSING_CLAIM}: the
     * process did not run meanwhile.
     */
    private static void watchForStops(Consumer<String> onClaimLost) {
        long last = UptimeClock.millis();
        try {
            while (true) {
                Thread.sleep(TICK.toMillis());
                long now = UptimeClock.millis();
                if (now - last >= STOP_LOSING_CLAIM.toMillis()) {
                    onClaimLost.accept("it did not run for " + (now - last) / 1000.0 + " s (stopped with SIGSTOP, a"
                            + " frozen VM, a suspended machine), long enough for Kafka to drop its member");
                    return;
                }
                last = now;
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** Waits until no member but the predecessor is in the group; returns the client ids of those it waited out. */
    private static List<String> awaitNoOtherMember(SurgeConfig config, String group, Optional<String> predecessor)
            throws InterruptedException {
        long deadline = System.nanoTime() + SESSION_TIMEOUT.plusSeconds(3).toNanos();
        try (Admin admin = Admin.create(config.kafka().clientProperties())) {
            List<MemberDescription> others = otherMembers(admin, group, predecessor);
            Set<String> waitedOut = new TreeSet<>();
            while (!others.isEmpty()) {
                others.forEach(other -> waitedOut.add(other.clientId()));
                if (System.nanoTime() > deadline) {
                    throw new RecoveryException("job '" + config.jobName() + "' is already running against this"
                            + " Kafka: "
                            + others.stream()
                                    .map(m -> m.clientId() + " from " + m.host())
                                    .collect(Collectors.joining(", "))
                            + " is in its consumer group " + group + ". Two jobs of one name would both commit"
                            + " results, each twice; stop that one first, or give this one another job.name");
                }
                Thread.sleep(POLL.toMillis());
                others = otherMembers(admin, group, predecessor);
            }
            return List.copyOf(waitedOut);
        } catch (ExecutionException | TimeoutException e) {
            throw new RecoveryException("cannot ask Kafka at " + config.bootstrapServers() + " whether job '"
                    + config.jobName() + "' is already running (" + e.getMessage() + "); check kafka.bootstrap");
        }
    }

    private static List<MemberDescription> otherMembers(Admin admin, String group, Optional<String> predecessor)
            throws ExecutionException, TimeoutException, InterruptedException {
        ConsumerGroupDescription description;
        try {
            description = admin.describeConsumerGroups(List.of(group))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(group);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of();
            }
            throw e;
        }
        return description.members().stream()
                .filter(member -> predecessor
                        .map(known -> !known.equals(member.clientId()))
                        .orElse(true))
                .toList();
    }

    private static void stayMember(KafkaConsumer<byte[], byte[]> member, Consumer<String> onClaimLost) {
        try {
            while (true) {
                member.poll(POLL);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("job presence on Kafka failed", e);
            onClaimLost.accept("its member of the job's consumer group failed (" + e + ")");
        }
    }

    /**
     * The job has completed a checkpoint: it has committed what the checkpoint it restored held, so every transaction
     * other processes of it left open is a stray ({@link StrayTransactions}).
     */
    public void jobCheckpointed() {
        strays.jobCheckpointed();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            strays.close();
        } finally {
            stopWatch.interrupt();
            member.wakeup();
            heartbeat.join(TimeUnit.SECONDS.toMillis(5));
            member.close(Duration.ofSeconds(5));
        }
    }
}
