package org.keepvip.vrrp.config;

/**
 * A run-as user for scripts ({@code script_user USER [[:]GROUP]}).
 *
 * @param user                the user name
 * @param group               the group name, or null for the user's primary group
 * @param supplementaryGroups true when written {@code USER :GROUP} (keepalived: sets the groups)
 */
public record ScriptUser(String user, String group, boolean supplementaryGroups) {}
