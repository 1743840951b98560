package org.keepvip.agent.signal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns keepalived's signals into {@link SignalEvent}s for the event loop: HUP → RELOAD,
 * TERM/INT → STOP, USR1 → DATA_DUMP, USR2 → STATS_DUMP. The sink runs on the JVM's signal
 * dispatch thread and must only enqueue.
 *
 * <p>Once installed, TERM and INT no longer make the JVM exit by themselves (nor run shutdown
 * hooks): the daemon exits after its STOP handling. Uses {@code sun.misc.Signal}, which is in
 * the JDK's {@code jdk.unsupported} module and works on every JDK 17 in use.
 */
public final class SignalHandlers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SignalHandlers.class);

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private SignalHandlers() {}

    /**
     * Installs the handlers.
     *
     * @param sink receives one event per signal delivered
     * @param ignoreSigint keepalived's {@code --ignore-sigint}: leave SIGINT alone
     */
    public static SignalHandlers install(Consumer<SignalEvent> sink, boolean ignoreSigint) {
        Objects.requireNonNull(sink);
        SignalHandlers h = new SignalHandlers();
        h.handle("HUP", SignalEvent.RELOAD, sink);
        h.handle("TERM", SignalEvent.STOP, sink);
        if (!ignoreSigint) {
            h.handle("INT", SignalEvent.STOP, sink);
        }
        h.handle("USR1", SignalEvent.DATA_DUMP, sink);
        h.handle("USR2", SignalEvent.STATS_DUMP, sink);
        return h;
    }

    /** {@link #install(Consumer, boolean)} with SIGINT handled as STOP. */
    public static SignalHandlers install(Consumer<SignalEvent> sink) {
        return install(sink, false);
    }

    private void handle(String name, SignalEvent event, Consumer<SignalEvent> sink) {
        Signal sig = new Signal(name);
        SignalHandler old = Signal.handle(sig, s -> {
            try {
                sink.accept(event);
            } catch (RuntimeException e) {
                log.error("Handling SIG{} failed", name, e);
            }
        });
        previous.put(sig, old);
    }

    /** Restores the handlers that were in place before (for tests and a clean exit). */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
