#!/usr/bin/python3
"""Sends classes of malformed and hostile VRRP packets for HostilePacketsE2ETest.

Run inside the lab's sender namespace: hostile_vrrp.py IFACE JSON. JSON names the pair and its
instances (see the test). Then each line on stdin names a class; the class's packets are sent
COUNT times and "sent NAME" is printed. Every packet would win the election (priority 254) if it
were accepted, so a class that is not dropped shows as a state change.

The IP and VRRP headers are built byte by byte: scapy would mend the very fields under test
(lengths, checksums, options); scapy frames them in Ethernet and sends them.
"""
import json
import struct
import sys

from scapy.all import Ether, Raw, conf, sendp

conf.verb = 0

PRIORITY = 254
V4_GROUP = "224.0.0.18"
V6_GROUP = "ff02::12"
V4_GROUP_MAC = "01:00:5e:00:00:12"
V6_GROUP_MAC = "33:33:00:00:00:12"


def inet_sum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def a4(text):
    return bytes(int(x) for x in text.split("."))


def a6(text):
    import ipaddress
    return ipaddress.IPv6Address(text).packed


def vrrp(version, vrid, addrs, *, typ=1, priority=PRIORITY, count=None, auth_type=1, password=b"",
         interval=1, pseudo=None, bad_sum=False, extra=b""):
    """A VRRP message; v2 carries auth type and a whole-second interval, v3 centiseconds."""
    body = b"".join(addrs)
    n = len(addrs) if count is None else count
    if version == 2:
        head = struct.pack("!BBBBBBH", (2 << 4) | typ, vrid, priority, n, auth_type, interval, 0)
        msg = head + body + password.ljust(8, b"\0")[:8] + extra
        total = inet_sum(msg)
    else:
        head = struct.pack("!BBBBHH", (3 << 4) | typ, vrid, priority, n, interval & 0x0FFF, 0)
        msg = head + body + extra
        total = inet_sum((pseudo(len(msg)) if pseudo else b"") + msg)
    if bad_sum:
        total ^= 0x5A5A
    return msg[:6] + struct.pack("!H", total) + msg[8:]


def ipv4(src, dst, payload, *, ttl=255, flags_offset=0, options=b"", proto=112, version=4, total=None,
         bad_sum=False):
    ihl = (20 + len(options)) // 4
    length = 20 + len(options) + len(payload) if total is None else total
    head = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0xC0, length, 1, flags_offset, ttl, proto, 0,
                       a4(src), a4(dst)) + options
    s = inet_sum(head)
    if bad_sum:
        s ^= 0x5A5A
    return head[:10] + struct.pack("!H", s) + head[12:] + payload


def ipv6(src, dst, payload, *, hop=255, next_header=112, ext=b""):
    return struct.pack("!IHBB16s16s", 6 << 28, len(ext) + len(payload), next_header, hop,
                       a6(src), a6(dst)) + ext + payload


def v4_pseudo(src, dst):
    return lambda n: a4(src) + a4(dst) + struct.pack("!BBH", 0, 112, n)


def v6_pseudo(src, dst):
    return lambda n: a6(src) + a6(dst) + struct.pack("!IxxxB", n, 112)


