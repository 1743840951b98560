package org.keepvip.netlink;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs code inside a named network namespace (as made by {@code ip netns add NAME}).
 *
 * <p>Linux keeps the network namespace per thread, and a socket belongs to the namespace of the
 * thread that created it. {@link #newExecutor} gives a single thread that has entered the
 * namespace: sockets, pcap handles and netlink sockets opened on it live there for good, even when
 * used later from other threads. keepalived's {@code net_namespace} does the same for the whole
 * process.
 */
public final class NetNamespace {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final Path NETNS_DIR = Path.of("/var/run/netns");

    private NetNamespace() {}

    /** Moves the calling thread into namespace {@code name}; it stays there. */
    public static void enterOnCurrentThread(String name) throws IOException {
        Path file = NETNS_DIR.resolve(name);
        if (!Files.exists(file)) {
            throw new IOException("network namespace '" + name + "' does not exist (" + file + ")");
        }
        int fd;
        try {
            fd = Libc.open(file.toString(), O_RDONLY);
        } catch (LastErrorException e) {
            throw new IOException("cannot open " + file + ": errno " + e.getErrorCode(), e);
        }
        try {
            Libc.setns(fd, CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new IOException("setns(" + name + ") failed: errno " + e.getErrorCode()
                    + (e.getErrorCode() == 1 ? " (needs CAP_SYS_ADMIN)" : ""), e);
        } finally {
            Libc.close(fd);
        }
    }

    /** A single-thread executor whose thread lives in namespace {@code name}. */
    public static ExecutorService newExecutor(String name) throws IOException {
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns-" + name);
            t.setDaemon(true);
            return t;
        });
        Future<?> entered = ex.submit(() -> {
            enterOnCurrentThread(name);
            return null;
        });
        try {
            entered.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.shutdownNow();
            throw new IOException("interrupted while entering " + name, e);
        } catch (ExecutionException e) {
            ex.shutdownNow();
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        return ex;
    }

    /** Runs {@code task} once on a fresh thread inside namespace {@code name} and returns its result. */
    public static <T> T call(String name, Callable<T> task) throws Exception {
        ExecutorService ex = newExecutor(name);
        try {
            return ex.submit(task).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        } finally {
            ex.shutdownNow();
        }
    }
}
