package org.keepvip.agent.control;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.keepvip.agent.events.EventRecord;

/** Talks to a running daemon over its control socket; used by {@code keepvip status|reload}. */
public final class ControlClient {
    private final Path socket;
    private final Duration timeout;

    public ControlClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    public Path socket() {
        return socket;
    }

    /**
     * Sends one request and returns the response.
     *
     * @throws DaemonNotRunningException if no daemon listens on the socket
     * @throws IOException on permission errors, timeouts or a malformed response
     */
    public ControlResponse send(ControlRequest request) throws IOException {
        requireSocket();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            connect(ch);
            LineChannel.writeLine(ch, Json.LINE.toJson(request), deadline);
            String line;
            try {
                line = LineChannel.readLine(ch, deadline, LineChannel.MAX_LINE);
            } catch (SocketTimeoutException e) {
                throw new IOException("keepvip did not answer within " + timeout.toMillis() + " ms", e);
            }
            if (line == null) {
                throw new IOException("keepvip closed the control connection without answering");
            }
            return parse(line);
        }
    }

    /**
     * Reads the decision log: every record since {@code since} (all with null), in order, to
     * {@code sink}; with {@code follow}, then each new one as the daemon makes it, until the daemon
     * stops or the thread is interrupted. Without it the whole answer must arrive within the timeout.
     */
    public void events(Instant since, boolean follow, Consumer<EventRecord> sink)
            throws IOException {
        eventLines(since, follow, line -> {
            try {
                sink.accept(Json.LINE.fromJson(line, EventRecord.class));
            } catch (JsonParseException e) {
                throw new UncheckedIOException(
                        new IOException("malformed event from keepvip: " + e.getMessage(), e));
            }
        });
    }

    /** As {@link #events}, each record as the JSON line the daemon sent (what {@code --json} prints as is). */
    public void eventLines(Instant since, boolean follow, Consumer<String> sink)
            throws IOException {
        requireSocket();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            connect(ch);
            JsonObject req = new JsonObject();
            req.addProperty("cmd", ControlRequest.EVENTS);
            if (since != null) {
                req.addProperty("sinceMillis", since.toEpochMilli());
            }
            req.addProperty("follow", follow);
            LineChannel.writeLine(ch, Json.LINE.toJson(req), System.nanoTime() + timeout.toNanos());
            ch.configureBlocking(true);
            // A stream of lines: blocking reads through a buffer; a watchdog closes the channel if the
            // daemon does not answer in time (the whole answer, or only its first line when following).
            AtomicBoolean first = new AtomicBoolean(true);
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(timeout.toMillis());
                    if (!follow || first.get()) {
                        ch.close();
                    }
                } catch (InterruptedException | IOException ignored) {
                    // done, or closing anyway
                }
            }, "events-timeout");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(
                        Channels.newInputStream(ch), StandardCharsets.UTF_8));
                String head = in.readLine();
                first.set(false);
                if (head == null) {
                    throw new IOException("keepvip closed the control connection without answering");
                }
                ControlResponse r = parse(head);
                if (!r.ok()) {
                    throw new IOException(r.error());
                }
                String line;
                while ((line = in.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (AsynchronousCloseException e) {
                throw new IOException("keepvip did not answer within " + timeout.toMillis() + " ms", e);
            } finally {
                watchdog.interrupt();
            }
        }
    }

    /** No socket is "not running", unless its directory is closed to us: then we cannot tell. */
    private void requireSocket() throws IOException {
        if (Files.exists(socket)) {
            return;
        }
        Path dir = socket.toAbsolutePath().getParent();
        if (dir != null && Files.isDirectory(dir) && !Files.isExecutable(dir)) {
            throw new IOException("permission denied on control socket " + socket + " (its directory " + dir
                    + " is closed to this user: run as root or a member of the socket's group)");
        }
        throw new DaemonNotRunningException("keepvip is not running (no control socket " + socket + ")");
    }

    private void connect(SocketChannel ch) throws IOException {
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException e) {
            throw new DaemonNotRunningException("keepvip is not running (control socket " + socket
                    + " refuses connections)");
        } catch (IOException e) {
            if (e instanceof AccessDeniedException || String.valueOf(e.getMessage()).contains("ermission denied")) {
                throw new IOException("permission denied on control socket " + socket
                        + " (run as root or a member of its group)", e);
            }
            throw e;
        }
    }

    private static ControlResponse parse(String line) throws IOException {
        try {
            ControlResponse r = Json.LINE.fromJson(line, ControlResponse.class);
            if (r == null) {
                throw new IOException("empty response from keepvip");
            }
            return r;
        } catch (JsonParseException e) {
            throw new IOException("malformed response from keepvip: " + e.getMessage(), e);
        }
    }

    /** The daemon's status; an error response becomes an IOException. */
    public StatusSnapshot status() throws IOException {
        ControlResponse r = send(ControlRequest.status());
        if (!r.ok() || r.status() == null) {
            throw new IOException(r.error() == null ? "no status in response" : r.error());
        }
        return r.status();
    }

    /** Asks for a reload; the response says whether the new configuration was applied. */
    public ControlResponse reload() throws IOException {
        return send(ControlRequest.reload());
    }

    /** Asks for a planned switchover of {@code instance}; {@code to} may be null. */
    public ControlResponse switchover(String instance, String to) throws IOException {
        return send(ControlRequest.switchover(instance, to));
    }
}
