package org.keepvip.vrrp.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/** One {@code virtual_ipaddress} line (keepalived/vrrp/vrrp_ipaddress.c, {@code alloc_ipaddress}). */
final class VipParser {
    private static final Set<String> SCOPES = Set.of("site", "link", "host", "nowhere", "global");
    private static final List<String> OPTIONS = List.of("dev", "brd", "broadcast", "scope", "label", "peer", "home",
            "-nodad", "mngtmpaddr", "noprefixroute", "autojoin", "no_track", "preferred_lft", "use_vmac");

    private VipParser() {}

    static VirtualIp parse(Stmt s, Diagnostics d, String instance) {
        List<String> w = s.words;
        String first = w.get(0);
        int slash = first.indexOf('/');
        InetAddress addr = IpLiteral.parse(slash < 0 ? first : first.substring(0, slash));
        if (addr == null) {
            d.error(s.origin, "(" + instance + ") '" + first + "' is not a valid IP address - ignoring"
                    + (first.startsWith("$") ? " (a definition followed by other characters is written ${NAME})" : ""));
            return null;
        }
        Entry e = new Entry(s, d, instance, addr);
        if (slash >= 0) {
            e.prefix(first.substring(slash + 1));
        }
        e.defaults();
        for (int i = 1; i < w.size(); i++) {
            String k = w.get(i);
            if (TAKES_VALUE.contains(k)) {
                if (i + 1 >= w.size()) {
                    d.error(s.origin, "(" + instance + ") '" + k + "' in virtual_ipaddress entry '" + first + "' is missing its value");
                    return null;
                }
                e.option(k, w.get(++i));
            } else {
                e.flag(k);
            }
        }
        return e.build();
    }

    private static final Set<String> TAKES_VALUE = Set.of("dev", "brd", "broadcast", "scope", "label", "peer",
            "preferred_lft");

    /** The entry being read: its address first, then each option in turn. */
    private static final class Entry {
        private final Stmt s;
        private final Diagnostics d;
        private final String instance;
        private final String first;
        private final InetAddress addr;
        private final boolean v6;
        private final int max;
        private int prefix;
        private String dev;
        private InetAddress brd;
        private String scope = "global";
        private String label;
        private InetAddress peer;
        private int peerPrefix = -1;
        private boolean home;
        private boolean nodad;
        private boolean mngtmpaddr;
        private boolean noprefixroute;
        private boolean autojoin;
        private boolean noTrack;
        private boolean useVmac;
        private long preferredLft;

        Entry(Stmt s, Diagnostics d, String instance, InetAddress addr) {
            this.s = s;
            this.d = d;
            this.instance = instance;
            this.first = s.words.get(0);
            this.addr = addr;
            this.v6 = AddressFamily.of(addr) == AddressFamily.IPV6;
            this.max = v6 ? 128 : 32;
            this.prefix = max;
        }

        void prefix(String text) {
            Integer pl = VipParser.prefix(text, max);
            if (pl == null) {
                d.error(s.origin, "(" + instance + ") invalid prefix in '" + first + "' - using /" + max);
            } else {
                prefix = pl;
            }
        }

        /** What depends on the family and the prefix: DAD off for IPv6, a /128 deprecated at once. */
        void defaults() {
            nodad = v6;
            preferredLft = defaultPreferredLft();
        }

        private long defaultPreferredLft() {
            return v6 && prefix == 128 ? 0 : -1;
        }

        void option(String k, String value) {
            switch (k) {
                case "dev" -> dev = value;
                case "brd", "broadcast" -> broadcast(value);
                case "scope" -> scope(value);
                case "label" -> label(value);
                case "peer" -> peer(value);
                case "preferred_lft" -> preferredLft(value);
                default -> throw new IllegalArgumentException(k);
            }
        }

        void flag(String k) {
            switch (k) {
                case "home" -> home = true;
                case "-nodad" -> nodad = false;
                case "mngtmpaddr" -> mngtmpaddr = true;
                case "noprefixroute" -> noprefixroute = true;
                case "autojoin" -> autojoin = true;
                case "no_track" -> noTrack = true;
                case "use_vmac" -> useVmac = true;
                default -> {
                    String hint = Suggest.nearest(k, OPTIONS);
                    d.error(s.origin, "(" + instance + ") Unknown configuration entry '" + k + "' for ip address - ignoring"
                            + (hint != null ? " - did you mean '" + hint + "'?" : ""));
                }
            }
        }

        private void broadcast(String b) {
            if (b.equals("+") || b.equals("-")) {
                if (!v6 && prefix <= 30) {
                    brd = VipParser.broadcast(addr, prefix, b.equals("+"));
                }
            } else {
                brd = IpLiteral.parse(b);
                if (brd == null || AddressFamily.of(brd) != AddressFamily.IPV4 || v6) {
                    d.error(s.origin, "(" + instance + ") invalid broadcast address '" + b + "' for " + first + " - ignoring");
                    brd = null;
                }
            }
        }

        private void scope(String sc) {
            if (!SCOPES.contains(sc)) {
                d.error(s.origin, "(" + instance + ") invalid scope '" + sc + "' for " + first + " (expected site, link, host, nowhere or global) - ignoring");
            } else {
                scope = sc;
            }
        }

        private void label(String l) {
            if (l.length() >= 16) {
                d.error(s.origin, "(" + instance + ") label '" + l + "' is too long (at most 15 characters) - ignoring");
            } else if (!v6) {
                label = l;
            }
        }

        private void peer(String pv) {
            int ps = pv.indexOf('/');
            peer = IpLiteral.parse(ps < 0 ? pv : pv.substring(0, ps));
            if (peer == null || AddressFamily.of(peer) != AddressFamily.of(addr)) {
                d.error(s.origin, "(" + instance + ") invalid peer address '" + pv + "' for " + first + " - ignoring");
                peer = null;
            } else if (ps >= 0) {
                Integer pp = VipParser.prefix(pv.substring(ps + 1), max);
                peerPrefix = pp == null ? max : pp;
            }
        }

        private void preferredLft(String v) {
            if (v.equals("forever")) {
                preferredLft = -1;
                return;
            }
            try {
                preferredLft = Long.parseLong(v);
                if (preferredLft < 0 || preferredLft > 0xFFFFFFFFL) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                d.error(s.origin, "(" + instance + ") invalid preferred_lft '" + v + "' - ignoring");
                preferredLft = defaultPreferredLft();
            }
        }

        VirtualIp build() {
            if (brd != null && peer != null) {
                d.error(s.origin, "(" + instance + ") brd and peer cannot both be given for " + first + " - ignoring brd");
                brd = null;
            }
            return new VirtualIp(addr, prefix, dev, brd, scope, label, peer, peerPrefix, home, nodad, mngtmpaddr,
                    noprefixroute, autojoin, noTrack, preferredLft, useVmac, s.origin);
        }
    }

    private static Integer prefix(String s, int max) {
        try {
            int v = Integer.parseInt(s);
            return v >= 0 && v <= max ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static InetAddress broadcast(InetAddress a, int prefix, boolean set) {
        byte[] b = a.getAddress();
        for (int bit = prefix; bit < 32; bit++) {
            int idx = bit / 8;
            int mask = 0x80 >> (bit % 8);
            b[idx] = (byte) (set ? (b[idx] | mask) : (b[idx] & ~mask));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
