package org.keepvip.agent.firewall;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.keepvip.agent.firewall.NftElement.NftSet;

/**
 * The nft commands that build, fill, empty and drop keepalived's table, as
 * keepalived/vrrp/vrrp_nftables.c builds them with libnftnl: the same families, chains, hooks,
 * priorities, sets and rules, created the first time an address of their kind is blocked
 * (nft_setup_ipv4_vips(), nft_setup_ipv6_vips(), setup_link_local_checks()) and dropped whole at
 * exit (nft_cleanup()). Not thread-safe; no IO: {@link #block} and {@link #unblock} return the
 * commands, and {@link Change#done} records that the kernel took them.
 */
public final class NftScript {
    private final String table;
    private final int priority;
    private final boolean counters;
    /** Table families and link-local sets that exist. */
    private final Set<NftSet> built = EnumSet.noneOf(NftSet.class);
    /** The elements in the sets now. */
    private final Set<NftElement> present = new LinkedHashSet<>();

    public NftScript(String table, int priority, boolean counters) {
        this.table = Objects.requireNonNull(table, "table");
        this.priority = priority;
        this.counters = counters;
    }

    /** A batch of commands and what it changes once the kernel took it. */
    public static final class Change {
        private final String commands;
        private final Runnable onDone;

        private Change(String commands, Runnable onDone) {
            this.commands = commands;
            this.onDone = onDone;
        }

        /** The commands, one per line; empty when there is nothing to do. */
        public String commands() {
            return commands;
        }

        public boolean isEmpty() {
            return commands.isEmpty();
        }

        /** Records the change as made. */
        public void done() {
            onDone.run();
        }
    }

    /**
     * Removes the tables a previous run left (killed, crashed): {@code add} then {@code delete} in
     * one batch, so a table that is not there is no error. keepalived does the same on its first
     * setup (check_and_delete_tables()); here at start, so a stale table never drops traffic meanwhile.
     */
    public String dropStale() {
        return "add table ip " + table + "\ndelete table ip " + table + "\nadd table ip6 " + table
                + "\ndelete table ip6 " + table + "\n";
    }

    /** The commands that delete what this run built (nft_cleanup()); empty when it built nothing. */
    public Change dropAll() {
        StringBuilder b = new StringBuilder();
        if (built.contains(NftSet.VIPS4)) {
            b.append("delete table ip ").append(table).append('\n');
        }
        if (built.contains(NftSet.VIPS6)) {
            b.append("delete table ip6 ").append(table).append('\n');
        }
        return new Change(b.toString(), () -> {
            built.clear();
            present.clear();
        });
    }

    /** Puts {@code elements} in their sets, building table, chains, sets and rules first where missing. */
    public Change block(List<NftElement> elements) {
        List<NftElement> adds = elements.stream().filter(e -> !present.contains(e)).distinct().toList();
        if (adds.isEmpty()) {
            return new Change("", () -> {});
        }
        Set<NftSet> toBuild = EnumSet.noneOf(NftSet.class);
        StringBuilder b = new StringBuilder();
        for (NftElement e : adds) {
            NftSet family = e.set() == NftSet.VIPS4 ? NftSet.VIPS4 : NftSet.VIPS6;
            if (!built.contains(family) && toBuild.add(family)) {
                b.append(family == NftSet.VIPS4 ? ipv4() : ipv6());
            }
            if ((e.set() == NftSet.LINK_LOCAL || e.set() == NftSet.LINK_LOCAL_NAME) && !built.contains(e.set())
                    && toBuild.add(e.set())) {
                b.append(linkLocal(e.set()));
            }
        }
        elements(b, "add", adds);
        return new Change(b.toString(), () -> {
            built.addAll(toBuild);
            present.addAll(adds);
        });
    }

    /**
     * Takes the addresses of {@code elements} out of their sets, as they were put in (an interface
     * may have come back with another index since); those not in them are left alone.
     */
    public Change unblock(List<NftElement> elements) {
        Set<InetAddress> addresses = new HashSet<>();
        elements.forEach(e -> addresses.add(e.address()));
        List<NftElement> dels = present.stream().filter(e -> addresses.contains(e.address())).toList();
        StringBuilder b = new StringBuilder();
        elements(b, "delete", dels);
        return new Change(b.toString(), () -> dels.forEach(present::remove));
    }

