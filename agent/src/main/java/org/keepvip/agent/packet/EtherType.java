package org.keepvip.agent.packet;

/** EtherType values keepvip writes or reads. */
final class EtherType {
    static final int IPV4 = 0x0800;
    static final int ARP = 0x0806;
    static final int IPV6 = 0x86DD;
    static final int VLAN = 0x8100;
    static final int QINQ = 0x88A8;
    /** Destination MAC, source MAC, EtherType. */
    static final int HEADER_LENGTH = 14;

    private EtherType() {}
}
