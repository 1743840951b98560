package org.keepvip.e2e.lab;

/** Setting up or driving the lab failed; the message names the command and its output. */
public final class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