    /** Whether {@code e} is in its set now. */
    public boolean blocked(NftElement e) {
        return present.contains(e);
    }

    /** One {@code add element} / {@code delete element} per set, in keepalived's order of sets. */
    private void elements(StringBuilder b, String verb, List<NftElement> items) {
        Map<NftSet, List<String>> bySet = new LinkedHashMap<>();
        for (NftSet s : NftSet.values()) {
            bySet.put(s, new ArrayList<>());
        }
        items.forEach(e -> bySet.get(e.set()).add(e.text()));
        bySet.forEach((set, texts) -> {
            if (!texts.isEmpty()) {
                b.append(verb).append(" element ").append(set.family).append(' ').append(table).append(' ')
                        .append(set.name).append(" { ").append(String.join(", ", texts)).append(" }\n");
            }
        });
    }

    private String counter() {
        return counters ? "counter " : "";
    }

    private String baseChain(String family, String name, String hook) {
        return "add chain " + family + " " + table + " " + name + " { type filter hook " + hook + " priority "
                + priority + "; policy accept; }\n";
    }

    /** nft_setup_ipv4() and nft_setup_ipv4_vips(). */
    private String ipv4() {
        return "add table ip " + table + "\n"
                + baseChain("ip", "out", "output")
                + baseChain("ip", "in", "input")
                + "add set ip " + table + " vips { type ipv4_addr; }\n"
                + "add rule ip " + table + " in ip daddr @vips " + counter() + "drop\n"
                + "add rule ip " + table + " out ip saddr @vips " + counter() + "drop\n";
    }

    /**
     * nft_setup_ipv6() and nft_setup_ipv6_vips(): neighbour discovery is always let through, and
     * link-local destinations and sources go to their own chains, whose sets carry the interface.
     */
    private String ipv6() {
        String t = " " + table + " ";
        return "add table ip6 " + table + "\n"
                + baseChain("ip6", "out", "output")
                + baseChain("ip6", "in", "input")
                + "add chain ip6" + t + "in_link_local\n"
                + "add chain ip6" + t + "out_link_local\n"
                + "add set ip6" + t + "vips { type ipv6_addr; }\n"
                + "add set ip6" + t + "neighbor-discovery { type icmpv6_type; flags constant;"
                + " elements = { nd-neighbor-solicit, nd-neighbor-advert }; }\n"
                + "add rule ip6" + t + "in ip6 nexthdr icmpv6 icmpv6 type @neighbor-discovery " + counter()
                + "accept\n"
                + "add rule ip6" + t + "in ip6 daddr fe80::/10 " + counter() + "goto in_link_local\n"
                + "add rule ip6" + t + "out ip6 nexthdr icmpv6 icmpv6 type @neighbor-discovery " + counter()
                + "accept\n"
                + "add rule ip6" + t + "out ip6 saddr fe80::/10 " + counter() + "goto out_link_local\n"
                + "add rule ip6" + t + "in ip6 daddr @vips " + counter() + "drop\n"
                + "add rule ip6" + t + "out ip6 saddr @vips " + counter() + "drop\n";
    }

    /** setup_link_local_checks(): the address with the interface's index, or its name. */
    private String linkLocal(NftSet set) {
        boolean byName = set == NftSet.LINK_LOCAL_NAME;
        String t = " " + table + " ";
        return "add set ip6" + t + set.name + " { type ipv6_addr . " + (byName ? "ifname" : "iface_index") + "; }\n"
                + "add rule ip6" + t + "in_link_local ip6 daddr . " + (byName ? "iifname" : "iif") + " @" + set.name
                + " " + counter() + "drop\n"
                + "add rule ip6" + t + "out_link_local ip6 saddr . " + (byName ? "oifname" : "oif") + " @"
                + set.name + " " + counter() + "drop\n";
    }
}
