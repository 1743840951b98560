package org.keepvip.vrrp.config;

/** The {@code state} hint of an instance: where it starts (keepalived/vrrp/vrrp.c, vrrp_init_state). */
public enum InitialState { MASTER, BACKUP }
