package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

import java.io.EOFException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capture filter and the parser on bytes that went through libpcap, without root: frames are
 * written to a pcap file and replayed with {@code Pcaps.openOffline} (pcap4j's fixture style).
 */
class CaptureFilterOfflineTest {
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:0b");

    @Test
    void filterPassesVrrpOfBothFamiliesAndNothingElse(@TempDir Path dir) throws Exception {
        byte[] vrrp = FrameParserTest.VRRP;
        Inet4Address v4 = (Inet4Address) InetAddress.getByName("192.0.2.11");
        Inet6Address ll = (Inet6Address) InetAddress.getByName("fe80::b");
        byte[] advert4 = VrrpFrames.ipv4(MAC, MacAddress.VRRP_IPV4_GROUP, v4, OutboundVrrp.IPV4_GROUP, 255, 1, vrrp);
        byte[] advert6 = VrrpFrames.ipv6(MAC, MacAddress.VRRP_IPV6_GROUP, ll, OutboundVrrp.IPV6_GROUP, 255, vrrp);
        byte[] garp = AnnouncementFrames.gratuitousArp(MAC, (Inet4Address) InetAddress.getByName("192.0.2.100"));
        byte[] na = AnnouncementFrames.unsolicitedNa(MAC, (Inet6Address) InetAddress.getByName("2001:db8:1::100"), false);

        Path file = dir.resolve("mixed.pcap");
        try (PcapHandle dead = Pcaps.openDead(DataLinkType.EN10MB, 65535);
             PcapDumper dumper = dead.dumpOpen(file.toString())) {
            for (byte[] f : List.of(garp, advert4, na, advert6)) {
                dumper.dumpRaw(f);
            }
        }

        List<FrameVerdict> seen = new ArrayList<>();
        try (PcapHandle offline = Pcaps.openOffline(file.toString())) {
            offline.setFilter(PcapPacketPort.CAPTURE_FILTER, BpfProgram.BpfCompileMode.OPTIMIZE);
            while (true) {
                try {
                    seen.add(FrameParser.parse(offline.getNextRawPacketEx(), "eth0", 0));
                } catch (EOFException end) {
                    break;
                }
            }
        }
        assertThat(seen).hasSize(2).allMatch(r -> r instanceof ReceivedVrrp);
        assertThat(((ReceivedVrrp) seen.get(0)).source()).isEqualTo(v4);
        assertThat(((ReceivedVrrp) seen.get(1)).source()).isEqualTo(ll);
        assertThat(((ReceivedVrrp) seen.get(1)).payload()).isEqualTo(vrrp);
    }

    @Test
    void filterLetsOneIpv6ExtensionHeaderBeforeVrrpThroughButNotMld(@TempDir Path dir) throws Exception {
        byte[] destOptions = FrameParserTest.v6WithExtension(60, Hex.bytes("7000 0104 0000 0000"));
        byte[] routing = FrameParserTest.v6WithExtension(43,
                Hex.bytes("7002 0001 0000 0000 2001 0db8 0000 0000 0000 0000 0000 0001"));
        byte[] hopByHopIcmp = FrameParserTest.v6WithExtension(0, Hex.bytes("3a00 0502 0000 0100")); // as MLD

        Path file = dir.resolve("extensions.pcap");
        try (PcapHandle dead = Pcaps.openDead(DataLinkType.EN10MB, 65535);
             PcapDumper dumper = dead.dumpOpen(file.toString())) {
            for (byte[] f : List.of(destOptions, hopByHopIcmp, routing)) {
                dumper.dumpRaw(f);
            }
        }
        List<FrameVerdict> seen = new ArrayList<>();
        try (PcapHandle offline = Pcaps.openOffline(file.toString())) {
            offline.setFilter(PcapPacketPort.CAPTURE_FILTER, BpfProgram.BpfCompileMode.OPTIMIZE);
            while (true) {
                try {
                    seen.add(FrameParser.parse(offline.getNextRawPacketEx(), "eth0", 0));
                } catch (EOFException end) {
                    break;
                }
            }
        }
        assertThat(seen).hasSize(2);
        assertThat(((ReceivedVrrp) seen.get(0)).payload()).isEqualTo(FrameParserTest.VRRP);
        assertThat(((FrameVerdict.Dropped) seen.get(1)).reason()).isEqualTo(DropReason.IPV6_ROUTING_HEADER);
    }
}
