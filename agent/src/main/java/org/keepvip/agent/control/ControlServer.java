package org.keepvip.agent.control;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
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
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.keepvip.agent.latency.ThreadNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's control socket: a Unix-domain stream socket (mode 0660) where each connection
 * carries one JSON request line and gets one JSON response line (see {@link ControlRequest},
 * {@link ControlResponse}); {@code events} answers with a stream of lines ({@link EventStream}).
 * Garbage gets an error response; a client that does not send its line
 * within the read timeout is dropped; a few connections are served at once and more are refused
 * with an error; no exception stops the accept thread.
 *
 * <p>Who may do what: the socket belongs to the control group (by default {@code keepvip}, which the
 * packages create) when that group exists, so its members may connect and read ({@code status},
 * {@code events}); {@code reload} and {@code switchover} are refused unless the peer, as the kernel
 * reports it ({@code SO_PEERCRED}), is root or the daemon's own user ({@link Caller}).
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /** The default socket path. */
    public static final Path DEFAULT_PATH = Path.of("/run/keepvip/keepvip.sock");
    /** How long a client may take to send its request and read the answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_REQUEST = 64 * 1024;
    /** The group whose members may read status and events, when it exists. */
    public static final String DEFAULT_GROUP = "keepvip";
    /** Followers ({@code events --follow}) served at once: each holds a worker. */
    private static final int MAX_FOLLOWERS = 2;

    private final Path path;
    private final ServerSocketChannel server;
    private final ControlHandler handler;
    private final Duration timeout;
    private final ThreadPoolExecutor workers;
    private final Thread acceptor;
    private final AtomicInteger followers = new AtomicInteger();
    private volatile boolean closed;

    private ControlServer(Path path, ServerSocketChannel server, ControlHandler handler, Duration timeout) {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, ThreadNames.CONTROL_PREFIX + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.workers.allowCoreThreadTimeOut(true);
        this.acceptor = new Thread(this::acceptLoop, ThreadNames.CONTROL_PREFIX + "accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Binds {@code path} and starts serving. A stale socket left by a killed daemon is replaced;
     * a socket where a daemon still answers, or a path that is not a socket, is an error.
     */
    public static ControlServer start(Path path, ControlHandler handler, Duration timeout) throws IOException {
        return start(path, handler, timeout, null);
    }

    /**
     * As {@link #start(Path, ControlHandler, Duration)}; the socket's group becomes {@code group} when
     * that group exists (null: leave it as created).
     */
    public static ControlServer start(Path path, ControlHandler handler, Duration timeout, String group)
            throws IOException {
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
            if (group != null) {
                try {
                    giveToGroup(path, group);
                } catch (IOException e) {
                    // Without CAP_CHOWN (or membership) the group cannot be set: root-only, still usable.
                    log.warn("Cannot give the control socket to group {}, it stays root-only: {}", group, e.toString());
                }
            }
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

    /** Lets {@code group} read through the socket; without that group only root (and our user) can connect. */
    private static void giveToGroup(Path path, String group) throws IOException {
        GroupPrincipal g;
        try {
            g = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            log.info("Group {} does not exist: the control socket is for root only", group);
            return;
        }
        Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS).setGroup(g);
        // The group must reach the socket: its directory (systemd's RuntimeDirectory, mode 0750) goes
        // to the group too, when it is ours. Other directories are the administrator's to open.
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(path,
                LinkOption.NOFOLLOW_LINKS))) {
            Files.getFileAttributeView(dir, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).setGroup(g);
        }
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
            Caller caller = Caller.of(client);
            JsonObject events = eventsRequest(line);
            if (events != null) {
                streamEvents(client, events);
                return;
            }
            LineChannel.writeLine(client, Json.LINE.toJson(dispatch(line, caller)),
                    System.nanoTime() + timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("Control client dropped: {}", e.toString());
        } catch (RuntimeException e) {
            log.error("Control request failed", e);
        } finally {
            closeQuietly(client);
        }
    }

    /** The request when it is {@code events}, else null (the one command answered with a stream). */
    private static JsonObject eventsRequest(String line) {
        try {
            JsonElement e = JsonParser.parseString(line);
            return e.isJsonObject() && ControlRequest.EVENTS.equals(string(e.getAsJsonObject(), "cmd"))
                    ? e.getAsJsonObject() : null;
        } catch (RuntimeException e) {
            return null; // dispatch answers what is wrong with it
        }
    }

    /** {@code events}: {@code sinceMillis} (epoch ms, optional) and {@code follow} (optional). */
    private void streamEvents(SocketChannel client, JsonObject req) throws IOException, InterruptedException {
        Instant since = null;
        JsonElement s = req.get("sinceMillis");
        if (s != null && !s.isJsonNull()) {
            if (!s.isJsonPrimitive() || !s.getAsJsonPrimitive().isNumber()) {
                reply(client, ControlResponse.error("bad request: \"sinceMillis\" must be a number"));
                return;
            }
            since = Instant.ofEpochMilli(s.getAsLong());
        }
        JsonElement f = req.get("follow");
        boolean follow = f != null && f.isJsonPrimitive() && f.getAsJsonPrimitive().isBoolean() && f.getAsBoolean();
        if (follow && followers.incrementAndGet() > MAX_FOLLOWERS) {
            followers.decrementAndGet();
            reply(client, ControlResponse.error("busy: " + MAX_FOLLOWERS + " clients already follow the events"));
            return;
        }
        try {
            EventStream.serve(client, handler.events(), since, follow, timeout.toNanos(), () -> closed);
        } finally {
            if (follow) {
                followers.decrementAndGet();
            }
        }
    }

    /** Parses one request line and runs it for a privileged caller (tests). */
    ControlResponse dispatch(String line) {
        return dispatch(line, Caller.ROOT);
    }

    /** Parses one request line and runs it; every failure becomes an error response. */
    ControlResponse dispatch(String line, Caller caller) {
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
        if ((cmd.equals(ControlRequest.RELOAD) || cmd.equals(ControlRequest.SWITCHOVER)) && !caller.privileged()) {
            log.warn("Control command {} refused to user {}: root only", cmd, caller.user());
            return ControlResponse.error("permission denied: " + cmd + " is for root only (user " + caller.user()
                    + " may read status and events)");
        }
        try {
            switch (cmd) {
                case ControlRequest.EVENTS:
                    return ControlResponse.error("events is answered as a stream on the control socket");
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
