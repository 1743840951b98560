package org.keepvip.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The default paths of a daemon named by instance and net_namespace. */
class DaemonPathsTest {
    @Test
    void namesAddToTheFileNameAndTheNamespaceMakesADirectory() {
        assertThat(DaemonPaths.socket(null, null)).isEqualTo(ControlCall.DEFAULT_SOCKET);
        assertThat(DaemonPaths.socket("a", null)).isEqualTo(Path.of("/run/keepvip/keepvip_a.sock"));
        assertThat(DaemonPaths.socket(null, "blue")).isEqualTo(Path.of("/run/keepvip/blue/keepvip.sock"));
        assertThat(DaemonPaths.socket("a", "blue")).isEqualTo(Path.of("/run/keepvip/blue/keepvip_a.sock"));
        assertThat(DaemonPaths.dumpBase("a", "blue")).isEqualTo("keepvip_blue_a");
        assertThat(DaemonPaths.dumpBase(null, null)).isEqualTo("keepvip");
    }

    @Test
    void stateAndStatsDumpFilesAreReadAsKeepalivedReadsThem() {
        Path tmp = Path.of("/tmp");
        assertThat(DaemonPaths.dumpFile(tmp, null, ".data", false, "a", "blue")).isEqualTo(Path.of("/tmp/keepvip_blue_a.data"));
        assertThat(DaemonPaths.dumpFile(tmp, "/var/lib/kv/state.txt", ".data", false, "a", "blue"))
                .isEqualTo(Path.of("/var/lib/kv/state.txt"));
        // a trailing '/' names a directory for the default name
        assertThat(DaemonPaths.dumpFile(tmp, "/var/lib/kv/", ".stats", true, "a", null))
                .isEqualTo(Path.of("/var/lib/kv/keepvip_a.stats"));
        // a relative path keeps only its file name, in the dump directory
        assertThat(DaemonPaths.dumpFile(Path.of("/srv/dumps"), "sub/kv.stats", ".stats", false, null, null))
                .isEqualTo(Path.of("/srv/dumps/kv.stats"));
        // data_use_instance: .NS_NAME before the extension, or at the end without one
        assertThat(DaemonPaths.dumpFile(tmp, "/var/kv.data", ".data", true, "a", "blue"))
                .isEqualTo(Path.of("/var/kv.blue_a.data"));
        assertThat(DaemonPaths.dumpFile(tmp, "/var/kvdump", ".data", true, "a", null)).isEqualTo(Path.of("/var/kvdump.a"));
        assertThat(DaemonPaths.dumpFile(tmp, "/var/kv.data", ".data", true, null, null)).isEqualTo(Path.of("/var/kv.data"));
    }

    @Test
    void clientCommandsFindTheSocketByTheDaemonsNames() {
        SocketOptions o = new SocketOptions();
        assertThat(o.path()).isEqualTo(ControlCall.DEFAULT_SOCKET);
        o.instance = "a";
        o.netNamespace = "blue";
        assertThat(o.path()).isEqualTo(Path.of("/run/keepvip/blue/keepvip_a.sock"));
        o.socket = Path.of("/tmp/x.sock");
        assertThat(o.path()).isEqualTo(Path.of("/tmp/x.sock"));
    }
}
