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
