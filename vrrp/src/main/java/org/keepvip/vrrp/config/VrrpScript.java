package org.keepvip.vrrp.config;

import java.time.Duration;

/**
 * {@code vrrp_script NAME { ... }} (keepalived/vrrp/vrrp_parser.c).
 *
 * @param name     the script's name, referenced by track_script
 * @param command  the command (user/group from {@code user}, else null)
 * @param interval period (default 1 s; 0 becomes 1 s)
 * @param timeout  per-run timeout (default: the interval)
 * @param weight   -253..253; 0 means failure puts trackers in FAULT (default 0)
 * @param reverse  weight applies on success instead of failure
 * @param rise     successes needed to become OK (default 1)
 * @param fall     failures needed to become failed (default 1)
 * @param initFail start in the failed state
 * @param origin   where the block starts
 */
public record VrrpScript(String name, ScriptCommandSpec command, Duration interval, Duration timeout, int weight,
                         boolean reverse, int rise, int fall, boolean initFail, Origin origin) {}
