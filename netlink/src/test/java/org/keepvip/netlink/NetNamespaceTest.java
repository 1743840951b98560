package org.keepvip.netlink;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetNamespaceTest {
    @Test
    void missingNamespaceIsAClearError() {
        assertThatThrownBy(() -> NetNamespace.newExecutor("kvt-no-such-namespace"))
                .isInstanceOf(IOException.class)
                .hasMessage("network namespace 'kvt-no-such-namespace' does not exist (/var/run/netns/kvt-no-such-namespace)");
    }

    @Test
    void socketsOpenedOnTheThreadBelongToTheNamespace() throws Exception {
        TestNetns.assumeRoot();
        String ns;
        try (TestNetns t = new TestNetns()) {
            ns = t.create("ns");
            TestNetns.ipIn(ns, "link", "add", "kvx0", "type", "veth", "peer", "name", "kvx1");
            List<String> names = NetNamespace.call(ns, () -> {
                try (NetlinkClient c = NetlinkClient.open()) {
                    return c.links().stream().map(Link::name).toList();
                }
            });
            assertThat(names).containsExactlyInAnyOrder("lo", "kvx0", "kvx1");
            // A client opened inside, used from this (outside) thread, still sees the namespace.
            NetlinkClient inside = NetNamespace.call(ns, NetlinkClient::open);
            try (inside) {
                assertThat(inside.link("kvx0")).isPresent();
            }
        }
        assertThat(TestNetns.ip("netns", "list")).doesNotContain(ns);
    }
}
