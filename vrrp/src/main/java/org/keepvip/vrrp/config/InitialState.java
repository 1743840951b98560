package org.keepvip.vrrp.config;

/** The {@code state} hint of an instance: where it starts (§3.2). */
public enum InitialState { MASTER, BACKUP }
