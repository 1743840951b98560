package org.keepvip.vrrp.packet;

/** VRRPv2 authentication types (RFC 3768 §5.3.6); v3 has none. */
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
