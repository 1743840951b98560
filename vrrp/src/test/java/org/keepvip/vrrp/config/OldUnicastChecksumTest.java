package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.mapping.InstanceMapping;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.OldUnicastChecksum;

/** old_unicast_checksum [never], as keepalived's vrrp_unicast_chksum_handler() reads it. */
class OldUnicastChecksumTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";

    private static ParseResult parse(String line) {
        String text = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n version 3\n"
                + " unicast_src_ip 192.0.2.1\n unicast_peer {\n  192.0.2.2\n }\n" + line
                + " virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n";
        return ConfigParser.parse(MAIN, new MemorySource().file(MAIN, text), null);
    }

    private static InstanceSpec instance(ParseResult r) {
        return r.config().instances().get(0);
    }

    @Test
    void bareMeansSendAndExpectTheOldChecksum() {
        ParseResult r = parse(" old_unicast_checksum\n");
        assertThat(r.diagnostics()).isEmpty();
        assertThat(instance(r).advert().oldUnicastChecksum()).isEqualTo(OldUnicastChecksum.FORCE);
        assertThat(InstanceMapping.checksumMode(instance(r))).isEqualTo(ChecksumMode.OLD_UNICAST);
        assertThat(InstanceMapping.expectations(instance(r)).oldUnicastChecksum()).isEqualTo(OldUnicastChecksum.FORCE);
        assertThat(ConfigWriter.write(r.config())).contains("old_unicast_checksum\n");
    }

    @Test
    void neverTurnsDetectionOffAndTheDefaultDetects() {
        ParseResult never = parse(" old_unicast_checksum never\n");
        assertThat(instance(never).advert().oldUnicastChecksum()).isEqualTo(OldUnicastChecksum.NEVER);
        assertThat(InstanceMapping.checksumMode(instance(never))).isEqualTo(ChecksumMode.STANDARD);
        ParseResult plain = parse("");
        assertThat(instance(plain).advert().oldUnicastChecksum()).isEqualTo(OldUnicastChecksum.AUTO);
        assertThat(InstanceMapping.checksumMode(instance(plain))).isEqualTo(ChecksumMode.STANDARD);
    }

    @Test
    void anUnknownModeIsKeepalivedsError() {
        ParseResult r = parse(" old_unicast_checksum sometimes\n");
        assertThat(r.diagnostics()).anyMatch(d -> d.format().contains("(VI_1) Unknown old_unicast_chksum mode sometimes - ignoring"));
        assertThat(instance(r).advert().oldUnicastChecksum()).isEqualTo(OldUnicastChecksum.AUTO);
    }
}
