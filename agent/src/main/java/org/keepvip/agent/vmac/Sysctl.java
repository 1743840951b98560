package org.keepvip.agent.vmac;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The few /proc/sys/net values netlink cannot reach, read and written as keepalived's
 * set_sysctl()/get_sysctl() do (one digit): {@code all} and {@code default} rp_filter, an
 * interface's {@code disable_ipv6}. Paths are of the calling process's network namespace.
 */
public class Sysctl {
    private final Path root;

    public Sysctl() {
        this(Path.of("/proc/sys/net"));
    }

    Sysctl(Path root) {
        this.root = root;
    }

    /** {@code ipv4/conf/IF/NAME}, ... ; empty when it cannot be read or is not a number. */
    public OptionalInt read(String family, String ifname, String name) {
        try {
            String s = Files.readString(root.resolve(family).resolve("conf").resolve(ifname).resolve(name),
                    StandardCharsets.US_ASCII).trim();
            return OptionalInt.of(Integer.parseInt(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    public void write(String family, String ifname, String name, int value) throws IOException {
        Files.writeString(root.resolve(family).resolve("conf").resolve(ifname).resolve(name), Integer.toString(value),
                StandardCharsets.US_ASCII);
    }
}
