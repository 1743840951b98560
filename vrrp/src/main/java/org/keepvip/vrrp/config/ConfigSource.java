package org.keepvip.vrrp.config;

import java.util.List;
import java.util.Optional;

/**
 * Everything the parser needs from the world, supplied by the caller: the core never touches
 * files, the environment, the host name or randomness itself (vrrp purity rule). The agent
 * implements it on the real file system; tests use an in-memory one.
 */
public interface ConfigSource {

    /** The text of a file, or why it could not be read. */
    sealed interface Content permits Text, Missing, Unreadable {}

    /** The file's text, decoded by the source (undecodable bytes replaced, NULs kept). */
    record Text(String text) implements Content {}

    /** No such file. */
    record Missing() implements Content {}

    /** The file exists but cannot be read; {@code reason} is a short human text. */
    record Unreadable(String reason) implements Content {}

    /** Reads a file by absolute path. */
    Content read(String absolutePath);

    /**
     * Regular files matching an absolute glob pattern ({@code *}, {@code ?}, {@code [..]} in any
     * path component; no braces, the parser expands those first), sorted by path.
     */
    List<String> glob(String absolutePattern);

    /** The host name, used up to its first '.' as the default config-id. */
    String hostName();

    /** An environment variable, for {@code ${_ENV NAME}}. */
    Optional<String> env(String name);

    /** A random integer in {@code [min, max]}, for {@code ${_RANDOM}}. */
    long random(long min, long max);

    /**
     * The routing table of VRF device {@code name}, for a route's {@code vrf NAME}: empty when no
     * interface has the name (or interfaces cannot be looked up), -1 when it is not a VRF.
     */
    default java.util.OptionalLong vrfTable(String name) {
        return java.util.OptionalLong.empty();
    }
}
