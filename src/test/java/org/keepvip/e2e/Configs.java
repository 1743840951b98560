package org.keepvip.e2e;

/** keepalived.conf texts for the end-to-end scenarios. */
final class Configs {
    private Configs() {}

    /** A VRRPv2 multicast instance with PASS authentication. */
    static String v2Multicast(int vrid, int priority, String vip, boolean nopreempt) {
        return """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority %d
                    advert_int 1
                    %s
                    authentication {
                        auth_type PASS
                        auth_pass s3cret
                    }
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(vrid, priority, nopreempt ? "nopreempt" : "", vip);
    }

    /** A VRRPv3 IPv4 multicast instance at {@code advertInt} seconds. */
    static String v3Multicast(int vrid, int priority, String advertInt, String vip) {
        return """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    version 3
                    virtual_router_id %d
                    priority %d
                    advert_int %s
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(vrid, priority, advertInt, vip);
    }

    /** A VRRPv3 unicast instance at {@code advertInt} seconds, advertising to {@code peers}. */
    static String v3Unicast(int vrid, int priority, String advertInt, String self, String vip, String... peers) {
        return """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    version 3
                    virtual_router_id %d
                    priority %d
                    advert_int %s
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        %s
                    }
                }
                """.formatted(vrid, priority, advertInt, self, String.join("\n            ", peers), vip);
    }

    /** A VRRPv3 IPv6 multicast instance (link-local source, ff02::12). */
    static String v3Ipv6(int vrid, int priority, String vip) {
        return """
                vrrp_instance VI_6 {
                    state BACKUP
                    interface eth0
                    version 3
                    virtual_router_id %d
                    priority %d
                    advert_int 0.5
                    virtual_ipaddress {
                        %s/64
                    }
                }
                """.formatted(vrid, priority, vip);
    }
}
