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
 * @param extraIf             {@code vrrp_garp_extra_if} / {@code garp_extra_if}: while MASTER, one GARP/NA
 *                            this often on each interface other than the instance's that holds one of its
 *                            VIPs; zero = off (keepalived/vrrp/vrrp.c: vrrp_send_vmac_update())
 * @param extraIfAll          {@code all}: on every such interface, not only the macvlans keepvip made
 */
public record GarpSettings(Duration masterDelay, int masterRepeat, Duration masterRefresh, int masterRefreshRepeat,
                           Duration lowerPrioDelay, int lowerPrioRepeat, Duration interval, Duration naInterval,
                           Duration extraIf, boolean extraIfAll) {
    /** keepalived's defaults. */
    public static final GarpSettings DEFAULT = new GarpSettings(Duration.ofSeconds(5), 5, Duration.ZERO, 1,
            Duration.ofSeconds(5), 5, Duration.ZERO, Duration.ZERO);

    public GarpSettings {
        extraIf = extraIf == null ? Duration.ZERO : extraIf;
    }

    /** Without the extra-interface GARPs. */
    public GarpSettings(Duration masterDelay, int masterRepeat, Duration masterRefresh, int masterRefreshRepeat,
                        Duration lowerPrioDelay, int lowerPrioRepeat, Duration interval, Duration naInterval) {
        this(masterDelay, masterRepeat, masterRefresh, masterRefreshRepeat, lowerPrioDelay, lowerPrioRepeat, interval,
                naInterval, Duration.ZERO, false);
    }

    /** These settings with the extra-interface GARPs. */
    public GarpSettings withExtraIf(Duration every, boolean all) {
        return new GarpSettings(masterDelay, masterRepeat, masterRefresh, masterRefreshRepeat, lowerPrioDelay,
                lowerPrioRepeat, interval, naInterval, every, all);
    }
}
