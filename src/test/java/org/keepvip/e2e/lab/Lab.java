package org.keepvip.e2e.lab;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.keepvip.netlink.NetNamespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * A network of namespaces built with {@code ip}: a switch namespace holding one Linux bridge per
 * subnet, hosts attached to it by veth pairs, an optional client and an optional router joining
 * {@link Subnet#ONE} and {@link Subnet#TWO}. Every name starts with a per-run prefix
 * ({@code kvlab<pid>_<rand>_}); closing the lab (or the JVM's shutdown hook, or the next run's
 * {@link LabSweeper}) removes the namespaces, the processes started in them and the temp directory.
 *
 * <pre>{@code
 * try (Lab lab = Lab.builder().host("a").host("b").client().build()) {
 *     lab.exec(lab.client(), "ping", "-c1", lab.node("a").ipv4()).orThrow();
 * }
 * }</pre>
 */
public final class Lab implements AutoCloseable {
    /** Host numbers start here on each subnet; the router is 1. */
    private static final int FIRST_HOST = 10;
    private static final String CLIENT = "client";
    private static final String ROUTER = "router";
    /** Bridges brx1..brx9; a switch port p-NAME.K stays within the 15 characters of an interface name. */
    private static final int MAX_EXTRA_INTERFACES = 9;

    private final String prefix;
    private final String switchNs;
    private final Path tempDir;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<LabProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());
    private final List<ExecutorService> executors = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, ExecutorService> shared = new java.util.HashMap<>();
    private final Thread shutdownHook;
    private boolean routerPresent;
    private boolean closed;

    private Lab() throws IOException {
        String run = Long.toString(new SecureRandom().nextInt(36 * 36 * 36 * 36), 36);
        this.prefix = LabSweeper.FAMILY + ProcessHandle.current().pid() + "_" + "0".repeat(4 - run.length()) + run + "_";
        this.switchNs = prefix + "sw";
        this.tempDir = Files.createTempDirectory(prefix);
        this.shutdownHook = new Thread(this::closeFromHook, "lab-cleanup-" + prefix);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Describes the lab to build. */
    public static final class Builder {
        private final Map<String, Subnet> hosts = new LinkedHashMap<>();
        private boolean client;
        private Subnet clientSubnet = Subnet.ONE;
        private boolean router;
        private int extraInterfaces;

        private Builder() {}

        /** A host on {@link Subnet#ONE}. */
        public Builder host(String name) {
            return host(name, Subnet.ONE);
        }

        /** A host on {@code subnet}; names are 1..10 of [a-z0-9]. */
        public Builder host(String name, Subnet subnet) {
            if (!name.matches("[a-z0-9]{1,10}") || name.equals(CLIENT) || name.equals(ROUTER) || name.equals("sw")) {
                throw new IllegalArgumentException("host name '" + name + "' (expected: 1..10 of [a-z0-9], not reserved)");
            }
            if (hosts.putIfAbsent(name, subnet) != null) {
                throw new IllegalArgumentException("duplicate host " + name);
            }
            return this;
        }

        /** A client namespace on {@link Subnet#ONE}. */
        public Builder client() {
            return client(Subnet.ONE);
        }

        public Builder client(Subnet subnet) {
            this.client = true;
            this.clientSubnet = subnet;
            return this;
        }

        /** A router namespace joining the two subnets; every node gets it as default gateway. */
        public Builder router() {
            this.router = true;
            return this;
        }

        /**
         * Gives every host (not the client or the router) {@code count} more interfaces,
         * {@code eth1}..{@code eth<count>}. Each {@code ethK} is a veth to bridge {@code brxK} of the
         * switch, shared by every host's {@code ethK} and by nothing else: one more separate segment
         * per K. They have only their IPv6 link-local address; a test adds what else it needs.
         */
        public Builder extraInterfaces(int count) {
            if (count < 0 || count > MAX_EXTRA_INTERFACES) {
                throw new IllegalArgumentException(
                        "extra interfaces: " + count + " (expected 0.." + MAX_EXTRA_INTERFACES + ")");
            }
            this.extraInterfaces = count;
            return this;
        }

        /** Sweeps stale labs, then builds this one; on failure everything made so far is removed. */
        public Lab build() throws IOException {
            LabSweeper.sweepStale();
            Lab lab = new Lab();
            try {
                lab.construct(this);
                return lab;
            } catch (RuntimeException e) {
                try {
                    lab.close();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
    }

    private void construct(Builder b) {
        Map<Subnet, Integer> next = new EnumMap<>(Subnet.class);
        List<Subnet> used = new ArrayList<>();
        b.hosts.values().forEach(used::add);
        if (b.client) {
            used.add(b.clientSubnet);
        }
        if (b.router) {
            used.addAll(List.of(Subnet.values()));
        }
        addNamespace(switchNs);
        sysctl(switchNs, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        // A plain switch: with br_netfilter in the kernel, bridged IPv4 would be validated (a bad
        // header checksum dropped) before reaching the hosts, hiding what a peer really sent.
        sysctl(switchNs, "net.bridge.bridge-nf-call-iptables=0", "net.bridge.bridge-nf-call-ip6tables=0",
                "net.bridge.bridge-nf-call-arptables=0");
        for (Subnet s : Subnet.values()) {
            if (used.contains(s)) {
                ip(switchNs, "link", "add", s.bridge(), "type", "bridge", "forward_delay", "0", "mcast_snooping", "0");
                ip(switchNs, "link", "set", s.bridge(), "up");
            }
        }
        for (int k = 1; k <= b.extraInterfaces && !b.hosts.isEmpty(); k++) {
            ip(switchNs, "link", "add", extraBridge(k), "type", "bridge", "forward_delay", "0", "mcast_snooping", "0");
            ip(switchNs, "link", "set", extraBridge(k), "up");
        }
        for (Map.Entry<String, Subnet> h : b.hosts.entrySet()) {
            int n = next.merge(h.getValue(), FIRST_HOST, (old, one) -> old + 1);
            addNode(h.getKey(), h.getValue(), n, b.router);
            addExtraLinks(h.getKey(), h.getValue(), n, b.extraInterfaces);
        }
        if (b.client) {
            int n = next.merge(b.clientSubnet, FIRST_HOST, (old, one) -> old + 1);
            addNode(CLIENT, b.clientSubnet, n, b.router);
        }
        if (b.router) {
            addRouter();
        }
        ip(switchNs, "link", "set", "lo", "up");
    }

    private void addNode(String name, Subnet subnet, int hostNumber, boolean viaRouter) {
        String ns = prefix + name;
        String port = "p-" + name;
        String mac = String.format("02:00:00:%02x:00:%02x", subnet.number(), hostNumber);
        addNamespace(ns);
        sysctl(ns, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        attach(ns, "eth0", mac, port, subnet);
        Node node = new Node(name, ns, "eth0", subnet, subnet.ipv4(hostNumber), subnet.ipv6(hostNumber), mac, port);
        ip(ns, "addr", "add", node.ipv4() + "/24", "dev", "eth0");
        ip(ns, "addr", "add", node.ipv6() + "/64", "dev", "eth0", "nodad");
        if (viaRouter) {
            ip(ns, "route", "add", "default", "via", subnet.gatewayIpv4());
            ip(ns, "-6", "route", "add", "default", "via", subnet.gatewayIpv6());
        }
        nodes.put(name, node);
    }

    private static String extraBridge(int k) {
        return "brx" + k;
    }

    private void addExtraLinks(String name, Subnet subnet, int hostNumber, int count) {
        if (count == 0) {
            return;
        }
        Node node = nodes.get(name);
        List<Node.Link> links = new ArrayList<>();
        for (int k = 1; k <= count; k++) {
            Node.Link link = new Node.Link("eth" + k,
                    String.format("02:00:00:%02x:%02x:%02x", subnet.number(), k, hostNumber), "p-" + name + "." + k);
            attach(node.namespace(), link.ifname(), link.mac(), link.switchPort(), extraBridge(k));
            links.add(link);
        }
        nodes.put(name, new Node(node.name(), node.namespace(), node.ifname(), node.subnet(), node.ipv4(), node.ipv6(),
                node.mac(), node.switchPort(), links));
    }

    private void addRouter() {
        String ns = prefix + ROUTER;
        addNamespace(ns);
        sysctl(ns, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
                "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        for (Subnet s : Subnet.values()) {
            String ifname = "eth" + s.number();
            String mac = String.format("02:00:00:%02x:00:01", s.number());
            attach(ns, ifname, mac, "p-rt" + s.number(), s);
            ip(ns, "addr", "add", s.gatewayIpv4() + "/24", "dev", ifname);
            ip(ns, "addr", "add", s.gatewayIpv6() + "/64", "dev", ifname, "nodad");
        }
        routerPresent = true;
        nodes.put(ROUTER, new Node(ROUTER, ns, "eth1", Subnet.ONE, Subnet.ONE.gatewayIpv4(), Subnet.ONE.gatewayIpv6(),
                "02:00:00:01:00:01", "p-rt1"));
    }

    /** A veth pair created directly in both namespaces, so no name ever appears in the root namespace. */
    private void attach(String ns, String ifname, String mac, String port, Subnet subnet) {
        attach(ns, ifname, mac, port, subnet.bridge());
    }

    private void attach(String ns, String ifname, String mac, String port, String bridge) {
        run(List.of("ip", "link", "add", ifname, "netns", ns, "address", mac, "type", "veth",
                "peer", "name", port, "netns", switchNs));
        ip(switchNs, "link", "set", port, "master", bridge);
        ip(switchNs, "link", "set", port, "up");
        ip(ns, "link", "set", "lo", "up");
        ip(ns, "link", "set", ifname, "up");
    }

    private void addNamespace(String ns) {
        run(List.of("ip", "netns", "add", ns));
        namespaces.add(ns);
    }

    private void sysctl(String ns, String... settings) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "sysctl", "-e", "-q", "-w"));
        argv.addAll(Arrays.asList(settings));
        run(argv);
    }

    private void ip(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(Arrays.asList(args));
        run(argv);
    }

    private static String run(List<String> argv) {
        return Commands.run(argv, Commands.DEFAULT_TIMEOUT).orThrow();
    }

    // ---------------------------------------------------------------- what tests use

    /** {@code kvlab<pid>_<rand>_}: every namespace of this lab starts with it. */
    public String prefix() {
        return prefix;
    }

    /** The namespaces this lab made, switch first. */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    public String switchNamespace() {
        return switchNs;
    }

    /** A host by the name given to the builder. */
    public Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node '" + name + "' in this lab (have " + nodes.keySet() + ")");
        }
        return n;
    }

    public Node client() {
        return node(CLIENT);
    }

    /** The router, whose {@code eth1} is on subnet ONE and {@code eth2} on TWO. */
    public Optional<Node> router() {
        return routerPresent ? Optional.of(nodes.get(ROUTER)) : Optional.empty();
    }

    /** A directory removed when the lab closes, for configs and logs. */
    public Path tempDir() {
        return tempDir;
    }

    /** Writes a file into {@link #tempDir()}. */
    public Path writeFile(String name, String content) {
        try {
            return Files.writeString(tempDir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command inside {@code node}'s namespace to completion (20 s timeout). */
    public CommandResult exec(Node node, String... command) {
        return exec(node, Commands.DEFAULT_TIMEOUT, command);
    }

    public CommandResult exec(Node node, Duration timeout, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", node.namespace()));
        argv.addAll(Arrays.asList(command));
        return Commands.run(argv, timeout);
    }

    /** Starts a background process in {@code node}'s namespace; stopped when the lab closes. */
    public LabProcess start(Node node, String label, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", node.namespace()));
        argv.addAll(Arrays.asList(command));
        Path log = tempDir.resolve(label + ".log");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            LabProcess lp = new LabProcess(label, node, p, log);
            processes.add(lp);
            return lp;
        } catch (IOException e) {
            throw new LabException("cannot start " + label + ": " + e.getMessage(), e);
        }
    }

    /**
     * A single-thread executor living in {@code node}'s namespace ({@link NetNamespace}): sockets
     * and pcap handles opened on it belong there. Shut down when the lab closes.
     */
    public ExecutorService executor(Node node) throws IOException {
        ExecutorService ex = NetNamespace.newExecutor(node.namespace());
        executors.add(ex);
        return ex;
    }

    /**
     * Runs {@code task} on the node's shared namespace thread (one per node, made on first use) and
     * returns its result.
     */
    public <T> T inNamespace(Node node, Callable<T> task) throws Exception {
        ExecutorService ex;
        synchronized (shared) {
            ex = shared.get(node.namespace());
            if (ex == null) {
                ex = executor(node);
                shared.put(node.namespace(), ex);
            }
        }
        try {
            return ex.submit(task).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    /**
     * Whether {@code address} answers an ICMP echo sent from {@code node} within one second. Uses the
     * JDK's ICMP probe (raw socket, so root) on a thread in the node's namespace, so no ping binary
     * is needed.
     */
    public boolean reachable(Node node, String address) {
        try {
            return inNamespace(node, () -> InetAddress.getByName(address).isReachable(1000));
        } catch (Exception e) {
            throw new LabException("reachability probe from " + node.name() + " to " + address + " failed", e);
        }
    }

    /** Closes {@code resource} before the namespaces go (a port left open would pin its namespace). */
    public <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Pulls {@code node}'s cable: its switch port goes down, so the node sees carrier loss. */
    public void cutLink(Node node) {
        ip(switchNs, "link", "set", node.switchPort(), "down");
    }

    /** Plugs the cable back in. */
    public void restoreLink(Node node) {
        ip(switchNs, "link", "set", node.switchPort(), "up");
    }

    /** Pulls every cable of {@code node} ({@code eth0} and its extra interfaces) at once. */
    public void cutAllLinks(Node node) {
        node.switchPorts().forEach(port -> ip(switchNs, "link", "set", port, "down"));
    }

    /** Plugs every cable of {@code node} back in. */
    public void restoreAllLinks(Node node) {
        node.switchPorts().forEach(port -> ip(switchNs, "link", "set", port, "up"));
    }

    /** Deletes the node's {@code eth0}; its veth peer, the switch port, goes with it. */
    public void deleteInterface(Node node) {
        ip(node.namespace(), "link", "del", node.ifname());
    }

    /** Makes the node's {@code eth0} again as the lab first made it: same MAC, switch port and addresses. */
    public void addInterfaceAgain(Node node) {
        attach(node.namespace(), node.ifname(), node.mac(), node.switchPort(), node.subnet());
        ip(node.namespace(), "addr", "add", node.ipv4() + "/24", "dev", node.ifname());
        ip(node.namespace(), "addr", "add", node.ipv6() + "/64", "dev", node.ifname(), "nodad");
    }

    /** Sets the node's own interface administratively up or down (what {@code ip link set eth0 down} does). */
    public void setInterfaceUp(Node node, boolean up) {
        ip(node.namespace(), "link", "set", node.ifname(), up ? "up" : "down");
    }

    /** Addresses on the node's interface as {@code address/prefixlen}, IPv4 first as ip lists them. */
    public List<String> addresses(Node node) {
        JsonArray links = json(node, "addr", "show", "dev", node.ifname());
        List<String> out = new ArrayList<>();
        for (JsonElement link : links) {
            for (JsonElement a : link.getAsJsonObject().getAsJsonArray("addr_info")) {
                JsonObject o = a.getAsJsonObject();
                out.add(o.get("local").getAsString() + "/" + o.get("prefixlen").getAsInt());
            }
        }
        return out;
    }

    /**
     * Every address in the node's namespace, by interface, as {@code address/prefixlen} in
     * {@code ip}'s notation (IPv6 compressed, lower case): one {@code ip -n NS -o addr show} call.
     */
    public Map<String, List<String>> addressesByInterface(Node node) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : run(List.of("ip", "-n", node.namespace(), "-o", "addr", "show")).split("\n")) {
            // "7: eth1    inet 198.51.100.10/24 scope global eth1\       valid_lft forever ..."
            String[] f = line.strip().split("\\s+");
            if (f.length >= 4 && (f[2].equals("inet") || f[2].equals("inet6"))) {
                String ifname = f[1].replaceFirst("@.*$", "");
                out.computeIfAbsent(ifname, k -> new ArrayList<>()).add(f[3]);
            }
        }
        return out;
    }

    /** Whether {@code address} (no prefix length) is on the node's interface. */
    public boolean hasAddress(Node node, String address) {
        return addresses(node).stream().anyMatch(a -> a.startsWith(address + "/"));
    }

    /** The MAC the kernel reports for the node's interface. */
    public String mac(Node node) {
        return json(node, "link", "show", "dev", node.ifname()).get(0).getAsJsonObject().get("address").getAsString();
    }

    /** The node's neighbour-table MAC for {@code address}, if it has a usable entry. */
    public Optional<String> neighbourMac(Node node, String address) {
        for (JsonElement e : json(node, "neigh", "show", "to", address, "dev", node.ifname())) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("lladdr") && o.get("dst").getAsString().equals(address)) {
                return Optional.of(o.get("lladdr").getAsString());
            }
        }
        return Optional.empty();
    }

    private JsonArray json(Node node, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "-j", "-n", node.namespace()));
        argv.addAll(Arrays.asList(args));
        String out = run(argv).strip();
        return out.isEmpty() ? new JsonArray() : JsonParser.parseString(out).getAsJsonArray();
    }

    // ---------------------------------------------------------------- cleanup

    /** Stops processes, closes tracked resources, deletes the namespaces and the temp directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Throwable> errors = new ArrayList<>();
        for (AutoCloseable r : reversed(resources)) {
            attempt(errors, r::close);
        }
        for (LabProcess p : reversed(processes)) {
            attempt(errors, () -> p.stop(Duration.ofSeconds(3)));
        }
        reversed(executors).forEach(ExecutorService::shutdownNow);
        for (String ns : reversed(namespaces)) {
            attempt(errors, () -> LabSweeper.deleteNamespace(ns));
        }
        attempt(errors, this::deleteTempDir);
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to; it will find the lab closed
            }
        }
        if (!errors.isEmpty()) {
            LabException e = new LabException("lab " + prefix + " cleanup had " + errors.size() + " error(s)",
                    errors.get(0));
            errors.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    private void closeFromHook() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("lab cleanup at JVM exit: " + e);
        }
    }

    private void deleteTempDir() throws IOException {
        if (!Files.exists(tempDir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(tempDir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy;
        synchronized (list) {
            copy = new ArrayList<>(list);
        }
        Collections.reverse(copy);
        return copy;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(List<Throwable> errors, Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            errors.add(e);
        }
    }
}
