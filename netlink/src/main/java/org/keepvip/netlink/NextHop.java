package org.keepvip.netlink;

import java.net.InetAddress;

/**
 * Where to send a frame for a unicast peer: out of {@code ifindex}, to the link-layer address
 * {@code mac} of {@code hop} (the peer itself when on-link, its gateway otherwise).
 */
public record NextHop(InetAddress peer, int ifindex, InetAddress hop, MacAddress mac) {}
