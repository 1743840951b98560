package org.keepvip.vrrp.config;

/**
 * The smaller host-wide {@code global_defs} keywords, grouped by concern (keepalived/core/global_parser.c).
 *
 * @param defaultInterface default_interface: where a static_ipaddress without {@code dev} goes, or
 *                         null for keepalived's own default, eth0
 * @param dumps            state_dump_file, stats_dump_file and data_use_instance
 * @param umask            umask: the file-creation mask the daemon runs with, or null (inherited)
 * @param netlink          vrrp_netlink_cmd_rcv_bufs[_force], vrrp_netlink_monitor_rcv_bufs[_force]
 * @param fifoWriteStatesOnReload fifo_write_vrrp_states_on_reload: after a reload, each instance whose
 *                         state the reload did not change writes that state to the notify FIFO again
 *                         (keepalived/vrrp/vrrp_scheduler.c: vrrp_init_state())
 * @param reloadFile       reload_file: the file that exists while a reload reads the configuration
 *                         (keepalived/core/main.c: read_config_file()); "" for the default name
 *                         beside the control socket, null for none
 * @param reloadTimeFile   reload_time_file: a file whose first line schedules a reload
 *                         (keepalived/core/reload_monitor.c), or null
 * @param reloadRepeat     reload_repeat: a time without a date stays in the file after the reload, so
 *                         the reload happens again at that time every day
 * @param disableLocalIgmp disable_local_igmp: net.ipv4.igmp_link_local_mcast_reports set to 0 while
 *                         the daemon runs (keepalived/vrrp/vrrp_daemon.c: set_disable_local_igmp())
 */
public record GlobalExtras(String defaultInterface, DumpFiles dumps, Integer umask, NetlinkBuffers netlink,
                           boolean fifoWriteStatesOnReload, String reloadFile, String reloadTimeFile,
                           boolean reloadRepeat, boolean disableLocalIgmp) {
    public static final GlobalExtras DEFAULT = new GlobalExtras(null, DumpFiles.DEFAULT, null, NetlinkBuffers.DEFAULT,
            false, null);

    public GlobalExtras {
        dumps = dumps == null ? DumpFiles.DEFAULT : dumps;
        netlink = netlink == null ? NetlinkBuffers.DEFAULT : netlink;
    }

    /** Without a scheduled reload. */
    public GlobalExtras(String defaultInterface, DumpFiles dumps, Integer umask, NetlinkBuffers netlink,
                        boolean fifoWriteStatesOnReload, String reloadFile) {
        this(defaultInterface, dumps, umask, netlink, fifoWriteStatesOnReload, reloadFile, null, false, false);
    }
}
