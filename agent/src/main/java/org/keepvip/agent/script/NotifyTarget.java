package org.keepvip.agent.script;

import java.util.Objects;

/**
 * Who a notification is about: a VRRP instance or a sync group, as in
 * {@code notify ... INSTANCE VI_1 MASTER 100} and the FIFO's {@code GROUP "G" BACKUP 0}.
 */
public record NotifyTarget(Kind kind, String name) {
    public enum Kind {
        INSTANCE,
        GROUP
    }

    public NotifyTarget {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(name);
    }

    public static NotifyTarget instance(String name) {
        return new NotifyTarget(Kind.INSTANCE, name);
    }

    public static NotifyTarget group(String name) {
        return new NotifyTarget(Kind.GROUP, name);
    }

    /** keepalived reports priority 0 for groups. */
    int reportedPriority(int priority) {
        return kind == Kind.GROUP ? 0 : priority;
    }
}
