# scripts/demo, host B: the standby (priority 100). VRRPv3 multicast, 100 ms adverts, so
# master_down_interval on B is 3 x 100 ms + (256 - 100) x 100 ms / 256 = 360.9 ms.

global_defs {
    router_id demo-b
    vrrp_version 3
}

# The local Redis, checked in-process (PING + INFO) every 100 ms. Entering MASTER, keepvip promotes
# it (REPLICAOF NO ONE, then confirms ROLE master) before it adds the VIP; leaving MASTER, it fences
# it (CLIENT PAUSE WRITE, CLIENT KILL TYPE normal) before it removes the VIP; as BACKUP it makes it
# a replica of the master it hears (the advert's source address, port peer_port).
redis_instance redis_6379 {
    address 192.0.2.12:6379
    interval 0.1
    timeout 0.1
    rise 2
    fall 2
    weight -60
    promote_timeout 3
    fence on
    peer_port 6379
}

vrrp_instance VI_REDIS {
    state BACKUP
    interface eth0
    virtual_router_id 62
    priority 100
    advert_int 0.1
    # The master keeps the role until it fails: a host that comes back with an older copy of the
    # data rejoins as a replica instead of taking the VIP (and the writes made meanwhile) away.
    nopreempt
    virtual_ipaddress {
        192.0.2.100/24
    }
    track_redis {
        redis_6379
    }
}
