package org.keepvip.vrrp.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * keepvip: {@code vrrp_track_host NAME { address ADDR; interface IF; method arp|nd|icmp; interval T;
 * timeout T; rise N; fall N; weight N [reverse] }}, a gateway or witness this host must reach.
 * keepvip probes it in-process (no forked ping), through keepalived's rise/fall counter; a node cut
 * off from it loses {@code weight} or, with weight 0, goes to FAULT.
 *
 * @param name          the tracker's name
 * @param address       the address probed
 * @param interfaceName where probes leave; null: where the routing table sends them (icmp only)
 * @param method        how it is probed
 * @param interval      time between two probes
 * @param timeout       how long a probe waits for its answer (at most {@code interval})
 * @param rise          answered probes in a row that make it reachable
 * @param fall          lost probes in a row that make it unreachable
 * @param weight        -254..254; 0: unreachable means FAULT
 * @param reverse       invert the effect of the weight
 * @param origin        where the block starts
 */
public record TrackHost(String name, InetAddress address, String interfaceName, Method method, Duration interval,
                        Duration timeout, int rise, int fall, int weight, boolean reverse, Origin origin) {

    /** The probe. */
    public enum Method {
        /** An ARP request (IPv4), answered by any host that owns the address, even one that drops ICMP. */
        ARP,
        /** A neighbour solicitation (IPv6), ARP's counterpart. */
        ND,
        /** An ICMP or ICMPv6 echo request: also proves a routed path. */
        ICMP;

        /** The word in the configuration. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public TrackHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
    }

    public boolean ipv6() {
        return !(address instanceof Inet4Address);
    }
}
