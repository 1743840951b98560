package org.keepvip.vrrp.packet;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a received packet was dropped: a closed set following keepalived's {@code vrrp_check_packet}
 * (keepalived/vrrp/vrrp.c, vrrp_check_packet). Each reason carries keepalived's log text (a {@link String#format} template,
 * the first {@code %s} being the sender) and the keepalived stats counter it bumps, if any.
 */
public enum RejectReason {
    TOO_SHORT("VRRP packet from %s too short - %d bytes", "packet_len_err"),
    LENGTH_MISMATCH("vrrp packet from %s too %s, length %d and expect %d", "packet_len_err"),
    BAD_TTL("invalid TTL/HL from %s. Received %d and expect 255", "ip_ttl_err"),
    BAD_VERSION("wrong VRRP version from %s. Received %d and expect %s", "vers_err"),
    BAD_TYPE("Invalid packet type from %s. %d and expect 1", "invalid_type_rcvd"),
    BAD_CHECKSUM("Invalid VRRPv%2$d checksum from %1$s", "chk_err"),
    INVALID_AUTH_TYPE("Invalid auth type from %s: %d", "invalid_authtype"),
    AUTH_TYPE_MISMATCH("received a %2$d auth from %1$s, expecting %3$d!", "authtype_mismatch"),
    WRONG_PASSWORD("received an invalid passwd from %s!", "auth_failure"),
    /** v2 only: v3 interval differences are a {@link ReceiveWarning.IntervalMismatch}. */
    INTERVAL_MISMATCH("advertisement interval mismatch with %s mine=%d sec rcv'd=%d sec", "advert_interval_err"),
    /**
     * v3 only, keepvip's own check: keepalived accepts it and adopts the interval, so one forged
     * advert leaves a backup with a master down interval of its skew alone (docs/operations.md).
     */
    ZERO_INTERVAL("advertisement interval 0 from %s", "advert_interval_err"),
    UNICAST_MULTICAST_MISMATCH("Expected %2$sicast packet but received %3$sicast packet from %1$s", "addr_list_err"),
    NOT_A_PEER("unicast source address %s not a unicast peer", null),
    TTL_OUT_OF_RANGE("TTL/HL %2$d from %1$s not in range [%3$d, %4$d]", "ip_ttl_err"),
    OWNER_IGNORES("Dropping packet(s) from %s since we are address owner", null),
    UNKNOWN_VRID("Unknown VRID(%2$d) received from %1$s. ignoring...", "vrid_err");

    private final String logFormat;
    private final String statsCounter;

    RejectReason(String logFormat, String statsCounter) {
        this.logFormat = logFormat;
        this.statsCounter = statsCounter;
    }

    /** keepalived's log text as a format template; the first argument is the sender address. */
    public String logFormat() {
        return logFormat;
    }

    /** The keepalived {@code vrrp_stats} counter this rejection bumps, if keepalived counts it. */
    public Optional<String> statsCounter() {
        return Optional.ofNullable(statsCounter);
    }

    /** Renders {@link #logFormat()} with the given arguments. */
    public String log(Object... args) {
        return String.format(Locale.ROOT, logFormat, args);
    }
}
