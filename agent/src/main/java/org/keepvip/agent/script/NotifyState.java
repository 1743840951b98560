package org.keepvip.agent.script;

/** The states keepalived reports to notify scripts and the FIFO (§6.1). */
public enum NotifyState {
    MASTER,
    BACKUP,
    FAULT,
    STOP,
    /** Only when {@code notify_deleted} is configured; otherwise a deleted instance reports FAULT. */
    DELETED
}
