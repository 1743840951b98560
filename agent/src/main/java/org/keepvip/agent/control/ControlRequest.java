package org.keepvip.agent.control;

/**
 * One request on the control socket, sent as one JSON line: {@code {"cmd":"status"}},
 * {@code {"cmd":"reload"}}, {@code {"cmd":"switchover","instance":"VI_1","to":"10.0.0.2"}}.
 *
 * @param cmd status, reload or switchover
 * @param instance the instance a switchover is about (null otherwise)
 * @param to the switchover target, null to let the daemon choose
 */
public record ControlRequest(String cmd, String instance, String to) {
    public static final String STATUS = "status";
    public static final String RELOAD = "reload";
    public static final String SWITCHOVER = "switchover";
    /** The decision log; sent as {@code {"cmd":"events","sinceMillis":EPOCH_MS,"follow":true}}. */
    public static final String EVENTS = "events";

    public static ControlRequest status() {
        return new ControlRequest(STATUS, null, null);
    }

    public static ControlRequest reload() {
        return new ControlRequest(RELOAD, null, null);
    }

    public static ControlRequest switchover(String instance, String to) {
        return new ControlRequest(SWITCHOVER, instance, to);
    }
}
