package org.keepvip.vrrp.config;

import java.net.InetAddress;

/**
 * A {@code unicast_peer} entry: {@code IP [min_ttl N] [max_ttl N]}.
 *
 * @param address the peer
 * @param minTtl  lowest accepted TTL of its adverts (0 = no check)
 * @param maxTtl  highest accepted TTL (255 = no check)
 * @param origin  where the entry was written
 */
public record UnicastPeerSpec(InetAddress address, int minTtl, int maxTtl, Origin origin) {}
