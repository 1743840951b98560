package org.keepvip.vrrp.config;

/**
 * Where the SIGUSR1 data dump and the SIGUSR2 stats dump are written: {@code state_dump_file},
 * {@code stats_dump_file} (keepalived 2.3 and later; keepalived/core/global_data.c: open_dump_file())
 * and {@code data_use_instance} (keepalived 2.2.7). The paths are kept as written; the daemon
 * resolves them against its dump directory, because only it knows that directory.
 *
 * @param stateFile   state_dump_file as written, or null (the default name)
 * @param statsFile   stats_dump_file as written, or null
 * @param useInstance data_use_instance: the instance and namespace names go into a configured file name
 */
public record DumpFiles(String stateFile, String statsFile, boolean useInstance) {
    public static final DumpFiles DEFAULT = new DumpFiles(null, null, false);
}
