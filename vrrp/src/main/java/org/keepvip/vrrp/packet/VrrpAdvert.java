package org.keepvip.vrrp.packet;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * A VRRP advertisement as carried on the wire (RFC 3768 / RFC 5798), independent of IP framing.
 *
 * @param version              2 or 3
 * @param vrid                 virtual router id, 1..255
 * @param priority             0..255 (0 = the master is leaving, 255 = address owner)
 * @param advertIntervalCentis advertisement interval in centiseconds; for v2 the wire carries
 *                             whole seconds, so this is seconds × 100
 * @param authType             v2 authentication type (always {@link AuthType#NONE} for v3)
 * @param password             v2 PASS data as the 8 raw wire bytes (NUL padded), empty otherwise
 * @param addresses            the virtual addresses listed in the advert, all of one family
 */
public record VrrpAdvert(
        int version,
        int vrid,
        int priority,
        int advertIntervalCentis,
        AuthType authType,
        byte[] password,
        List<InetAddress> addresses) {

    public VrrpAdvert {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("version " + version + " (expected: 2 or 3)");
        }
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("vrid " + vrid + " (expected: 1..255)");
        }
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority " + priority + " (expected: 0..255)");
        }
        if (advertIntervalCentis < 0 || advertIntervalCentis > 0xFFF * (version == 2 ? 100 : 1)) {
            throw new IllegalArgumentException("advert interval " + advertIntervalCentis + " cs out of range");
        }
        Objects.requireNonNull(authType, "authType");
        password = password == null ? new byte[0] : password.clone();
        addresses = List.copyOf(addresses);
    }

    @Override
    public byte[] password() {
        return password.clone();
    }

    /** A copy with another priority (a priority-0 advert on shutdown, say). */
    public VrrpAdvert withPriority(int newPriority) {
        return new VrrpAdvert(version, vrid, newPriority, advertIntervalCentis, authType, password, addresses);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrrpAdvert a
                && version == a.version && vrid == a.vrid && priority == a.priority
                && advertIntervalCentis == a.advertIntervalCentis && authType == a.authType
                && java.util.Arrays.equals(password, a.password) && addresses.equals(a.addresses);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, vrid, priority, advertIntervalCentis, authType,
                java.util.Arrays.hashCode(password), addresses);
    }

    @Override
    public String toString() {
        return "VrrpAdvert[v" + version + " vrid=" + vrid + " prio=" + priority + " int="
                + advertIntervalCentis + "cs auth=" + authType + " addrs=" + addresses + "]";
    }
}
