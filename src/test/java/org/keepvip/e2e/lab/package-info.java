/**
 * The end-to-end lab: Linux network namespaces standing in for hosts on one machine
 * (ARCHITECTURE.md).
 *
 * <p>{@link org.keepvip.e2e.lab.Lab} builds, with {@code ip}: a switch namespace with one bridge per
 * subnet (plain switch: no multicast snooping, no br_netfilter), hosts and a client each in its own
 * namespace on a veth pair ({@code eth0} inside, {@code p-NAME} on the switch), and optionally a
 * router joining 192.0.2.0/24 + 2001:db8:1::/64 and 198.51.100.0/24 + 2001:db8:2::/64. Hosts may
 * have more interfaces ({@code eth1}.., each a segment of its own with an IPv6 link-local address
 * only). Addresses and MACs are deterministic (host N on subnet S: x.x.x.N, 02:00:00:0S:00:NN,
 * its {@code ethK} 02:00:00:0S:0K:NN); DAD is off. All
 * names start with {@code kvlab<pid>_<rand>_}. The lab removes its namespaces, processes and temp
 * directory on {@code close()}, at JVM exit, or, after a crash, through the next run's
 * {@link org.keepvip.e2e.lab.LabSweeper}. Tests skip through {@link org.keepvip.e2e.lab.LabAssumptions}
 * when not root.
 */
package org.keepvip.e2e.lab;
