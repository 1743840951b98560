package org.keepvip.agent.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.config.Firewall;
import org.keepvip.agent.daemon.VipSpec;
import org.keepvip.agent.loop.Recorder;

/** The firewall's transactions against a recording libnftables: stale table at start, a refusal retried, the exit. */
class NftablesFirewallTest {
    /** Records each call; refuses the calls whose number is in {@code refuse}. */
    static final class Recorder implements NftRunner {
        final List<String> calls = new ArrayList<>();
        final List<Integer> refuse = new ArrayList<>();
        boolean closed;

        @Override
        public String run(String commands) throws IOException {
            calls.add(commands);
            if (refuse.contains(calls.size())) {
                throw new IOException("Error: Could not process rule: Operation not permitted");
            }
            return "";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static VipSpec vip(String a) throws Exception {
        return new VipSpec(InetAddress.getByName(a), 24, "eth0", null, false);
    }

    @Test
    void staleTablesGoFirstARefusedChangeIsRetriedWholeAndExitDropsWhatWasBuilt() throws Exception {
        Recorder nft = new Recorder();
        nft.refuse.add(2);
        NftablesFirewall fw = new NftablesFirewall(nft, new Firewall("kv", -1, false, false, null), ifname -> 2);
        assertThat(nft.calls).containsExactly(
                "add table ip kv\ndelete table ip kv\nadd table ip6 kv\ndelete table ip6 kv\n");
        assertThat(fw.block("VI_1", List.of(vip("192.0.2.10")), "eth0", false)).isFalse();
        assertThat(fw.block("VI_1", List.of(vip("192.0.2.10")), "eth0", false)).isTrue();
        assertThat(nft.calls.get(2)).isEqualTo(nft.calls.get(1)).startsWith("add table ip kv\n")
                .endsWith("add element ip kv vips { 192.0.2.10 }\n");
        assertThat(fw.unblock("VI_1", List.of(vip("192.0.2.10")))).isTrue();
        assertThat(nft.calls.get(3)).isEqualTo("delete element ip kv vips { 192.0.2.10 }\n");
        assertThat(fw.unblock("VI_1", List.of(vip("192.0.2.10")))).isTrue();
        assertThat(nft.calls).hasSize(4); // nothing held: no call
        fw.close();
        assertThat(nft.calls.get(4)).isEqualTo("delete table ip kv\n");
        assertThat(nft.closed).isTrue();
    }

    @Test
    void aRefusedStartIsAnError() {
        Recorder nft = new Recorder();
        nft.refuse.add(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new NftablesFirewall(nft, new Firewall("kv", -1, false, false, null), ifname -> 0))
                .isInstanceOf(IOException.class).hasMessageContaining("Operation not permitted");
    }
}
