package org.keepvip.agent.loop;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * The checks the kernel makes, for keepalived, between the wire and an instance's raw socket that
 * depend on the instance: a capture sees every frame on the link, so these are ours to make.
 *
 * <ul>
 *   <li>{@code own_address}: the source is the instance's own address. Our own adverts never reach
 *       the capture (they are outgoing); the kernel drops a received packet from a local source
 *       (fib_validate_source), so keepalived never sees such a spoof either.</li>
 *   <li>{@code own_vip}: the source is one of the instance's VIPs while this host holds them: local
 *       then, so dropped by the kernel alike. While the VIPs are elsewhere an address owner's adverts
 *       come from one, and they are accepted.</li>
 *   <li>{@code wrong_destination}: keepalived's socket is bound to the group (multicast) or to its
 *       unicast source address, so a packet to another group or to another host's address never
 *       reaches it. Multicast sent to a unicast instance, or the reverse, is left to the receive
 *       checks (keepalived's own check, {@code unicast_multicast_mismatch}).</li>
 * </ul>
 */
final class LocalDelivery {
    /** Why an advert would not have reached keepalived, as the status counter's name. */
    enum Refusal {
        OWN_ADDRESS("source address is our own"),
        OWN_VIP("source address is one of our VIPs, which we hold"),
        WRONG_DESTINATION("destination is neither our group nor our address");

        private final String text;

        Refusal(String text) {
            this.text = text;
        }

        /** The counter's name in status: {@code own_address}, ... */
        String counter() {
            return name().toLowerCase(Locale.ROOT);
        }

        String text() {
            return text;
        }
    }

    private LocalDelivery() {}

    /**
     * Null when the kernel would deliver the advert to the instance's socket, else why not.
     *
     * @param self the instance's source address
     * @param destinations its multicast group, or its unicast peers
     * @param heldVips the instance's VIPs if this host holds them now, else empty
     */
    static Refusal refusal(InetAddress source, InetAddress destination, InetAddress self,
            List<InetAddress> destinations, List<InetAddress> heldVips) {
        if (source.equals(self)) {
            return Refusal.OWN_ADDRESS;
        }
        for (InetAddress vip : heldVips) {
            if (source.equals(vip)) {
                return Refusal.OWN_VIP;
            }
        }
        boolean multicastInstance = !destinations.isEmpty() && destinations.get(0).isMulticastAddress();
        if (destination.isMulticastAddress() && multicastInstance && !destinations.contains(destination)) {
            return Refusal.WRONG_DESTINATION;
        }
        if (!destination.isMulticastAddress() && !multicastInstance && !destination.equals(self)) {
            return Refusal.WRONG_DESTINATION;
        }
        return null;
    }
}
