package org.keepvip.vrrp.state;

/** The states of a VRRP instance, as keepalived names them (include/vrrp.h). */
public enum VrrpState {
    /** Created, not started, or started but waiting for the first result of a weight-0 tracker. */
    INIT,
    BACKUP,
    MASTER,
    FAULT,
    /** Shut down; every later event is ignored. */
    STOP
}
