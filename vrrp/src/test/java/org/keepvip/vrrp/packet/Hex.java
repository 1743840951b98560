package org.keepvip.vrrp.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/** Test helpers: hex strings (spaces and underscores ignored) and literal addresses. */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[\\s_]", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** A literal address (no lookup: literals only). */
    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
