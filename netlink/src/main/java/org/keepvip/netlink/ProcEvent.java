package org.keepvip.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One message of the kernel's process events connector ({@code linux/cn_proc.h}): a
 * {@code struct nlmsghdr}, a {@code struct cn_msg} and a {@code struct proc_event}, laid out one
 * after the other without padding (the kernel builds them at a 4-byte offset, so the event's
 * 8-byte fields are not 8-byte aligned in the datagram). Only what process tracking needs is kept.
 */
public sealed interface ProcEvent {
    int CN_IDX_PROC = 1;
    int CN_VAL_PROC = 1;
    int PROC_CN_MCAST_LISTEN = 1;
    int PROC_CN_MCAST_IGNORE = 2;

    int NONE = 0;
    int FORK = 1;
    int EXEC = 2;
    int COMM = 0x200;
    int EXIT = 0x80000000;

    /** sizeof(struct cn_msg): cb_id (idx, val), seq, ack, len, flags. */
    int CN_MSG_SIZE = 20;
    /** what, cpu, timestamp_ns: the header of struct proc_event. */
    int EVENT_HEADER = 16;

    /** The kernel's answer to the subscription (PROC_EVENT_NONE with ack set). */
    record Ack(int err) implements ProcEvent {}

    /** A process or thread was created; a process when {@code childPid == childTgid}. */
    record Fork(int parentTgid, int childPid, int childTgid) implements ProcEvent {}

    /** {@code pid} (a thread of process {@code tgid}) called execve. */
    record Exec(int pid, int tgid) implements ProcEvent {}

    /** {@code pid} changed its name (prctl PR_SET_NAME, or a write to /proc/PID/comm). */
    record Comm(int pid, int tgid, String comm) implements ProcEvent {}

    /** {@code pid} (a thread of process {@code tgid}) ended. */
    record Exit(int pid, int tgid) implements ProcEvent {}

    /** Any other event (uid, gid, sid, ptrace, coredump). */
    record Other(int what) implements ProcEvent {}

    /**
     * Decodes one datagram; empty when it is truncated or not a process event. Never throws.
     */
    static Optional<ProcEvent> parse(ByteBuffer datagram) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        int base = b.position();
        int len = b.remaining();
        int ev = NlMsgHdr.SIZE + CN_MSG_SIZE;
        if (len < ev + EVENT_HEADER) {
            return Optional.empty();
        }
        int idx = b.getInt(base + NlMsgHdr.SIZE);
        int val = b.getInt(base + NlMsgHdr.SIZE + 4);
        if (idx != CN_IDX_PROC || val != CN_VAL_PROC) {
            return Optional.empty();
        }
        int what = b.getInt(base + ev);
        int data = base + ev + EVENT_HEADER;
        int avail = len - ev - EVENT_HEADER;
        switch (what) {
            case NONE -> {
                return avail < 4 ? Optional.empty() : Optional.of(new Ack(b.getInt(data)));
            }
            case FORK -> {
                return avail < 16 ? Optional.empty()
                        : Optional.of(new Fork(b.getInt(data + 4), b.getInt(data + 8), b.getInt(data + 12)));
            }
            case EXEC -> {
                return avail < 8 ? Optional.empty() : Optional.of(new Exec(b.getInt(data), b.getInt(data + 4)));
            }
            case COMM -> {
                if (avail < 8 + 16) {
                    return Optional.empty();
                }
                byte[] name = new byte[16];
                b.get(data + 8, name);
                int n = 0;
                while (n < name.length && name[n] != 0) {
                    n++;
                }
                return Optional.of(new Comm(b.getInt(data), b.getInt(data + 4),
                        new String(name, 0, n, StandardCharsets.UTF_8)));
            }
            case EXIT -> {
                return avail < 8 ? Optional.empty() : Optional.of(new Exit(b.getInt(data), b.getInt(data + 4)));
            }
            default -> {
                return Optional.of(new Other(what));
            }
        }
    }

    /** The subscription request: nlmsghdr (NLMSG_DONE), cn_msg for CN_IDX_PROC, and the operation. */
    static byte[] subscription(int portId, boolean listen) {
        int total = NlMsgHdr.SIZE + CN_MSG_SIZE + 4;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        b.putInt(total).putShort((short) 3 /* NLMSG_DONE */).putShort((short) 0).putInt(0).putInt(portId);
        b.putInt(CN_IDX_PROC).putInt(CN_VAL_PROC).putInt(0).putInt(0).putShort((short) 4).putShort((short) 0);
        b.putInt(listen ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE);
        return b.array();
    }
}
