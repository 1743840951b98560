# scripts/demo, host B: the standby (priority 100). VRRPv3 multicast, 100 ms adverts, so
# master_down_interval on B is 3 x 100 ms + (256 - 100) x 100 ms / 256 = 360.9 ms.
# @DEMO_ETC@ is replaced by the demo with this directory's absolute path.

global_defs {
    router_id demo-b
    vrrp_version 3
    enable_script_security
    script_user root
}

vrrp_instance VI_REDIS {
    state BACKUP
    interface eth0
    virtual_router_id 62
    priority 100
    advert_int 0.1
    virtual_ipaddress {
        192.0.2.100/24
    }
    # Until keepvip's own Redis hooks land, a plain keepalived-style notify promotes the local Redis.
    notify_master "@DEMO_ETC@/redis-promote 192.0.2.12"
}
