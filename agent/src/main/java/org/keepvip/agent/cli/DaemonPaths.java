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

    private static String base(String instance, String netNamespace) {
        return "keepvip" + (netNamespace == null ? "" : "_" + netNamespace) + (instance == null ? "" : "_" + instance);
    }
}
