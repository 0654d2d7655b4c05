package io.surge.testing.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What a local Flink cluster keeps in its temporary directory while it runs: its working directory and RPC jar. */
public final class ClusterFiles {

    private ClusterFiles() {}

    /** The names of the cluster files in {@code dir}; none when it does not exist. */
    public static List<String> in(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.startsWith("minicluster_") || name.startsWith("flink-rpc-akka"))
                    .toList();
        }
    }

    /** The working directories among {@link #in}, one per cluster. */
    public static long clusters(Path dir) throws IOException {
        return in(dir).stream().filter(name -> name.startsWith("minicluster_")).count();
    }
}
