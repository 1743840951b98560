package org.keepvip.vrrp.config;

/**
 * {@code track_file NAME { file PATH; weight N [reverse]; init_file [VALUE] [overwrite] }}.
 *
 * @param name      the tracker's name
 * @param path      the watched file
 * @param weight    -254..254 (default 1); 0 means a non-zero value is a failure
 * @param reverse   negate the contribution
 * @param initFile  create the file at start if missing
 * @param initValue the value written by init_file (default 0)
 * @param overwrite init_file overwrites an existing file
 * @param origin    where the block starts
 */
public record TrackFile(String name, String path, int weight, boolean reverse, boolean initFile, long initValue,
                        boolean overwrite, Origin origin) {}
