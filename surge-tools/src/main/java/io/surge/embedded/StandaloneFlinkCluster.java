package io.surge.embedded;

import io.surge.monitoring.FlinkRest;
import io.surge.monitoring.FlinkRestException;
import io.surge.time.Waiting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.apache.flink.util.FileUtils;

/**
 * A real Flink standalone session cluster on this machine, without a Flink distribution: a JobManager and
 * TaskManagers as separate JVMs, started from Flink's own entry points with the memory flags Flink's scripts would
 * compute, on the classpath a distribution's {@code lib/} gives them ({@code surge-job/target/flink-cluster.classpath}: no
 * CEP, no Kafka connector, no surge). Jobs reach it through its REST API, as they reach any Flink cluster.
 *
 * <p>Everything it writes (configuration, logs, uploaded jars) is under its directory, deleted when it closes.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    /** What a Flink distribution's config.yaml passes every Flink JVM ({@code env.java.opts.all}) on Java 17. */
    private static final List<String> MODULE_OPENINGS = Stream.concat(
                    Stream.of(
                                    "java.base/sun.net.util",
                                    "java.rmi/sun.rmi.registry",
                                    "java.security.jgss/sun.security.krb5")
                            .map(module -> "--add-exports=" + module + "=ALL-UNNAMED"),
                    Stream.of(
                                    "java.base/java.lang",
                                    "java.base/java.net",
                                    "java.base/java.io",
                                    "java.base/java.nio",
                                    "java.base/sun.nio.ch",
                                    "java.base/java.lang.reflect",
                                    "java.base/java.text",
                                    "java.base/java.time",
                                    "java.base/java.util",
                                    "java.base/java.util.concurrent",
                                    "java.base/java.util.concurrent.atomic",
                                    "java.base/java.util.concurrent.locks")
                            .map(module -> "--add-opens=" + module + "=ALL-UNNAMED"))
            .toList();

    private final String classpath;
    private final Path directory;
    private final int restPort;
    private final FlinkRest rest;
    /** Every TaskManager gets the same memory: computed once, from the configuration. */
    private final TaskExecutorProcessSpec taskManagerMemory;

    private final ChildProcess jobManager;
    private final Map<String, ChildProcess> taskManagers = new LinkedHashMap<>();
    private int taskManagersStarted;
    private boolean closed;

    private StandaloneFlinkCluster(
            String classpath,
            Path directory,
            int restPort,
            TaskExecutorProcessSpec taskManagerMemory,
            ChildProcess jobManager) {
        this.classpath = classpath;
        this.directory = directory;
        this.restPort = restPort;
        this.rest = new FlinkRest(restUrl(), Duration.ofSeconds(5));
        this.taskManagerMemory = taskManagerMemory;
        this.jobManager = jobManager;
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers and waits until all have registered.
     *
     * @param classpath Flink's runtime, as in {@code surge-job/target/flink-cluster.classpath}
     * @param directory created for the cluster's files, and deleted with them on close
     * @param restPort the REST API's and web UI's port; 0 for a free one
     */
    public static StandaloneFlinkCluster start(
            String classpath, Path directory, int restPort, int taskManagers, int slotsPerTaskManager)
            throws Exception {
        // the JVMs run in it, so relative paths would resolve twice
        Path home = directory.toAbsolutePath();
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("log"));
        int port = restPort == 0 ? FreePort.pick() : restPort;
        writeConfiguration(home, port, slotsPerTaskManager);
        Configuration flink =
                GlobalConfiguration.loadConfiguration(home.resolve("conf").toString());
        JobManagerProcessSpec memory = JobManagerProcessUtils.processSpecFromConfig(flink);
        ChildProcess jobManager = startFlinkJvm(
                classpath,
                home,
                "jobmanager",
                JobManagerProcessUtils.generateJvmParametersStr(memory, flink),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                JobManagerProcessUtils.generateDynamicConfigsStr(memory));
        StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(
                classpath, home, port, TaskExecutorProcessUtils.processSpecFromConfig(flink), jobManager);
        try {
            for (int i = 0; i < taskManagers; i++) {
                cluster.addTaskManager();
            }
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The REST API and web UI, e.g. {@code http://localhost:8081}. */
    public String restUrl() {
        return "http://localhost:" + restPort;
    }

    /** The TaskManagers started and not killed, by resource id, which the REST API reports as their id. */
    public List<String> taskManagerIds() {
        return List.copyOf(taskManagers.keySet());
    }

    /** Starts one more TaskManager and waits until it has registered; returns its id. */
    public String addTaskManager() throws Exception {
        String id = "taskmanager-" + ++taskManagersStarted;
        ChildProcess taskManager = startFlinkJvm(
                classpath,
                directory,
                id,
                ProcessMemoryUtils.generateJvmParametersStr(taskManagerMemory),
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                TaskExecutorProcessUtils.generateDynamicConfigsStr(taskManagerMemory) + " -D taskmanager.resource-id="
                        + id);
        taskManagers.put(id, taskManager);
        Waiting.until(
                () -> {
                    jobManager.checkAlive();
                    taskManager.checkAlive();
                    return registeredTaskManagers().contains(id);
                },
                STARTUP_TIMEOUT,
                id + " to register with the JobManager at " + restUrl());
        return id;
    }

    /** Kills a TaskManager with SIGKILL, as a machine or container loss would: it gets no chance to clean up. */
    public void kill(String taskManagerId) throws InterruptedException {
        ChildProcess taskManager = taskManagers.remove(taskManagerId);
        if (taskManager == null) {
            throw new IllegalArgumentException(
                    "no running TaskManager " + taskManagerId + "; running: " + taskManagers.keySet());
        }
        taskManager.kill();
    }

    /** Safe to call twice, as a command's end and its shutdown hook both may. */
    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        for (ChildProcess taskManager : taskManagers.values()) {
            taskManager.close();
        }
        taskManagers.clear();
        jobManager.close();
        FileUtils.deleteDirectory(directory.toFile());
    }

    private List<String> registeredTaskManagers() throws InterruptedException {
        try {
            return rest.taskManagers();
        } catch (IOException | FlinkRestException e) {
            return List.of(); // the REST endpoint is not up yet
        }
    }

    private static ChildProcess startFlinkJvm(
            String classpath,
            Path directory,
            String name,
            String memoryFlags,
            String entryPoint,
            String dynamicProperties)
            throws IOException {
        List<String> arguments =
                new ArrayList<>(Arrays.asList(memoryFlags.trim().split("\\s+")));
        arguments.addAll(MODULE_OPENINGS);
        arguments.add("-Dlog.file=" + directory.resolve("log").resolve(name + ".log"));
        arguments.add("-Dlog4j.configurationFile="
                + directory.resolve("conf").resolve("log4j.properties").toUri());
        arguments.addAll(List.of(
                "-cp",
                classpath,
                entryPoint,
                "--configDir",
                directory.resolve("conf").toString()));
        arguments.addAll(Arrays.asList(dynamicProperties.trim().split("\\s+")));
        return ChildProcess.startJava(
                "the Flink " + name, arguments, directory.resolve("log").resolve(name + ".out"), directory);
    }

    private static void writeConfiguration(Path directory, int restPort, int slotsPerTaskManager) {
        Path tmp = directory.resolve("tmp");
        String config = String.join(
                "\n",
                "jobmanager.rpc.address: localhost",
                "jobmanager.rpc.port: " + FreePort.pick(),
                "jobmanager.bind-host: localhost",
                "jobmanager.memory.process.size: 768m",
                "taskmanager.host: localhost",
                "taskmanager.bind-host: localhost",
                "taskmanager.memory.process.size: 1280m",
                "taskmanager.numberOfTaskSlots: " + slotsPerTaskManager,
                "rest.address: localhost",
                "rest.bind-address: localhost",
                "rest.port: " + restPort,
                // a killed TaskManager is given up on after 5 s instead of Flink's 50
                "heartbeat.interval: 1000",
                "heartbeat.timeout: 5000",
                "io.tmp.dirs: " + tmp,
                "web.tmpdir: " + tmp,
                "");
        String log4j = String.join(
                "\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                "");
        try {
            Files.createDirectories(tmp);
            Files.writeString(directory.resolve("conf").resolve("config.yaml"), config);
            Files.writeString(directory.resolve("conf").resolve("log4j.properties"), log4j);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Flink cluster's configuration in " + directory, e);
        }
    }
}
