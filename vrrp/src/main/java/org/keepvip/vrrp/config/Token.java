package org.keepvip.vrrp.config;

/** A word of a configuration line; quoted words are never braces. */
record Token(String text, boolean quoted) {
    boolean isOpen() {
        return !quoted && "{".equals(text);
    }

    boolean isClose() {
        return !quoted && "}".equals(text);
    }
}
