package org.keepvip.vrrp.config;

import java.time.Duration;

/**
 * Gratuitous ARP / unsolicited NA timing ({@code vrrp_garp_*} in global_defs, per instance {@code garp_*}; docs/configuration.md).
 *
 * @param masterDelay         delay before the second burst after becoming master; zero = none (default 5 s)
 * @param masterRepeat        GARPs per VIP per burst (default 5)
 * @param masterRefresh       periodic refresh while master; zero = off (default)
 * @param masterRefreshRepeat GARPs per refresh (default 1)
 * @param lowerPrioDelay      second-burst delay after a lower-priority advert (default = masterDelay)
 * @param lowerPrioRepeat     burst size after a lower-priority advert; 0 disables (default = masterRepeat)
 * @param interval            minimum gap between GARPs on one interface; zero = none
 * @param naInterval          minimum gap between NAs on one interface; zero = none
 */
public record GarpSettings(Duration masterDelay, int masterRepeat, Duration masterRefresh, int masterRefreshRepeat,
                           Duration lowerPrioDelay, int lowerPrioRepeat, Duration interval, Duration naInterval) {
    /** keepalived's defaults. */
    public static final GarpSettings DEFAULT = new GarpSettings(Duration.ofSeconds(5), 5, Duration.ZERO, 1,
            Duration.ofSeconds(5), 5, Duration.ZERO, Duration.ZERO);
}
