package org.keepvip.agent.script;

import org.keepvip.agent.unix.Libc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scripts the way keepalived does (keepalived/core/notify.c, system_call_script), without ever blocking the caller.
 *
 * <p>Each script is started as {@code setsid [setpriv --reuid=U --regid=G --init-groups|--clear-groups --]
 * argv...}: {@code setsid} makes it the leader of a new session and process group (a child of the
 * JVM is never a group leader, so setsid execs in place and the pid is the group id), and util-linux
 * {@code setpriv} switches user without PAM, a login session or a shell — so it is cheap enough
 * for a tracker running every second. Stdio is /dev/null (output is logged at debug level); IFS,
 * LD_PRELOAD and LD_LIBRARY_PATH are removed from the environment; there is no shell. Switching user needs root: a non-root keepvip
 * asked to run a script as another user reports {@link ScriptResult.FailedToStart}.
 *
 * <p>Starting happens on a small bounded pool; waiting costs no thread (the JDK's process reaper
 * completes {@link Process#onExit()}), and timeouts run on one timer thread. On timeout the
 * process group gets SIGTERM, then SIGKILL {@link #KILL_GRACE} later, so forked children do not
 * leak. Not done (unlike keepalived): PR_SET_PDEATHSIG, because Java forks from a pool thread and
 * the signal would follow that thread's death, not the daemon's.
 */
public final class ScriptRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScriptRunner.class);

    /** Time between SIGTERM and SIGKILL, as keepalived. */
    public static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private static final Set<String> UNSAFE_ENV = Set.of("IFS", "LD_PRELOAD", "LD_LIBRARY_PATH");
    private static final File DEV_NULL = new File("/dev/null");
    private static final long AMBIENT_CAPS = readAmbientCaps();

    private final ThreadPoolExecutor launcher;
    private final ScheduledThreadPoolExecutor timer;
    private final Set<RunningScript> running = ConcurrentHashMap.newKeySet();
    private final String setsid;
    private final String setpriv;
    private final Duration killGrace;
    private volatile boolean closed;
    /** Per script name: runs, failures, timeouts (metrics). */
    private final Map<String, AtomicLong[]> outcomes = new ConcurrentHashMap<>();

    /** A runner with {@code workers} launcher threads and the default kill grace. */
    public ScriptRunner(int workers) {
        this(workers, KILL_GRACE);
    }

    /**
     * @param workers launcher threads (forks in flight at once); further launches queue, up to
     *     1024, beyond which they fail fast with {@link ScriptResult.FailedToStart}
     * @param killGrace time between SIGTERM and SIGKILL after a timeout
     */
    public ScriptRunner(int workers, Duration killGrace) {
        AtomicInteger n = new AtomicInteger();
        this.launcher = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024), r -> daemon(r, "script-launch-" + n.incrementAndGet()));
        this.launcher.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "script-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.setsid = findTool("setsid");
        this.setpriv = findTool("setpriv");
        this.killGrace = killGrace;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static String findTool(String name) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return name; // left to PATH; a missing tool shows up as FailedToStart
    }

    /**
     * Per script name, since start: runs, runs that did not exit 0 (timeouts excluded), and runs
     * killed by their timeout.
     */
    public Map<String, long[]> outcomes() {
        Map<String, long[]> out = new TreeMap<>();
        outcomes.forEach((k, v) -> out.put(k, new long[] {v[0].get(), v[1].get(), v[2].get()}));
        return out;
    }

    /** The timer thread, shared with trackers that need a scheduler of their own. */
    public ScheduledExecutorService timer() {
        return timer;
    }

    /**
     * Runs {@code cmd} and completes with its result; a run longer than {@code timeout} is
     * killed (group SIGTERM, SIGKILL after the grace) and completes as
     * {@link ScriptResult.TimedOut} once the group is gone. The future never completes
     * exceptionally.
     */
    public CompletableFuture<ScriptResult> run(ScriptCommand cmd, Duration timeout) {
        CompletableFuture<ScriptResult> result = new CompletableFuture<>();
        AtomicLong[] counts = outcomes.computeIfAbsent(cmd.name(),
                k -> new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong()});
        counts[0].incrementAndGet();
        result.thenAccept(r -> {
            if (r instanceof ScriptResult.TimedOut) {
                counts[2].incrementAndGet();
            } else if (!r.ok()) {
                counts[1].incrementAndGet();
            }
        });
        try {
            launcher.execute(new Launch(cmd, timeout, result));
        } catch (RejectedExecutionException e) {
            result.complete(new ScriptResult.FailedToStart(
                    closed ? "keepvip is shutting down" : "too many scripts waiting to start"));
        }
        return result;
    }

    private void launchAndWatch(ScriptCommand cmd, Duration timeout, CompletableFuture<ScriptResult> result) {
        RunningScript rs;
        try {
            rs = start(cmd);
        } catch (IOException e) {
            log.warn("Script {}: cannot run {}: {}", cmd.name(), cmd.argv().get(0), e.getMessage());
            result.complete(new ScriptResult.FailedToStart(e.getMessage()));
            return;
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            if (!rs.isAlive()) {
                return; // the exit path completes the result
            }
            timedOut.set(true);
            log.warn("Script {} (pid {}) timed out after {} ms - sending SIGTERM",
                    cmd.name(), rs.pid(), timeout.toMillis());
            rs.terminate(killGrace).whenComplete((v, e) -> result.complete(new ScriptResult.TimedOut(timeout)));
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        rs.onExit().whenComplete((r, e) -> {
            deadline.cancel(false);
            if (!timedOut.get()) {
                result.complete(e != null ? new ScriptResult.FailedToStart(e.toString()) : r);
            }
        });
    }

    /**
     * Starts {@code cmd} now, on the calling thread (a fork: milliseconds), with no timeout; for
     * long-lived scripts such as {@code notify_fifo_script}. Stop it with
     * {@link RunningScript#terminate}; {@link #close()} terminates whatever is still running.
     */
    public RunningScript spawn(ScriptCommand cmd) throws IOException {
        if (closed) {
            throw new IOException("keepvip is shutting down");
        }
        return start(cmd);
    }

    /** Starts a process; launches already dequeued when close() began still get here. */
    private RunningScript start(ScriptCommand cmd) throws IOException {
        List<String> argv = commandLine(cmd, Libc.geteuid(), Libc.getegid(), AMBIENT_CAPS);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        // At debug level the output goes to a temporary file logged at exit: a file, not a pipe,
        // so a chatty script or a forked child holding the descriptor can never block anything.
        Path capture = null;
        if (log.isDebugEnabled()) {
            capture = Files.createTempFile("keepvip-script-", ".out");
            pb.redirectOutput(capture.toFile()).redirectErrorStream(true);
        }
        sanitize(pb.environment());
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            if (capture != null) {
                Files.deleteIfExists(capture);
            }
            throw e;
        }
        RunningScript rs = new RunningScript(cmd, p, start, timer);
        running.add(rs);
        Path output = capture;
        p.onExit().whenComplete((x, e) -> {
            running.remove(rs);
            if (output != null) {
                logOutput(cmd, output);
            }
        });
        log.debug("Script {} started (pid {}): {}", cmd.name(), p.pid(), cmd.commandLine());
        return rs;
    }

    /**
     * The full argv for {@code cmd}: setsid, then setpriv when switching user — or, for a non-root
     * keepvip holding ambient capabilities (the CAP_NET_RAW+CAP_NET_ADMIN deployment), setpriv
     * dropping them, so scripts do not inherit network admin rights.
     */
    List<String> commandLine(ScriptCommand cmd, int euid, int egid, long ambientCaps) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(setsid);
        RunAs as = cmd.runAs().orElse(null);
        boolean switching = as != null && (as.uid() != euid || as.gid() != egid || as.initGroups());
        if (switching) {
            if (euid != 0) {
                throw new IOException("cannot run as user " + as.user() + ": keepvip is not running as root");
            }
            argv.add(setpriv);
            argv.add("--reuid=" + as.uid());
            argv.add("--regid=" + as.gid());
            argv.add(as.initGroups() ? "--init-groups" : "--clear-groups");
            argv.add("--");
        } else if (euid != 0 && ambientCaps != 0) {
            argv.add(setpriv);
            argv.add("--inh-caps=-all");
            argv.add("--ambient-caps=-all");
            argv.add("--");
        }
        argv.addAll(cmd.argv());
        return argv;
    }

    /** This process's ambient capability set, from /proc (0 if unknown). */
    private static long readAmbientCaps() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapAmb:")) {
                    return Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("Cannot read ambient capabilities: {}", e.toString());
        }
        return 0;
    }

    /** Removes the variables keepalived unsets before exec (IFS, LD_PRELOAD, LD_LIBRARY_PATH). */
    static void sanitize(Map<String, String> env) {
        env.keySet().removeAll(UNSAFE_ENV);
    }

    private static void logOutput(ScriptCommand cmd, Path output) {
        try (var in = Files.newInputStream(output)) {
            byte[] head = in.readNBytes(4096);
            if (head.length > 0) {
                log.debug("Script {} output: {}", cmd.name(),
                        new String(head, StandardCharsets.UTF_8).stripTrailing());
            }
        } catch (IOException e) {
            log.debug("Script {}: cannot read its output: {}", cmd.name(), e.toString());
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException ignored) {
                // /tmp is cleaned eventually
            }
        }
    }

    /** Scripts currently running (for shutdown and tests). */
    public Set<RunningScript> running() {
        return Set.copyOf(running);
    }

    /**
     * Lets launches in flight finish, fails queued ones, terminates every running script (SIGTERM
     * to each group, SIGKILL after the grace), waits at most the grace plus 1.5 s, and stops the
     * threads. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        launcher.shutdown();
        List<Runnable> queued = new ArrayList<>();
        launcher.getQueue().drainTo(queued);
        for (Runnable r : queued) {
            if (r instanceof Launch l) {
                l.result.complete(new ScriptResult.FailedToStart("keepvip is shutting down"));
            }
        }
        try {
            launcher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (RunningScript rs : running) {
            all.add(rs.terminate(killGrace));
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(killGrace.toMillis() + 1500, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("Some scripts were still running at shutdown: {}", e.toString());
        }
        timer.shutdownNow();
    }

    private final class Launch implements Runnable {
        final ScriptCommand cmd;
        final Duration timeout;
        final CompletableFuture<ScriptResult> result;

        Launch(ScriptCommand cmd, Duration timeout, CompletableFuture<ScriptResult> result) {
            this.cmd = cmd;
            this.timeout = timeout;
            this.result = result;
        }

        @Override
        public void run() {
            launchAndWatch(cmd, timeout, result);
        }
    }
}
