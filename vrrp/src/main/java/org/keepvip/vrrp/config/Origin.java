package org.keepvip.vrrp.config;

/** Where a configuration element was written: file name (as given or resolved) and 1-based line. */
public record Origin(String file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
