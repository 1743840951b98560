package org.keepvip.vrrp.config;

/**
 * One entry of {@code track_interface}, {@code track_script}, {@code track_file} or
 * {@code track_redis}: the tracked object's name and the weight this instance applies.
 *
 * @param name     interface, vrrp_script, track_file or redis_instance name
 * @param weight   the effective weight (the override, else the tracked object's own)
 * @param reverse  the effective reverse flag
 * @param origin   where the entry was written
 */
public record Tracked(String name, int weight, boolean reverse, Origin origin) {}
