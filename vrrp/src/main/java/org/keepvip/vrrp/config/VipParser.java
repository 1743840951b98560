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
        boolean v6 = AddressFamily.of(addr) == AddressFamily.IPV6;
        int max = v6 ? 128 : 32;
        int prefix = max;
        if (slash >= 0) {
            Integer pl = prefix(first.substring(slash + 1), max);
            if (pl == null) {
                d.error(s.origin, "(" + instance + ") invalid prefix in '" + first + "' - using /" + max);
            } else {
                prefix = pl;
            }
        }
        String dev = null;
        InetAddress brd = null;
        String scope = "global";
        String label = null;
        InetAddress peer = null;
        int peerPrefix = -1;
        boolean home = false;
        boolean nodad = v6;
        boolean mngtmpaddr = false;
        boolean noprefixroute = false;
        boolean autojoin = false;
        boolean noTrack = false;
        boolean useVmac = false;
        long preferredLft = v6 && prefix == 128 ? 0 : -1;
        for (int i = 1; i < w.size(); i++) {
            String k = w.get(i);
            boolean hasValue = i + 1 < w.size();
            switch (k) {
                case "dev", "brd", "broadcast", "scope", "label", "peer", "preferred_lft" -> {
                    if (!hasValue) {
                        d.error(s.origin, "(" + instance + ") '" + k + "' in virtual_ipaddress entry '" + first + "' is missing its value");
                        return null;
                    }
                }
                default -> {
                    // flags below
                }
            }
            switch (k) {
                case "dev" -> dev = w.get(++i);
                case "brd", "broadcast" -> {
                    String b = w.get(++i);
                    if (b.equals("+") || b.equals("-")) {
                        if (!v6 && prefix <= 30) {
                            brd = broadcast(addr, prefix, b.equals("+"));
                        }
                    } else {
                        brd = IpLiteral.parse(b);
                        if (brd == null || AddressFamily.of(brd) != AddressFamily.IPV4 || v6) {
                            d.error(s.origin, "(" + instance + ") invalid broadcast address '" + b + "' for " + first + " - ignoring");
                            brd = null;
                        }
                    }
                }
                case "scope" -> {
                    String sc = w.get(++i);
                    if (!SCOPES.contains(sc)) {
                        d.error(s.origin, "(" + instance + ") invalid scope '" + sc + "' for " + first + " (expected site, link, host, nowhere or global) - ignoring");
                    } else {
                        scope = sc;
                    }
                }
                case "label" -> {
                    String l = w.get(++i);
                    if (l.length() >= 16) {
                        d.error(s.origin, "(" + instance + ") label '" + l + "' is too long (at most 15 characters) - ignoring");
                    } else if (!v6) {
                        label = l;
                    }
                }
                case "peer" -> {
                    String pv = w.get(++i);
                    int ps = pv.indexOf('/');
                    peer = IpLiteral.parse(ps < 0 ? pv : pv.substring(0, ps));
                    if (peer == null || AddressFamily.of(peer) != AddressFamily.of(addr)) {
                        d.error(s.origin, "(" + instance + ") invalid peer address '" + pv + "' for " + first + " - ignoring");
                        peer = null;
                    } else if (ps >= 0) {
                        Integer pp = prefix(pv.substring(ps + 1), max);
                        peerPrefix = pp == null ? max : pp;
                    }
                }
                case "home" -> home = true;
                case "-nodad" -> nodad = false;
                case "mngtmpaddr" -> mngtmpaddr = true;
                case "noprefixroute" -> noprefixroute = true;
                case "autojoin" -> autojoin = true;
                case "no_track" -> noTrack = true;
                case "preferred_lft" -> {
                    String v = w.get(++i);
                    if (v.equals("forever")) {
                        preferredLft = -1;
                    } else {
                        try {
                            preferredLft = Long.parseLong(v);
                            if (preferredLft < 0 || preferredLft > 0xFFFFFFFFL) {
                                throw new NumberFormatException();
                            }
                        } catch (NumberFormatException e) {
                            d.error(s.origin, "(" + instance + ") invalid preferred_lft '" + v + "' - ignoring");
                            preferredLft = v6 && prefix == 128 ? 0 : -1;
                        }
                    }
                }
                case "use_vmac" -> useVmac = true;
                default -> {
                    String hint = Suggest.nearest(k, OPTIONS);
                    d.error(s.origin, "(" + instance + ") Unknown configuration entry '" + k + "' for ip address - ignoring"
                            + (hint != null ? " - did you mean '" + hint + "'?" : ""));
                }
            }
        }
        if (brd != null && peer != null) {
            d.error(s.origin, "(" + instance + ") brd and peer cannot both be given for " + first + " - ignoring brd");
            brd = null;
        }
        return new VirtualIp(addr, prefix, dev, brd, scope, label, peer, peerPrefix, home, nodad, mngtmpaddr,
                noprefixroute, autojoin, noTrack, preferredLft, useVmac, s.origin);
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
