package org.keepvip.agent.control;

/**
 * The answer to one request, sent as one JSON line.
 *
 * @param ok whether the request was carried out (for reload: accepted and applied)
 * @param message a human-readable outcome, may be null
 * @param error why it failed, null when ok
 * @param status the snapshot, for {@code status} only
 */
public record ControlResponse(boolean ok, String message, String error, StatusSnapshot status) {
    public static ControlResponse ok(String message) {
        return new ControlResponse(true, message, null, null);
    }

    public static ControlResponse error(String error) {
        return new ControlResponse(false, null, error, null);
    }

    public static ControlResponse of(StatusSnapshot status) {
        return new ControlResponse(true, null, null, status);
    }
}
