package org.keepvip.vrrp.config;

/**
 * VRRPv2 {@code authentication { auth_type PASS; auth_pass SECRET }}. Only PASS is supported
 * by keepvip (AH is reported as not supported).
 *
 * @param password the password as sent: at most 8 bytes, keepalived truncates longer ones
 */
public record Authentication(String password) {
    @Override
    public String toString() {
        return "Authentication[PASS, ********]";
    }
}
