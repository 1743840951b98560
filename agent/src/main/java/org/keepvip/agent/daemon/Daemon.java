package org.keepvip.agent.daemon;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.keepvip.agent.control.ControlHandler;
import org.keepvip.agent.control.ControlResponse;
import org.keepvip.agent.control.ControlServer;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.packet.PacketPort;
import org.keepvip.agent.packet.PcapPacketPort;
import org.keepvip.agent.packet.PortOptions;
import org.keepvip.agent.packet.ReceivedVrrp;
import org.keepvip.agent.script.NotifyFifo;
import org.keepvip.agent.script.ScriptRunner;
import org.keepvip.agent.signal.DumpWriter;
import org.keepvip.agent.signal.SdNotify;
import org.keepvip.agent.signal.SignalEvent;
import org.keepvip.agent.signal.SignalHandlers;
import org.keepvip.netlink.IfAddress;
import org.keepvip.netlink.Link;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.NetlinkEvent;
import org.keepvip.netlink.NetlinkMonitor;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.packet.PacketContext;
import org.keepvip.vrrp.state.SyncGroup;
import org.keepvip.vrrp.state.VrrpInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: opens netlink, the packet ports and the control socket, cleans VIPs left by a
 * killed run, then runs the {@link EventLoop} until SIGTERM. Shutdown follows keepalived §7.2:
 * priority-0 adverts, VIPs removed, notify STOP, exit.
 */
