package org.keepvip.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach one Redis server: address, credentials, TLS and the short timeouts every
 * hook uses. Immutable; {@link #toString()} never prints the password.
 *
 * @param host           host name or address
 * @param port           TCP port (1..65535)
 * @param user           ACL user, or null for the default user
 * @param password       password, or null for none
 * @param tls            TLS settings, or null for plain TCP
 * @param connectTimeout TCP (and TLS handshake) connect timeout
 * @param readTimeout    per-reply read timeout; a hung (SIGSTOPped) server fails within it
 */
public record RedisEndpoint(String host, int port, String user, String password, TlsSettings tls,
                            Duration connectTimeout, Duration readTimeout) {

    /** Timeouts short enough for failover, long enough for a busy server on a LAN. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(300);

    public RedisEndpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("Redis host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Redis port " + port + " (expected: 1..65535)");
        }
        connectTimeout = positive(connectTimeout == null ? DEFAULT_TIMEOUT : connectTimeout, "connect");
        readTimeout = positive(readTimeout == null ? DEFAULT_TIMEOUT : readTimeout, "read");
    }

    /** Plain TCP, no credentials, default timeouts. */
    public static RedisEndpoint of(String host, int port) {
        return new RedisEndpoint(host, port, null, null, null, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT);
    }

    public RedisEndpoint withUser(String newUser) {
        return new RedisEndpoint(host, port, newUser, password, tls, connectTimeout, readTimeout);
    }

    public RedisEndpoint withPassword(String newPassword) {
        return new RedisEndpoint(host, port, user, newPassword, tls, connectTimeout, readTimeout);
    }

    /** Reads the password from a file (first line, trailing newline/CR stripped). */
    public RedisEndpoint withPasswordFile(Path file) throws IOException {
        return withPassword(readPasswordFile(file));
    }

    public RedisEndpoint withTls(TlsSettings newTls) {
        return new RedisEndpoint(host, port, user, password, newTls, connectTimeout, readTimeout);
    }

    public RedisEndpoint withTimeouts(Duration connect, Duration read) {
        return new RedisEndpoint(host, port, user, password, tls, connect, read);
    }

    /** Same credentials, TLS and timeouts, another address (e.g. the peer's Redis). */
    public RedisEndpoint withAddress(String newHost, int newPort) {
        return new RedisEndpoint(newHost, newPort, user, password, tls, connectTimeout, readTimeout);
    }

    /** "host:port", with brackets for IPv6 literals. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The first line of a password file. An empty file is an error, so that a missing secret is a
     * clear configuration fault rather than a silent unauthenticated connection.
     */
    public static String readPasswordFile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String line = nl >= 0 ? text.substring(0, nl) : text;
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw new IOException("password file " + file + " is empty");
        }
        return line;
    }

    private static Duration positive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " timeout " + d + " (expected: > 0)");
        }
        if (d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " timeout " + d + " is too large");
        }
        return d;
    }

    @Override
    public String toString() {
        return "RedisEndpoint[" + address()
                + (user != null ? ", user=" + user : "")
                + (password != null ? ", password=***" : "")
                + (tls != null ? ", tls" : "")
                + ", connect=" + connectTimeout.toMillis() + "ms, read=" + readTimeout.toMillis() + "ms]";
    }
}
