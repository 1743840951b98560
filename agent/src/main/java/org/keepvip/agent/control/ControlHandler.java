package org.keepvip.agent.control;

import org.keepvip.agent.events.DecisionLog;
import org.keepvip.agent.events.EventRing;

/**
 * What the daemon does for control requests. Called on control-socket worker threads (never the
 * event loop): an implementation hands the work to the event loop and waits for it, briefly.
 * Exceptions are caught and answered as errors.
 */
public interface ControlHandler {
    /** A consistent snapshot of every instance. */
    StatusSnapshot status();

    /**
     * Re-reads the configuration as SIGHUP does; answers an error (and keeps the running
     * configuration) when the new one is invalid.
     */
    ControlResponse reload();

    /** A planned hand-over of {@code instance}'s master role; {@code to} may be null. */
    ControlResponse switchover(String instance, String to);

    /** The decision log's records ({@code keepvip events}); the process's log unless told otherwise. */
    default EventRing events() {
        return DecisionLog.global().ring();
    }
}