public final class Daemon implements ControlHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    /** How the daemon was started. */
    public record Options(String configFile, Path controlSocket, Optional<Path> pidFile, DumpWriter dumps,
            int unicastTtl) {}

    private final Options options;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final EventLoop loop = new EventLoop();
    private final CountDownLatch finished = new CountDownLatch(1);
    private StatusBuilder statusBuilder;
    private ScriptTrackers scriptTrackers;
    private ScriptNotifier notifier;
    private Optional<NotifyFifo> fifo = Optional.empty();
    private Thread loopThread;
    private Map<String, RedisWiring> redis = Map.of();

    private Daemon(Options options) {
        this.options = options;
    }

    /** Starts everything and the event loop; returns once the loop runs. */
    public static Daemon start(KeepalivedConfig config, Options options, String version) throws IOException {
        Daemon d = new Daemon(options);
        try {
            d.startUp(config, version);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void startUp(KeepalivedConfig config, String version) throws IOException {
        statusBuilder = new StatusBuilder(version, options.configFile());
        NetlinkClient netlink = track(NetlinkClient.open());
        List<InstancePlan> plans = ConfigMapper.plans(config, (ifname, v6) -> primaryAddress(netlink, ifname, v6));

        ScriptRunner runner = track(new ScriptRunner(4));
        if (config.global().notifyFifo() != null) {
            fifo = Optional.of(track(NotifyFifo.open(Path.of(config.global().notifyFifo().path()), Optional.empty())));
        }
        notifier = new ScriptNotifier(config.instances(), runner, fifo);
        NetlinkVips vips = new NetlinkVips(netlink);

        // keepalived §3.2: VIPs left by a killed run are removed at start; the machine's Start does it.

        Set<String> ifnames = new LinkedHashSet<>();
        plans.forEach(p -> ifnames.add(p.wire().ifname()));
        Map<String, PacketPort> ports = new LinkedHashMap<>();
        for (String ifname : ifnames) {
            ports.put(ifname, track(PcapPacketPort.open(ifname, PortOptions.defaults(),
                    (iface, peer) -> nextHop(netlink, peer), this::received)));
        }
        PcapPackets packets = new PcapPackets(ports, options.unicastTtl());

        redis = RedisWiring.all(config.redis());
        redis.values().forEach(this::track);

        Map<String, VrrpInstance> machines = new LinkedHashMap<>();
        for (InstancePlan p : plans) {
            VrrpInstance machine = new VrrpInstance(p.machine());
            machines.put(machine.name(), machine);
            InstanceRuntime runtime = new InstanceRuntime(machine, p.wire(), p.expectations(), p.vips(), packets,
                    vips, p.redisName() == null ? null : redis.get(p.redisName()), notifier, loop::post);
            track(runtime);
            loop.add(runtime);
        }
        for (var g : config.syncGroups()) {
            List<VrrpInstance> members = g.members().stream().map(machines::get).filter(m -> m != null).toList();
            if (!members.isEmpty()) {
                loop.addGroup(new SyncGroup(g.name(), members));
            }
        }
        loop.setInitialLinkState(ifname -> netlinkLinkUp(netlink, ifname));

        track(NetlinkMonitor.start(this::onNetlink));
        scriptTrackers = track(new ScriptTrackers(config.scripts(), runner, runner.timer(), loop::post));
        track(ControlServer.start(options.controlSocket(), this));
        track(SignalHandlers.install(this::onSignal));
        if (options.pidFile().isPresent()) {
            Files.writeString(options.pidFile().get(), ProcessHandle.current().pid() + "\n");
        }

        loopThread = new Thread(() -> {
            try {
                loop.run();
            } finally {
                finished.countDown();
            }
        }, "vrrp");
        loopThread.setPriority(Thread.MAX_PRIORITY);
        loopThread.start();
        scriptTrackers.start();
        redis.values().forEach(r -> r.startChecks(runner.timer(), loop::post));
        SdNotify.fromEnvironment().ifPresent(SdNotify::ready);
        LOG.info("Starting VRRP child process, pid={}", ProcessHandle.current().pid());
    }

    /** Blocks until the daemon has stopped and released everything; returns the exit status. */
    public int awaitExit() throws InterruptedException {
        finished.await();
        // The loop sent priority-0 adverts and queued VIP removal + notify STOP on the lanes.
        for (InstanceRuntime r : loop.instances().values()) {
            if (!r.drainHooks(1500)) {
                LOG.warn("({}) hooks still running at exit", r.name());
            }
        }
        notifier.awaitIdle(Duration.ofSeconds(1));
        close();
        return 0;
    }

    /** Asks the daemon to stop, as SIGTERM does. */
    public void stop() {
        loop.post(new LoopEvent.Stop());
    }

    private void received(ReceivedVrrp rx) {
        PacketContext ctx = PacketContext.of(rx.source(), rx.destination(), rx.ttl())
                .withLengths(rx.ipTotalLength(), rx.receivedIpLength());
        loop.post(new LoopEvent.PacketIn(rx.interfaceName(), ctx, rx.payload()));
    }

    private final Map<Integer, String> ifnames = new java.util.concurrent.ConcurrentHashMap<>();

    private void onNetlink(NetlinkEvent e) {
        if (e instanceof NetlinkEvent.LinkChanged l) {
            ifnames.put(l.ifindex(), l.name());
            loop.post(new LoopEvent.LinkChanged(l.name(), l.up() && l.running()));
        } else if (e instanceof NetlinkEvent.AddressRemoved a) {
            String name = ifnames.get(a.ifindex());
            if (name != null) {
                loop.post(new LoopEvent.AddressRemoved(name, a.address()));
            }
        } else if (e instanceof NetlinkEvent.EventsLost) {
            LOG.warn("netlink monitor lost events");
        }
    }

    private void onSignal(SignalEvent s) {
        switch (s) {
            case STOP -> stop();
            case RELOAD -> LOG.warn("Reload requested: {}", reload().message());
            case DATA_DUMP -> dump(true);
            case STATS_DUMP -> dump(false);
        }
    }

    private void dump(boolean data) {
        try {
            StatusSnapshot s = status();
            Path p = data ? options.dumps().writeData(s) : options.dumps().writeStats(s);
            LOG.info("Wrote {}", p);
        } catch (IOException e) {
            LOG.error("cannot write dump: {}", e.getMessage());
        }
    }

    @Override
    public StatusSnapshot status() {
        CompletableFuture<StatusSnapshot> f = new CompletableFuture<>();
        long lost = fifo.map(NotifyFifo::lostEvents).orElse(0L);
        loop.post(new LoopEvent.OnLoop(() -> f.complete(statusBuilder.build(loop, scriptTrackers, redis, lost))));
        try {
            return f.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the event loop did not answer: " + e);
        }
    }

    @Override
    public ControlResponse reload() {
        return ControlResponse.error("reload is not supported yet by keepvip: restart the service to apply a new"
                + " configuration (the running configuration is kept)");
    }

    @Override
    public ControlResponse switchover(String instance, String to) {
        return new SwitchoverDriver(loop, () -> redis).run(instance, to);
    }

    private static InetAddress primaryAddress(NetlinkClient nl, String ifname, boolean v6) throws IOException {
        Link link = nl.link(ifname).orElseThrow(() -> new IOException("interface " + ifname + " does not exist"));
        for (IfAddress a : nl.addresses(link.ifindex())) {
            if (v6 && a.address() instanceof Inet6Address i6 && i6.isLinkLocalAddress()) {
                return a.address();
            }
            if (!v6 && !(a.address() instanceof Inet6Address)) {
                return a.address();
            }
        }
        throw new IOException("interface " + ifname + " has no " + (v6 ? "IPv6 link-local" : "IPv4") + " address");
    }

    private static boolean netlinkLinkUp(NetlinkClient nl, String ifname) {
        try {
            return nl.link(ifname).map(l -> l.isUp() && l.isRunning()).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<org.keepvip.agent.packet.MacAddress> nextHop(NetlinkClient nl, InetAddress peer) {
        try {
            var hop = nl.resolveNextHop(peer, Duration.ofMillis(200));
            return Optional.of(org.keepvip.agent.packet.MacAddress.of(hop.mac().bytes()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", resources.get(i), e.toString());
            }
        }
        resources.clear();
        options.pidFile().ifPresent(p -> {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort
            }
        });
    }
}