def main():
    iface = sys.argv[1]
    lab = json.loads(sys.argv[2])
    count = lab["count"]
    me4, me6, my_mac = lab["sender_ipv4"], lab["sender_ipv6"], lab["sender_mac"]
    a4addr, a_mac = lab["a_ipv4"], lab["a_mac"]
    v2, v6i, uni = lab["v2"], lab["v6"], lab["unicast"]
    pw = v2["password"].encode()
    vip2 = [a4(v2["vip"])]
    vip6 = [a6(v6i["vip"])]
    vipu = [a4(uni["vip"])]

    def v2msg(**kw):
        kw.setdefault("password", pw)
        return vrrp(2, v2["vrid"], vip2, **kw)

    def v6msg(src=me6, dst=V6_GROUP, **kw):
        kw.setdefault("interval", v6i["interval"])
        return vrrp(3, v6i["vrid"], vip6, pseudo=v6_pseudo(src, dst), **kw)

    def v4(payload, dst=V4_GROUP, src=me4, mac=V4_GROUP_MAC, **kw):
        return Ether(src=my_mac, dst=mac, type=0x0800) / Raw(ipv4(src, dst, payload, **kw))

    def v6(payload, src=me6, dst=V6_GROUP, mac=V6_GROUP_MAC, **kw):
        return Ether(src=my_mac, dst=mac, type=0x86DD) / Raw(ipv6(src, dst, payload, **kw))

    def v3uni(dst, **kw):
        return vrrp(3, uni["vrid"], vipu, pseudo=v4_pseudo(me4, dst), interval=uni["interval"], **kw)

    def dest_options(option):
        return bytes([112, 0]) + option

    good_v2 = v2msg()
    lsrr = bytes([1, 131, 7, 4]) + a4(a4addr)  # NOP, then a loose source route through a
    classes = {
        # Fragments: a whole, valid, winning advert inside a first fragment, and a last fragment.
        "fragment_v4_first": [v4(good_v2, flags_offset=0x2000)],
        "fragment_v4_last": [v4(good_v2, flags_offset=0x0003)],
        "fragment_v6": [v6(v6msg(), next_header=44, ext=struct.pack("!BBHI", 112, 0, 0x0001, 42))],
        "fragment_v6_atomic": [v6(v6msg(), next_header=44, ext=struct.pack("!BBHI", 112, 0, 0x0000, 43))],
        # IP layer.
        "ip_header_checksum": [v4(good_v2, bad_sum=True)],
        "ip_version_in_ipv4_frame": [v4(good_v2, version=6)],
        "ip_total_length_beyond_frame": [v4(good_v2, total=20 + len(good_v2) + 40)],
        "ip_options_malformed": [v4(good_v2, options=bytes([7, 1, 0, 0]))],
        "ip_options_source_route": [v4(good_v2, options=lsrr)],
        "martian_source_loopback": [v4(good_v2, src="127.0.0.1")],
        "martian_source_multicast": [v4(good_v2, src="224.0.0.5")],
        "ipv6_unknown_option_discard": [v6(v6msg(), next_header=60, ext=dest_options(bytes([0x5E, 4, 0, 0, 0, 0])))],
        "ipv6_routing_header_segments_left": [v6(v6msg(), next_header=43,
                                                 ext=bytes([112, 2, 0, 1, 0, 0, 0, 0]) + a6("2001:db8::1"))],
        "ipv6_extension_header_truncated": [v6(v6msg(), next_header=60, ext=bytes([112, 9]) + bytes(6))],
        "vrid_foreign_v6": [v6(vrrp(3, 199, vip6, pseudo=v6_pseudo(me6, V6_GROUP), interval=v6i["interval"]))],
        "ttl_v4": [v4(good_v2, ttl=254)],
        "hop_limit_v6": [v6(v6msg(), hop=64)],
        # VRRP header.
        "version_3_on_v2_instance": [v4(vrrp(3, v2["vrid"], vip2, pseudo=v4_pseudo(me4, V4_GROUP), interval=100))],
        "version_2_on_v3_instance": [v6(vrrp(2, v6i["vrid"], vip6, password=b""), next_header=112)],
        "type_2": [v4(v2msg(typ=2))],
        "vrid_0": [v4(vrrp(2, 0, vip2, password=pw))],
        "vrid_foreign": [v4(vrrp(2, 199, vip2, password=pw))],
        "checksum_v2": [v4(v2msg(bad_sum=True))],
        "checksum_v6": [v6(v6msg(bad_sum=True))],
        "checksum_v3_unicast": [v4(v3uni(a4addr, bad_sum=True), dst=a4addr, mac=a_mac)],
        "too_short": [v4(good_v2[:6])],
        "too_short_v6": [v6(v6msg()[:6])],
        "too_long_v6": [v6(v6msg(extra=bytes(16)))],
        "too_long": [v4(v2msg(extra=bytes(4)))],
        "odd_length": [v4(v2msg(extra=bytes(1)))],
        "count_ip_mismatch": [v4(v2msg(count=3))],
        "interval_0_v2": [v4(v2msg(interval=0))],
        "interval_0_v3": [v6(v6msg(interval=0))],
        "auth_wrong_password": [v4(v2msg(password=b"guess"))],
        "auth_type_none_on_pass": [v4(v2msg(auth_type=0, password=b""))],
        "auth_type_invalid": [v4(v2msg(auth_type=7))],
        # Addresses.
        "source_is_our_address": [v4(good_v2, src=a4addr, mac=a_mac)],
        "source_is_our_vip": [v4(good_v2, src=v2["vip"], mac=a_mac)],
        "destination_other_group": [v4(good_v2, dst="224.0.0.1", mac="01:00:5e:00:00:01")],
        "destination_other_group_v6": [v6(v6msg(dst="ff02::1"), dst="ff02::1", mac="33:33:00:00:00:01")],
        "unicast_to_multicast_instance": [v4(good_v2, dst=a4addr, mac=a_mac)],
        "multicast_to_unicast_instance": [v4(v3uni(V4_GROUP))],
        "unicast_to_another_host": [v4(v3uni("192.0.2.99"), dst="192.0.2.99", mac=a_mac)],
        # Ethernet: a winning advert in a frame for a MAC nobody has, which the switch floods.
        "frame_to_another_mac": [v4(good_v2, mac="02:00:00:99:99:99")],
        # Controls: the same adverts, well-formed; they win.
        "control_valid_v2": [v4(good_v2)],
        "control_valid_v6": [v6(v6msg())],
    }
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        if name not in classes:
            print("unknown " + name, flush=True)
            continue
        sendp(classes[name] * count, iface=iface)
        print("sent " + name, flush=True)


if __name__ == "__main__":
    main()
