package org.keepvip.agent.control;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import java.nio.channels.SocketChannel;

/**
 * Who is on the other end of a control connection, from the kernel's {@code SO_PEERCRED} (not from
 * anything the client says). Reading ({@code status}, {@code events}) is for whoever may connect:
 * the socket's mode and group decide that. Changing ({@code reload}, {@code switchover}) is for root
 * and for the daemon's own user only.
 *
 * @param user       the peer's user name (or uid when it has no name)
 * @param privileged root or the daemon's own user
 */
public record Caller(String user, boolean privileged) {

    /** A caller that may do everything: tests that call the dispatcher directly. */
    public static final Caller ROOT = new Caller("root", true);

    private static final UserPrincipal ROOT_USER = lookup("root");
    private static final UserPrincipal SELF = lookup(System.getProperty("user.name"));

    /** The peer of {@code ch}; unprivileged when the kernel cannot tell. */
    static Caller of(SocketChannel ch) {
        try {
            UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            UserPrincipal u = p.user();
            // UserPrincipal equality compares the uid: a name that two passwd entries share does not fool it.
            return new Caller(u.getName(), u.equals(ROOT_USER) || u.equals(SELF));
        } catch (IOException | UnsupportedOperationException e) {
            return new Caller("unknown", false);
        }
    }

    private static UserPrincipal lookup(String name) {
        try {
            UserPrincipalLookupService s = FileSystems.getDefault().getUserPrincipalLookupService();
            return s.lookupPrincipalByName(name);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
