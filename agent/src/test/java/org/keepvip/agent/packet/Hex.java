package org.keepvip.agent.packet;

import java.util.HexFormat;

/** Hex goldens may be annotated: spaces, '|' and line breaks are ignored. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String annotated) {
        return HexFormat.of().parseHex(annotated.replaceAll("[\\s|]", ""));
    }

    static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
