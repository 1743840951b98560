package org.keepvip.netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The attributes of one message, by type (a later duplicate wins). Stops quietly at garbage. */
final class Attributes {
    private final Map<Integer, byte[]> byType;

    private Attributes(Map<Integer, byte[]> byType) {
        this.byType = byType;
    }

    /** Parses attributes from the position to the limit. */
    static Attributes parse(ByteBuffer bb) {
        Map<Integer, byte[]> m = new HashMap<>();
        while (bb.hasRemaining()) {
            Optional<RtAttr> a = RtAttr.parse(bb);
            if (a.isEmpty()) {
                break;
            }
            m.put(a.get().type(), a.get().value());
        }
        return new Attributes(m);
    }

    boolean has(int type) {
        return byType.containsKey(type);
    }

    Optional<byte[]> bytes(int type) {
        return Optional.ofNullable(byType.get(type));
    }

    Optional<Integer> u32(int type) {
        byte[] v = byType.get(type);
        return v == null || v.length < 4 ? Optional.empty()
                : Optional.of(ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt());
    }

    Optional<Integer> u16(int type) {
        byte[] v = byType.get(type);
        return v == null || v.length < 2 ? Optional.empty()
                : Optional.of(ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getShort() & 0xffff);
    }

    /** A NUL-terminated string; anything after the first NUL is ignored. */
    Optional<String> string(int type) {
        byte[] v = byType.get(type);
        if (v == null) {
            return Optional.empty();
        }
        int n = 0;
        while (n < v.length && v[n] != 0) {
            n++;
        }
        return Optional.of(new String(v, 0, n, StandardCharsets.UTF_8));
    }

    /** An IPv4 or IPv6 address of exactly 4 or 16 bytes. */
    Optional<InetAddress> address(int type) {
        byte[] v = byType.get(type);
        if (v == null || (v.length != 4 && v.length != 16)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(v));
        } catch (UnknownHostException e) {
            return Optional.empty(); // unreachable for 4 or 16 bytes
        }
    }
}
