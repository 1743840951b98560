package org.keepvip.agent.control;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon's control socket: a Unix-domain stream socket (mode 0660) where each connection
 * carries one JSON request line and gets one JSON response line (see {@link ControlRequest},
 * {@link ControlResponse}). Garbage gets an error response; a client that does not send its line
 * within the read timeout is dropped; a few connections are served at once and more are refused
 * with an error; no exception stops the accept thread.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /** The default socket path. */
    public static final Path DEFAULT_PATH = Path.of("/run/keepvip/keepvip.sock");
    /** How long a client may take to send its request and read the answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_REQUEST = 64 * 1024;

    private final Path path;
    private final ServerSocketChannel server;
    private final ControlHandler handler;
    private final Duration timeout;
    private final ThreadPoolExecutor workers;
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(Path path, ServerSocketChannel server, ControlHandler handler, Duration timeout) {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, "control-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.workers.allowCoreThreadTimeOut(true);
        this.acceptor = new Thread(this::acceptLoop, "control-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Binds {@code path} and starts serving. A stale socket left by a killed daemon is replaced;
     * a socket where a daemon still answers, or a path that is not a socket, is an error.
     */
    public static ControlServer start(Path path, ControlHandler handler, Duration timeout) throws IOException {
        Objects.requireNonNull(handler);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent);
        }
        removeStale(path);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on control socket " + path + ": " + e.getMessage(), e);
        }
        ControlServer s = new ControlServer(path, ch, handler, timeout);
        s.acceptor.start();
        log.info("Control socket listening on {}", path);
        return s;
    }

    /** {@link #start(Path, ControlHandler, Duration)} with the default timeout. */
    public static ControlServer start(Path path, ControlHandler handler) throws IOException {
        return start(path, handler, DEFAULT_TIMEOUT);
    }

    private static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0170000) != 0140000) {
            throw new IOException("control socket path " + path + " exists and is not a socket");
        }
        SocketChannel probe;
        try {
            probe = SocketChannel.open(UnixDomainSocketAddress.of(path));
        } catch (ConnectException refused) {
            Files.deleteIfExists(path); // left by a killed daemon
            return;
        }
        probe.close();
        throw new IOException("another keepvip is running (control socket " + path + " answers)");
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                log.warn("Control socket accept failed: {}", e.toString());
                pause();
                continue;
            }
            try {
                workers.execute(() -> serve(client));
            } catch (RejectedExecutionException e) {
                reply(client, ControlResponse.error("busy: too many control connections"));
                closeQuietly(client);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100); // back off a failing accept (e.g. EMFILE) instead of spinning
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(SocketChannel client) {
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            String line;
            try {
                line = LineChannel.readLine(client, deadline, MAX_REQUEST);
            } catch (LineChannel.LineTooLongException e) {
                reply(client, ControlResponse.error("request too long"));
                return;
            }
            if (line == null) {
                return;
            }
            LineChannel.writeLine(client, Json.LINE.toJson(dispatch(line)), System.nanoTime() + timeout.toNanos());
        } catch (IOException e) {
            log.debug("Control client dropped: {}", e.toString());
        } catch (RuntimeException e) {
            log.error("Control request failed", e);
        } finally {
            closeQuietly(client);
        }
    }

    /** Parses one request line and runs it; every failure becomes an error response. */
    ControlResponse dispatch(String line) {
        JsonObject req;
        try {
            // Strict JSON, one value: Gson's default leniency would also run {cmd:reload} or
            // "{...} trailing words", which no client of ours sends.
            JsonReader reader = new JsonReader(new StringReader(line));
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = JsonParser.parseReader(reader);
            if (!atEnd(reader)) {
                return ControlResponse.error("bad request: text after the JSON object");
            }
            if (!e.isJsonObject()) {
                return ControlResponse.error("bad request: expected a JSON object");
            }
            req = e.getAsJsonObject();
        } catch (RuntimeException e) {
            return ControlResponse.error("bad request: not JSON");
        }
        String cmd = string(req, "cmd");
        if (cmd == null) {
            return ControlResponse.error("bad request: missing \"cmd\"");
        }
        try {
            switch (cmd) {
                case ControlRequest.STATUS:
                    return ControlResponse.of(handler.status());
                case ControlRequest.RELOAD:
                    return handler.reload();
                case ControlRequest.SWITCHOVER: {
                    String instance = string(req, "instance");
                    if (instance == null) {
                        return ControlResponse.error("bad request: switchover needs \"instance\"");
                    }
                    return handler.switchover(instance, string(req, "to"));
                }
                default:
                    return ControlResponse.error("unknown command '" + cmd + "'");
            }
        } catch (RuntimeException e) {
            log.error("Control command {} failed", cmd, e);
            return ControlResponse.error(cmd + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    private static boolean atEnd(JsonReader reader) {
        try {
            return reader.peek() == JsonToken.END_DOCUMENT;
        } catch (IOException | RuntimeException e) {
            return false; // something follows that is not even JSON
        }
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    private void reply(SocketChannel client, ControlResponse r) {
        try {
            LineChannel.writeLine(client, Json.LINE.toJson(r), System.nanoTime() + 500_000_000L);
        } catch (IOException | RuntimeException e) {
            log.debug("Control reply failed: {}", e.toString());
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Stops accepting, closes the socket and removes its file. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.shutdownNow();
        try {
            acceptor.join(2000);
            Files.deleteIfExists(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("Unable to remove control socket {}: {}", path, e.getMessage());
        }
    }
}
