package org.keepvip.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/** A real redis-server on 127.0.0.1, a random free port and a temp dir; for tests only. */
final class RedisServer implements AutoCloseable {

    static final String BINARY = "/usr/bin/redis-server";

    final int port;
    final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private RedisServer(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
    }

    static void assumeAvailable() {
        assumeTrue(Files.isExecutable(Path.of(BINARY)), "redis-server not installed");
    }

    /** Starts a server with {@code extra} arguments (e.g. "--requirepass", "x") and waits for it. */
    static RedisServer start(String... extra) throws IOException {
        assumeAvailable();
        for (int attempt = 1; ; attempt++) {
            RedisServer s = new RedisServer(freePort(), Files.createTempDirectory("kvredis"), List.of(extra));
            try {
                s.launch();
                return s;
            } catch (IOException e) {
                s.close();
                // Another process may have taken the free port between probe and bind.
                if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(BINARY, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--logfile", dir.resolve("redis.log").toString(), "--enable-debug-command", "yes",
                "--protected-mode", "no", "--repl-diskless-sync-delay", "0"));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        awaitListening();
    }

    RedisEndpoint endpoint() {
        return RedisEndpoint.of("127.0.0.1", port);
    }

    long pid() {
        return process.pid();
    }

    Jedis client() {
        return new Jedis("127.0.0.1", port, 2000);
    }

    /** Stops the process (SIGKILL, after SIGCONT in case it is stopped) and waits for it. */
    void kill() {
        if (process != null && process.isAlive()) {
            signal("CONT");
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void signal(String sig) {
        try {
            Process p = new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).start();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("kill -" + sig + " failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Jedis j = new Jedis("127.0.0.1", port, 200)) {
                j.getConnection().connect();
                return;
            } catch (RuntimeException e) {
                if (!process.isAlive()) {
                    throw new IOException("redis-server exited: " + Files.readString(dir.resolve("stdout.log"))
                            + readLog());
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new IOException("redis-server on port " + port + " did not start: " + e);
                }
                RedisNode.pause(5);
            }
        }
    }

    String readLog() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Polls {@code cond} every few ms until true or {@code millis} pass; returns the last value. */
    static boolean await(long millis, java.util.function.BooleanSupplier cond) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return cond.getAsBoolean();
            }
            RedisNode.pause(5);
        }
        return true;
    }
}
