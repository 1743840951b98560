package org.keepvip.agent.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.keepvip.vrrp.config.ConfigSource;

/** {@link ConfigSource} on the real file system and process environment. */
public final class FileConfigSource implements ConfigSource {
    /** Larger files are refused: a keepalived.conf is kilobytes, not a disk image. */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private final Map<String, String> env;

    /** Uses the process environment. */
    public FileConfigSource() {
        this(System.getenv());
    }

    /** Uses the given environment for {@code ${_ENV NAME}} (tests). */
    public FileConfigSource(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Content read(String absolutePath) {
        Path p = Path.of(absolutePath);
        try {
            if (Files.isDirectory(p)) {
                return new Unreadable("is a directory");
            }
            if (Files.size(p) > MAX_FILE_BYTES) {
                return new Unreadable("larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MB");
            }
            return new Text(decode(Files.readAllBytes(p)));
        } catch (NoSuchFileException e) {
            return new Missing();
        } catch (AccessDeniedException e) {
            return new Unreadable("permission denied");
        } catch (IOException | RuntimeException e) {
            return new Unreadable(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** UTF-8, with anything undecodable replaced rather than failing: the parser reports it. */
    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public List<String> glob(String absolutePattern) {
        List<String> out = new ArrayList<>();
        String[] parts = absolutePattern.split("/");
        walk(Path.of("/"), parts, 1, out);
        out.sort(null);
        return out;
    }

    private static void walk(Path dir, String[] parts, int i, List<String> out) {
        if (i >= parts.length) {
            if (Files.isRegularFile(dir)) {
                out.add(dir.toString());
            }
            return;
        }
        String part = parts[i];
        if (part.isEmpty() || part.equals(".")) {
            walk(dir, parts, i + 1, out);
            return;
        }
        boolean wildcard = part.indexOf('*') >= 0 || part.indexOf('?') >= 0 || part.indexOf('[') >= 0;
        if (!wildcard) {
            Path next = dir.resolve(part);
            if (Files.exists(next)) {
                walk(next, parts, i + 1, out);
            }
            return;
        }
        PathMatcher m;
        try {
            m = FileSystems.getDefault().getPathMatcher("glob:" + part);
        } catch (RuntimeException e) {
            return; // an invalid pattern matches nothing
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path child : ds) {
                String name = child.getFileName().toString();
                if (name.startsWith(".") && !part.startsWith(".")) {
                    continue; // like glob(3): * does not match a leading dot
                }
                if (m.matches(child.getFileName())) {
                    walk(child, parts, i + 1, out);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable directory: no matches there
        }
    }

    @Override
    public String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Optional.ofNullable(env.get("HOSTNAME")).orElse("localhost");
    }

    @Override
    public Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name));
    }

    @Override
    public long random(long min, long max) {
        return ThreadLocalRandom.current().nextLong(min, max + 1);
    }

    /** Asks the kernel (rtnetlink, in the calling thread's namespace); empty if it cannot be asked. */
    @Override
    public java.util.OptionalLong vrfTable(String name) {
        try (org.keepvip.netlink.NetlinkClient nl = org.keepvip.netlink.NetlinkClient.open()) {
            return nl.link(name).map(l -> java.util.OptionalLong.of(l.isVrf() ? l.vrfTable() : -1))
                    .orElse(java.util.OptionalLong.empty());
        } catch (java.io.IOException | RuntimeException | LinkageError e) {
            return java.util.OptionalLong.empty();
        }
    }
}
