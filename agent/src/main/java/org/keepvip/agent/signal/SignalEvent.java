package org.keepvip.agent.signal;

/** What a signal asks the daemon to do (keepalived's meanings: keepalived/vrrp/vrrp_daemon.c, vrrp_signal_init). */
public enum SignalEvent {
    /** SIGHUP: reload the configuration. */
    RELOAD,
    /** SIGTERM or SIGINT: shut down (priority-0 adverts, release VIPs, notify STOP). */
    STOP,
    /** SIGUSR1: write the data dump. */
    DATA_DUMP,
    /** SIGUSR2: write the stats dump. */
    STATS_DUMP
}
