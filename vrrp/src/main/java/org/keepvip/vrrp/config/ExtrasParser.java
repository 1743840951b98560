package org.keepvip.vrrp.config;

import java.util.List;

/**
 * Reads the {@link GlobalExtras} keywords of {@code global_defs}, with keepalived's messages and
 * fallbacks (keepalived/core/global_parser.c, the handler named beside each keyword).
 */
final class ExtrasParser {
    private static final List<String> UMASK_BITS = List.of("IXOTH", "IWOTH", "IROTH", "IXGRP", "IWGRP", "IRGRP",
            "IXUSR", "IWUSR", "IRUSR");

    private String defaultInterface;
    private String stateFile;
    private String statsFile;
    private boolean useInstance;
    private Integer umask;
    private int cmdBytes;
    private boolean cmdForce;
    private int monitorBytes;
    private boolean monitorForce;
    private int processBytes;
    private boolean processForce;
    private boolean fifoWriteStatesOnReload;
    private String reloadFile;
    private String reloadTimeFile;
    private boolean reloadRepeat;
    private boolean disableLocalIgmp;

    void parse(Diagnostics d, Stmt s, String kw) {
        switch (kw) {
            case "default_interface" -> {
                // default_interface_handler()
                if (s.argCount() < 1) {
                    d.error(s.origin, "default_interface requires interface name");
                } else {
                    defaultInterface = s.arg(1);
                }
            }
            case "state_dump_file", "stats_dump_file" -> {
                // keepalived 2.3+: state_dump_file_handler(), stats_dump_file_handler()
                if (s.argCount() != 1 || s.arg(1).isEmpty()) {
                    d.error(s.origin, kw + " requires a non-empty path");
                } else if (kw.equals("state_dump_file")) {
                    stateFile = s.arg(1);
                } else {
                    statsFile = s.arg(1);
                }
            }
            case "data_use_instance" -> {
                // data_use_instance_handler(); keepalived's message says "date_use_instance"
                Boolean v = s.argCount() < 1 ? Boolean.TRUE : trueFalse(s.arg(1));
                if (v == null) {
                    d.error(s.origin, "Invalid value '" + s.arg(1) + "' for global date_use_instance specified");
                } else {
                    useInstance = v;
                }
            }
            case "umask" -> umask(d, s);
            case "fifo_write_vrrp_states_on_reload" -> fifoWriteStatesOnReload = true; // takes no value
            case "reload_file" -> reloadFile = s.argCount() < 1 ? "" : s.arg(1); // reload_file_handler()
            case "reload_time_file" -> {
                // reload_time_file_handler(): exactly one word (the manual asks for an absolute path;
                // keepalived, whose working directory is /, watches a relative one under /)
                if (s.argCount() != 1) {
                    d.error(s.origin, "reload_time_file invalid");
                } else {
                    reloadTimeFile = s.arg(1);
                }
            }
            case "reload_repeat" -> reloadRepeat = true; // reload_repeat_handler(): takes no value
            case "disable_local_igmp" -> disableLocalIgmp = true; // disable_local_igmp_handler()
            case "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs", "process_monitor_rcv_bufs" -> {
                // get_netlink_rcv_bufs_size(): an error or 0 leaves the size as it was
                String type = kw.substring(0, kw.length() - "_rcv_bufs".length());
                int v = 0;
                if (s.argCount() < 1) {
                    d.error(s.origin, type + "_rcv_bufs size missing");
                } else {
                    Long n = unsigned(s.arg(1));
                    if (n == null) {
                        d.error(s.origin, type + "_rcv_bufs size (" + s.arg(1) + ") invalid");
                    } else {
                        v = (int) Math.min(Integer.MAX_VALUE, n); // setsockopt takes an int
                    }
                }
                if (v != 0 && kw.startsWith("vrrp_netlink_cmd")) {
                    cmdBytes = v;
                } else if (v != 0 && kw.startsWith("process")) {
                    processBytes = v;
                } else if (v != 0) {
                    monitorBytes = v;
                }
            }
            case "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs_force",
                    "process_monitor_rcv_bufs_force" -> {
                // vrrp_netlink_{cmd,monitor}_rcv_bufs_force_handler(): no value means true
                Boolean v = s.argCount() < 1 ? Boolean.TRUE : trueFalse(s.arg(1));
                if (v == null) {
                    d.error(s.origin, "Invalid value '" + s.arg(1) + "' for global " + kw + " specified");
                } else if (kw.startsWith("vrrp_netlink_cmd")) {
                    cmdForce = v;
                } else if (kw.startsWith("process")) {
                    processForce = v;
                } else {
                    monitorForce = v;
                }
            }
            default -> throw new IllegalStateException(kw);
        }
    }

