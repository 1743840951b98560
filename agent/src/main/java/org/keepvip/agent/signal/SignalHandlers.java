package org.keepvip.agent.signal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

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
        SignalHandler ours = s -> {
            try {
                sink.accept(event);
            } catch (RuntimeException e) {
                log.error("Handling SIG{} failed", name, e);
            }
        };
        SignalHandler old = Signal.handle(sig, ours);
        if (old == SignalHandler.SIG_IGN && restoreDefault(sig)) {
            // The JVM leaves HUP, INT and TERM ignored when they were ignored at start (nohup, a
            // background job) and installs nothing. keepalived handles them whatever it inherited, and
            // so does keepvip: reload and a clean stop (priority 0, VIPs removed) must keep working.
            log.info("SIG{} was ignored when keepvip started (nohup?); handling it anyway", name);
            Signal.handle(sig, ours);
        }
        previous.put(sig, old);
    }

    /** libc's signal(2), only to undo an inherited SIG_IGN. */
    private interface SignalLibc extends Library {
        Pointer signal(int signum, Pointer handler);
    }

    /** Sets {@code sig} back to SIG_DFL (a null handler); false if libc cannot be reached. */
    private static boolean restoreDefault(Signal sig) {
        try {
            SignalLibc libc = Native.load("c", SignalLibc.class);
            libc.signal(sig.getNumber(), null);
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            log.warn("SIG{} was ignored when keepvip started and cannot be handled: {}", sig.getName(), e.toString());
            return false;
        }
    }

    /** Restores the handlers that were in place before (for tests and a clean exit). */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
