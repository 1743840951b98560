package org.keepvip.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the packaging tests share: where things are, and running a command. */
final class Tools {
    private Tools() {
    }

    /** The checkout's top directory. */
    static Path top() {
        return Path.of(System.getProperty("keepvip.top", "..")).toAbsolutePath().normalize();
    }

    /** packaging/target, where build-packages.sh writes the packages. */
    static Path packages() {
        return Path.of(System.getProperty("keepvip.packages", "target")).toAbsolutePath().normalize();
    }

    /** The pom version, e.g. 0.1.0-SNAPSHOT. */
    static String pomVersion() {
        return System.getProperty("keepvip.version", "0.1.0-SNAPSHOT");
    }

    /** The package version: 0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT. */
    static String packageVersion() {
        return pomVersion().replace('-', '~');
    }

    static Path agentJar() {
        return top().resolve("agent/target/keepvip-agent.jar");
    }

    /** The agent's runtime libraries, the jars the package must ship in /usr/share/keepvip/lib. */
    static List<String> agentLibs() throws IOException {
        try (Stream<Path> s = Files.list(top().resolve("agent/target/lib"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
    }

    /** True when {@code tool} is an executable on PATH. */
    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    record Result(int exit, String out) {
        @Override
        public String toString() {
            return "exit " + exit + ": " + out;
        }
    }

    /** Runs argv (stdout and stderr merged) with extra environment, failing after 60 s. */
    static Result run(List<String> argv, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + argv);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Result run(String... argv) throws IOException, InterruptedException {
        return run(List.of(argv), Map.of());
    }

    /** Deletes a directory tree (a test's temporary directory). */
    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(all::add);
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
