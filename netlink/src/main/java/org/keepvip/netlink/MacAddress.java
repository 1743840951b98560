package org.keepvip.netlink;

import java.util.Arrays;
import java.util.HexFormat;

/** A link-layer address (6 bytes for Ethernet; other lengths are kept as they come). Immutable. */
public final class MacAddress {
    private final byte[] bytes;

    private MacAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static MacAddress of(byte[] bytes) {
        return new MacAddress(bytes.clone());
    }

    /** Parses "aa:bb:cc:dd:ee:ff". */
    public static MacAddress parse(String s) {
        return new MacAddress(HexFormat.ofDelimiter(":").parseHex(s));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** True for all zero bytes (loopback's and unresolved entries' address). */
    public boolean isZero() {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
