package org.keepvip.agent.script;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.state.VrrpState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.keepvip.agent.loop.Ports;

/** notify_* scripts, the generic notify and the FIFO for every instance, each instance in order. */
public final class ScriptNotifier implements Ports.Notifier {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");
    static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, NotifyDispatcher> dispatchers = new LinkedHashMap<>();

    public ScriptNotifier(List<InstanceSpec> instances, ScriptRunner runner, Optional<NotifyFifo> fifo) {
        for (InstanceSpec i : instances) {
            dispatchers.put(i.name(), new NotifyDispatcher(NotifyTarget.instance(i.name()), scripts(i), runner, fifo,
                    NOTIFY_TIMEOUT));
        }
    }

    @Override
    public void instanceState(String instance, VrrpState state, int priority) {
        NotifyDispatcher d = dispatchers.get(instance);
        NotifyState ns = switch (state) {
            case MASTER -> NotifyState.MASTER;
            case BACKUP -> NotifyState.BACKUP;
            case FAULT -> NotifyState.FAULT;
            case STOP -> NotifyState.STOP;
            default -> null;
        };
        if (d != null && ns != null) {
            d.notify(ns, priority);
        }
    }

    /**
     * fifo_write_vrrp_states_on_reload: writes an instance's unchanged state to the FIFO again, in
     * order with its other notifications; no script runs.
     */
    public void fifoState(String instance, VrrpState state, int priority) {
        NotifyDispatcher d = dispatchers.get(instance);
        if (d != null && (state == VrrpState.MASTER || state == VrrpState.BACKUP || state == VrrpState.FAULT)) {
            d.event(state.name(), Optional.empty(), priority);
        }
    }

    /** Waits for the queued notifies (STOP at shutdown), at most {@code timeout} in total. */
    public void awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (NotifyDispatcher d : dispatchers.values()) {
            try {
                d.idle().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                LOG.warn("({}) notify scripts still running at exit", d.target().name());
            }
        }
    }

    private static NotifyScripts scripts(InstanceSpec i) {
        Map<NotifyState, ScriptCommand> specific = new EnumMap<>(NotifyState.class);
        var n = i.notifyScripts();
        put(specific, NotifyState.MASTER, n.master());
        put(specific, NotifyState.BACKUP, n.backup());
        put(specific, NotifyState.FAULT, n.fault());
        put(specific, NotifyState.STOP, n.stop());
        return new NotifyScripts(specific, Optional.ofNullable(n.generic()).map(c -> command(c.program(), c)));
    }

    private static void put(Map<NotifyState, ScriptCommand> m, NotifyState s, org.keepvip.vrrp.config.ScriptCommand c) {
        if (c != null) {
            m.put(s, command(c.program(), c));
        }
    }

    /** The parsed command as the runner takes it; an unknown user falls back to running as ourselves. */
    static ScriptCommand command(String name, org.keepvip.vrrp.config.ScriptCommand c) {
        Optional<RunAs> runAs = Optional.empty();
        if (c.user() != null) {
            try {
                runAs = Optional.of(RunAs.resolve(c.user(), Optional.ofNullable(c.group())));
            } catch (RunAs.UnknownUserException e) {
                LOG.error("script {}: {}", c.raw(), e.getMessage());
            }
        }
        return new ScriptCommand(name, c.argv(), runAs);
    }
}
