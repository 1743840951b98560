package org.keepvip.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** User and group lookups from /etc/passwd and /etc/group (no NSS: enough for script checks). */
public final class Users {
    private final List<String> passwd;
    private final List<String> group;

    public Users(List<String> passwdLines, List<String> groupLines) {
        this.passwd = List.copyOf(passwdLines);
        this.group = List.copyOf(groupLines);
    }

    /** The host's users. */
    public static Users system() {
        return new Users(readLines("/etc/passwd"), readLines("/etc/group"));
    }

    private static List<String> readLines(String f) {
        try {
            return Files.readAllLines(Path.of(f));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    public Optional<Integer> uid(String user) {
        return passwdField(user, 2);
    }

    /** The user's primary group id. */
    public Optional<Integer> gid(String user) {
        return passwdField(user, 3);
    }

    /** The id of the group named {@code name}. */
    public Optional<Integer> groupId(String name) {
        if (name.equals("root")) {
            return Optional.of(0);
        }
        for (String l : group) {
            String[] f = l.split(":");
            if (f.length > 2 && f[0].equals(name)) {
                try {
                    return Optional.of(Integer.parseInt(f[2]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Integer> passwdField(String user, int field) {
        if (user.equals("root")) {
            return Optional.of(0);
        }
        for (String l : passwd) {
            String[] f = l.split(":");
            if (f.length > 3 && f[0].equals(user)) {
                try {
                    return Optional.of(Integer.parseInt(f[field]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
