package org.keepvip.agent.script;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.util.Optional;
import org.keepvip.agent.unix.Libc;

/**
 * The user and group a script runs as ({@code script_user} or a script's {@code user} keyword),
 * resolved to numeric ids once, at config load.
 *
 * @param user the user name (or the number as given)
 * @param uid the numeric user id
 * @param gid the numeric group id: the named group, else the user's primary group
 * @param initGroups true for keepalived's {@code USER :GROUP} form (or
 *     {@code set_supplementary_groups}): the user's supplementary groups are set; otherwise the
 *     script runs with no supplementary groups
 */
public record RunAs(String user, int uid, int gid, boolean initGroups) {

    /** Root, as keepalived runs scripts when no user is configured. */
    public static final RunAs ROOT = new RunAs("root", 0, 0, false);

    /** Thrown when a configured user or group does not exist. */
    public static final class UnknownUserException extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownUserException(String message) {
            super(message);
        }
    }

    /**
     * Resolves keepalived's {@code USER [[:]GROUP]} through the system's user database (NSS).
     *
     * @param user a user name or number
     * @param group empty for the user's primary group; a leading {@code :} asks for the user's
     *     supplementary groups too
     */
    public static RunAs resolve(String user, Optional<String> group) throws UnknownUserException {
        int[] ids = lookupUser(user);
        boolean initGroups = false;
        int gid = ids[1];
        if (group.isPresent() && !group.get().isEmpty()) {
            String g = group.get();
            if (g.startsWith(":")) {
                initGroups = true;
                g = g.substring(1);
            }
            if (!g.isEmpty()) {
                gid = lookupGroup(g);
            }
        }
        return new RunAs(user, ids[0], gid, initGroups);
    }

    /** The effective user of this process. */
    public static RunAs current() {
        int uid = Libc.geteuid();
        return new RunAs(String.valueOf(uid), uid, Libc.getegid(), false);
    }

    /** True if this user or group is root, the case where check_script_secure's path checks apply. */
    public boolean isRoot() {
        return uid == 0 || gid == 0;
    }

    // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ... }
    // struct group  { char *gr_name; char *gr_passwd; gid_t gr_gid; ... }
    private static synchronized int[] lookupUser(String user) throws UnknownUserException {
        Pointer pw = Libc.getpwnam(user);
        if (pw == null && user.chars().allMatch(Character::isDigit) && !user.isEmpty()) {
            pw = Libc.getpwuid(Integer.parseInt(user));
        }
        if (pw == null) {
            throw new UnknownUserException("user '" + user + "' does not exist");
        }
        long off = 2L * Native.POINTER_SIZE;
        return new int[] {pw.getInt(off), pw.getInt(off + 4)};
    }

    private static synchronized int lookupGroup(String group) throws UnknownUserException {
        Pointer gr = Libc.getgrnam(group);
        if (gr == null && group.chars().allMatch(Character::isDigit)) {
            gr = Libc.getgrgid(Integer.parseInt(group));
        }
        if (gr == null) {
            throw new UnknownUserException("group '" + group + "' does not exist");
        }
        return gr.getInt(2L * Native.POINTER_SIZE);
    }
}
