package org.keepvip.agent.control;

import java.io.IOException;

/** No daemon answers on the control socket (missing socket file or connection refused). */
public final class DaemonNotRunningException extends IOException {
    private static final long serialVersionUID = 1L;

    public DaemonNotRunningException(String message) {
        super(message);
    }
}
