package org.keepvip.agent.cli;

import java.nio.file.Path;

/**
 * Where a daemon's files go by default, so that several run side by side without options, as
 * keepalived names its pid files (keepalived/core/main.c: keepalived_main(), make_pidfile_name();
 * keepalived/core/namespaces.c: set_run_mount()): {@code instance NAME} adds {@code _NAME} to
 * the file names, {@code net_namespace NS} puts them in a directory of their own, {@code NS/}.
 *
 * <pre>
 *   (neither)             /run/keepvip/keepvip.sock      /tmp/keepvip.data
 *   instance a            /run/keepvip/keepvip_a.sock    /tmp/keepvip_a.data
 *   net_namespace blue    /run/keepvip/blue/keepvip.sock /tmp/keepvip_blue.data
 * </pre>
 */
final class DaemonPaths {
    static final Path RUN_DIR = Path.of("/run/keepvip");

    private DaemonPaths() {}

    /** The control socket of the daemon named so (either may be null). */
    static Path socket(String instance, String netNamespace) {
        Path dir = netNamespace == null ? RUN_DIR : RUN_DIR.resolve(netNamespace);
        return dir.resolve(base(instance, null) + ".sock");
    }

    /** The base name of its dump files in the dump directory: {@code keepvip[_NS][_NAME]}. */
    static String dumpBase(String instance, String netNamespace) {
        return base(instance, netNamespace);
    }

    /**
     * A dump file: {@code configured} (state_dump_file or stats_dump_file) or, when null, the default
     * name {@code keepvip[_NS][_NAME]EXT} in {@code dumpDir}. As keepalived 2.3+ reads the keywords
     * (keepalived/core/global_data.c: open_dump_file()): an absolute path is used as given, or as a
     * directory for the default name when it ends in '/'; a relative one keeps only its file name, in
     * {@code dumpDir}; with data_use_instance, {@code .NS_NAME} goes before the extension.
     */
    static Path dumpFile(Path dumpDir, String configured, String ext, boolean useInstance, String instance,
                         String netNamespace) {
        String defaultName = base(instance, netNamespace) + ext;
        if (configured == null) {
            return dumpDir.resolve(defaultName);
        }
        Path dir = dumpDir;
        if (configured.startsWith("/")) {
            dir = Path.of(configured.endsWith("/") ? configured : configured.substring(0, configured.lastIndexOf('/') + 1));
        }
        if (configured.endsWith("/")) {
            return dir.resolve(defaultName);
        }
        String name = configured.substring(configured.lastIndexOf('/') + 1);
        if (useInstance && (instance != null || netNamespace != null)) {
            int dot = name.lastIndexOf('.');
            String suffix = "." + (netNamespace == null ? "" : netNamespace)
                    + (instance != null && netNamespace != null ? "_" : "") + (instance == null ? "" : instance);
            name = dot < 0 ? name + suffix : name.substring(0, dot) + suffix + name.substring(dot);
        }
        return dir.resolve(name);
    }

    private static String base(String instance, String netNamespace) {
        return "keepvip" + (netNamespace == null ? "" : "_" + netNamespace) + (instance == null ? "" : "_" + instance);
    }
}
