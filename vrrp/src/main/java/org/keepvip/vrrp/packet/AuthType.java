package org.keepvip.vrrp.packet;

/** VRRPv2 authentication types (VRRPv2 only, as keepalived/vrrp/vrrp.c handles them); v3 has none. */
public enum AuthType {
    NONE(0),
    PASS(1),
    AH(2);

    private final int wireValue;

    AuthType(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }
}
