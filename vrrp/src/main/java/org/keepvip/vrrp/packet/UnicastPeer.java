package org.keepvip.vrrp.packet;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A {@code unicast_peer} entry with its optional {@code min_ttl}/{@code max_ttl} (defaults 0 and 255).
 */
public record UnicastPeer(InetAddress address, int minTtl, int maxTtl) {

    public UnicastPeer {
        Objects.requireNonNull(address, "address");
        if (minTtl < 0 || maxTtl > 255 || minTtl > maxTtl) {
            throw new IllegalArgumentException("TTL range [" + minTtl + ", " + maxTtl + "] (expected: 0 <= min <= max <= 255)");
        }
    }

    /** A peer without a TTL range. */
    public UnicastPeer(InetAddress address) {
        this(address, 0, 255);
    }

    /** True when {@code min_ttl} or {@code max_ttl} was set, which makes keepalived check the source. */
    public boolean hasTtlRange() {
        return minTtl != 0 || maxTtl != 255;
    }
}
