package org.keepvip.agent.script;

/** The states keepalived reports to notify scripts and the FIFO (keepalived/vrrp/vrrp_notify.c, send_instance_notifies). */
public enum NotifyState {
    MASTER,
    BACKUP,
    FAULT,
    STOP,
    /** Only when {@code notify_deleted} is configured; otherwise a deleted instance reports FAULT. */
    DELETED
}
