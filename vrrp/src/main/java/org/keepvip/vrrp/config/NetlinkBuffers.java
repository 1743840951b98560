package org.keepvip.vrrp.config;

/**
 * The receive buffers of the daemon's netlink sockets: {@code vrrp_netlink_cmd_rcv_bufs[_force]} for the
 * socket that sends address, route and rule changes and reads their acknowledgements, and
 * {@code vrrp_netlink_monitor_rcv_bufs[_force]} for the socket that follows link and address events
 * (keepalived/core/global_parser.c; applied in keepalived/core/keepalived_netlink.c: netlink_set_rx_buf_size()).
 *
 * @param cmdBytes      SO_RCVBUF of the command socket, or 0 (the daemon's own size)
 * @param cmdForce      use SO_RCVBUFFORCE, which passes net.core.rmem_max, for it
 * @param monitorBytes  SO_RCVBUF of the monitor socket, or 0 (the daemon's own size)
 * @param monitorForce  use SO_RCVBUFFORCE for it
 * @param processBytes  {@code process_monitor_rcv_bufs}: SO_RCVBUF of the process connector socket of
 *                      {@code vrrp_track_process} (keepalived/vrrp/vrrp_track_process.c: open_pm_socket()),
 *                      or 0 (the daemon's own size)
 * @param processForce  {@code process_monitor_rcv_bufs_force}: use SO_RCVBUFFORCE for it
 */
public record NetlinkBuffers(int cmdBytes, boolean cmdForce, int monitorBytes, boolean monitorForce,
                             int processBytes, boolean processForce) {
    public static final NetlinkBuffers DEFAULT = new NetlinkBuffers(0, false, 0, false, 0, false);

    /** Without the process connector's settings. */
    public NetlinkBuffers(int cmdBytes, boolean cmdForce, int monitorBytes, boolean monitorForce) {
        this(cmdBytes, cmdForce, monitorBytes, monitorForce, 0, false);
    }
}
