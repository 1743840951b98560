package org.keepvip.netlink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Annotated hex for golden tests: whitespace, '|' and comments after "--" on each line are ignored. */
final class Hex {
    private Hex() {}

    static byte[] parse(String annotated) {
        StringBuilder sb = new StringBuilder();
        for (String line : annotated.split("\n")) {
            int c = line.indexOf("--");
            String code = c >= 0 ? line.substring(0, c) : line;
            if (code.strip().startsWith("#")) {
                continue;
            }
            sb.append(code.replaceAll("[\\s|]", ""));
        }
        return HexFormat.of().parseHex(sb.toString());
    }

    static String format(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = Hex.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
