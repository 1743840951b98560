package org.keepvip.vrrp.config;

/**
 * The ordered state-event FIFO ({@code vrrp_notify_fifo PATH [USER [GROUP]]}) and its optional
 * reader script.
 *
 * @param path   the FIFO path
 * @param user   owner, or null
 * @param group  group, or null
 * @param script the script started once with the FIFO path as last argument, or null
 */
public record NotifyFifoSpec(String path, String user, String group, ScriptCommandSpec script) {}