    /**
     * umask_handler(): an octal, hex or decimal number (strtol base 0) of permission bits only, or
     * {@code IRUSR|IWGRP...} symbols, possibly spread over several words.
     */
    private void umask(Diagnostics d, Stmt s) {
        if (s.argCount() < 1) {
            d.error(s.origin, "Missing parameter(s) to umask option");
            return;
        }
        String mask = s.arg(1);
        if (Character.isDigit(mask.charAt(0))) {
            if (s.argCount() != 1) {
                d.error(s.origin, "Extra parameter(s) to umask option");
                return;
            }
            Long v = strtolBase0(mask);
            if (v == null || (v & ~0777L) != 0) {
                d.error(s.origin, "invalid umask value " + mask);
                return;
            }
            umask = v.intValue();
            return;
        }
        int bits = 0;
        boolean needOr = false;
        for (int i = 1; i <= s.argCount(); i++) {
            String w = s.arg(i);
            int at = 0;
            while (at < w.length()) {
                if (needOr) {
                    if (w.charAt(at) != '|') {
                        d.error(s.origin, "Invalid umask syntax " + w);
                        return;
                    }
                    needOr = false;
                    at++;
                    continue;
                }
                int bit = w.length() - at >= 5 ? UMASK_BITS.indexOf(w.substring(at, at + 5)) : -1;
                if (bit < 0) {
                    d.error(s.origin, "Unknown umask bit " + w.substring(at));
                    return;
                }
                bits |= 1 << bit;
                at += 5;
                needOr = true;
            }
        }
        if (!needOr) {
            d.error(s.origin, "umask missing bit value");
            return;
        }
        umask = bits;
    }

    /** strtol(text, &end, 0) that must consume the whole (digit-led) text. */
    private static Long strtolBase0(String text) {
        try {
            if (text.length() > 2 && (text.startsWith("0x") || text.startsWith("0X"))) {
                return Long.parseLong(text.substring(2), 16);
            }
            if (text.length() > 1 && text.startsWith("0")) {
                return Long.parseLong(text.substring(1), 8);
            }
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** read_unsigned(): a decimal in [0, UINT_MAX]. */
    private static Long unsigned(String text) {
        if (!text.matches("[0-9]{1,10}")) {
            return null;
        }
        long v = Long.parseLong(text);
        return v <= 0xFFFF_FFFFL ? v : null;
    }

    /** check_true_false(). */
    private static Boolean trueFalse(String text) {
        return switch (text) {
            case "true", "on", "yes" -> Boolean.TRUE;
            case "false", "off", "no" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** The interface a static_ipaddress line without {@code dev} gets now, as keepalived resolves it in file order. */
    String staticAddressInterface() {
        return defaultInterface != null ? defaultInterface : ConfigParser.DEFAULT_INTERFACE;
    }

    GlobalExtras build() {
        return new GlobalExtras(defaultInterface, new DumpFiles(stateFile, statsFile, useInstance), umask,
                new NetlinkBuffers(cmdBytes, cmdForce, monitorBytes, monitorForce, processBytes, processForce), fifoWriteStatesOnReload,
                reloadFile, reloadTimeFile, reloadRepeat, disableLocalIgmp);
    }
}
