package org.keepvip.vrrp.config;

import java.time.Duration;

/**
 * One line of {@code interface_up_down_delays} (keepalived/vrrp/vrrp_parser.c:
 * alloc_if_up_down_delay()): how long a link must stay down before the instances that use the
 * interface see it down, and stay up before they see it up again. A change that is reverted within
 * its delay is never seen.
 *
 * @param ifname the interface
 * @param down   the delay before "down" is acted on (0..255 s)
 * @param up     the delay before "up" is acted on (0..255 s, default 0)
 * @param origin where the line is
 */
public record LinkDelay(String ifname, Duration down, Duration up, Origin origin) {}
