package org.keepvip.agent.daemon;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.keepvip.agent.config.CheckResult;
import org.keepvip.agent.config.ConfigChecker;
import org.keepvip.agent.control.ControlHandler;
import org.keepvip.agent.control.ControlResponse;
import org.keepvip.agent.control.ControlServer;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.latency.LogHold;
import org.keepvip.agent.log.LogOutput;
import org.keepvip.agent.metrics.MetricsExporter;
import org.keepvip.agent.packet.BackgroundNextHopResolver;
import org.keepvip.agent.packet.NextHopResolver;
import org.keepvip.agent.vmac.Sysctl;
import org.keepvip.agent.vmac.VmacLinks;
import org.keepvip.agent.vmac.VmacPlan;
import org.keepvip.agent.packet.CauseCounters;
import org.keepvip.agent.packet.DropReason;
import org.keepvip.agent.packet.InterfaceFacts;
import org.keepvip.netlink.MacAddress;
import org.keepvip.agent.packet.PacketPort;
import org.keepvip.agent.packet.PcapPacketPort;
import org.keepvip.agent.packet.PortOptions;
import org.keepvip.agent.packet.ReceivedVrrp;
import org.keepvip.agent.packet.VrrpFrames;
import org.keepvip.agent.latency.BackgroundThreads;
import org.keepvip.agent.sched.VrrpThreads;
import org.keepvip.agent.script.NotifyFifo;
import org.keepvip.agent.script.ScriptRunner;
import org.keepvip.agent.signal.DumpWriter;
import org.keepvip.agent.signal.SdNotify;
import org.keepvip.agent.signal.SignalEvent;
import org.keepvip.agent.signal.SignalHandlers;
import org.keepvip.agent.track.FileTrackers;
import org.keepvip.agent.track.HostTrackers;
import org.keepvip.agent.track.ProcessTrackers;
import org.keepvip.agent.track.ReloadTimeWatch;
import org.keepvip.netlink.IfAddress;
import org.keepvip.netlink.Link;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.NetlinkEvent;
import org.keepvip.netlink.NetlinkMonitor;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.MetricsListen;
import org.keepvip.vrrp.config.TrackFile;
import org.keepvip.vrrp.packet.PacketContext;
import org.keepvip.vrrp.state.SyncGroup;
import org.keepvip.vrrp.state.VrrpInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.keepvip.agent.events.DecisionLog;
import org.keepvip.agent.firewall.Nft;
import org.keepvip.agent.firewall.NftablesFirewall;
import org.keepvip.agent.kernel.LinkDelays;
import org.keepvip.agent.kernel.Linkbeat;
import org.keepvip.agent.kernel.NetlinkRouting;
import org.keepvip.agent.kernel.NetlinkVips;
import org.keepvip.agent.latency.TakeoverLatency;
import org.keepvip.agent.latency.ThreadNames;
import org.keepvip.agent.loop.EventLoop;
import org.keepvip.agent.loop.HookLane;
import org.keepvip.agent.loop.InstancePlan;
import org.keepvip.agent.loop.InstanceRuntime;
import org.keepvip.agent.loop.LaneWorkers;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.agent.loop.LoopReadSockets;
import org.keepvip.agent.loop.Ports;
import org.keepvip.agent.metrics.MetricsExporter;
import org.keepvip.agent.metrics.Readings;
import org.keepvip.agent.packet.AnnouncePacing;
import org.keepvip.agent.packet.BackgroundNextHopResolver;
import org.keepvip.agent.packet.CauseCounters;
import org.keepvip.agent.packet.DropReason;
import org.keepvip.agent.packet.InterfaceFacts;
import org.keepvip.agent.packet.NextHopResolver;
import org.keepvip.agent.packet.PacketPort;
import org.keepvip.agent.packet.PcapPacketPort;
import org.keepvip.agent.packet.PcapPackets;
import org.keepvip.agent.packet.PcapRefusals;
import org.keepvip.agent.packet.PortOptions;
import org.keepvip.agent.packet.ReceivedVrrp;
import org.keepvip.agent.redis.RedisWiring;
import org.keepvip.agent.redis.SwitchoverDriver;
import org.keepvip.agent.sched.VrrpThreads;
import org.keepvip.agent.script.DaemonScripts;
import org.keepvip.agent.script.NotifyFifo;
import org.keepvip.agent.script.ScriptNotifier;
import org.keepvip.agent.script.ScriptRunner;
import org.keepvip.agent.script.ScriptTrackers;
import org.keepvip.agent.signal.DumpWriter;
import org.keepvip.agent.signal.SdNotify;
import org.keepvip.agent.signal.SignalEvent;
import org.keepvip.agent.signal.SignalHandlers;
import org.keepvip.agent.track.FileTrackers;
import org.keepvip.agent.track.HostTrackers;
import org.keepvip.agent.track.ProcessTrackers;
import org.keepvip.agent.track.ReloadTimeWatch;
import org.keepvip.agent.vmac.Sysctl;
import org.keepvip.agent.vmac.VmacLinks;
import org.keepvip.agent.vmac.VmacPlan;
import org.keepvip.netlink.IfAddress;
import org.keepvip.netlink.Link;
import org.keepvip.netlink.MacAddress;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.NetlinkEvent;
import org.keepvip.netlink.NetlinkMonitor;
import org.keepvip.vrrp.config.Firewall;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.config.IpLiteral;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.MetricsListen;
import org.keepvip.vrrp.config.StaticRouting;
import org.keepvip.vrrp.config.TrackFile;
import org.keepvip.vrrp.packet.PacketContext;
import org.keepvip.vrrp.state.SyncGroup;
import org.keepvip.vrrp.state.VrrpInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: opens netlink, the packet ports and the control socket, cleans VIPs left by a
 * killed run, then runs the {@link EventLoop} until SIGTERM. Shutdown follows keepalived
 * (keepalived/vrrp/vrrp_daemon.c, stop_vrrp):
 * priority-0 adverts, VIPs removed, notify STOP, exit.
 */
public final class Daemon implements ControlHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    /**
     * How the daemon was started. {@code pidFiles}: each gets this process's id (keepalived's
     * parent and VRRP pid files are one process here). {@code releaseAtStop} false is keepalived's
     * {@code --dont-release-vrrp}: at SIGTERM the MASTERs keep their VIPs. {@code ignoreSigint}:
     * keepalived's {@code --ignore-sigint}. {@code metricsListen}: {@code --metrics-listen}, which wins over
     * {@code metrics_listen}; null to follow the configuration.
     */
    public record Options(String configFile, String configId, Path controlSocket, List<Path> pidFiles,
            DumpWriter dumps, int unicastTtl, boolean releaseAtStop, boolean ignoreSigint, String controlGroup,
            MetricsListen metricsListen) {
        public Options {
            pidFiles = List.copyOf(pidFiles);
        }

        /** With the default control group ({@link ControlServer#DEFAULT_GROUP}). */
        public Options(String configFile, String configId, Path controlSocket, List<Path> pidFiles,
                DumpWriter dumps, int unicastTtl, boolean releaseAtStop, boolean ignoreSigint) {
            this(configFile, configId, controlSocket, pidFiles, dumps, unicastTtl, releaseAtStop, ignoreSigint,
                    ControlServer.DEFAULT_GROUP, null);
        }
    }

    private final Options options;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final EventLoop loop = new EventLoop();
    private final CountDownLatch finished = new CountDownLatch(1);
    private StatusBuilder statusBuilder;
    private ScriptTrackers scriptTrackers;
    /** Replaced by a reload (on the control thread), closed at exit. */
    private volatile FileTrackers fileTrackers;
    private volatile HostTrackers hostTrackers;
    private volatile ProcessTrackers processTrackers;
    private volatile ScriptNotifier notifier;
    private NetlinkClient netlink;
    private NetlinkVips vipPort;
    private NetlinkRouting routingPort;
    /** No-accept mode's nftables table, when the configuration at start needs one (else NONE). */
    private Ports.Firewall firewall = Ports.Firewall.NONE;
    private Firewall firewallSettings;
    /** The static addresses, routes and rules; made once the VIP and routing ports exist. */
    private StaticEntries statics;
    private PcapPackets packets;
    private VmacLinks vmacs;
    private ReloadTimeWatch reloadTimeWatch;
    /** The macvlans with a sending port. */
    private final Set<String> vmacPorts = ConcurrentHashMap.newKeySet();
    private NextHopResolver nextHops;
    private final PcapRefusals refusals = new PcapRefusals();
    private ScriptRunner runner;
    private LaneWorkers lanes;
    /** vrrp_priority, vrrp_rt_priority, vrrp_cpu_affinity: for the loop and the hook lanes (start-up only). */
    private VrrpThreads vrrpThreads = VrrpThreads.NONE;
    private KeepalivedConfig config;
    private Optional<NotifyFifo> fifo = Optional.empty();
    private Thread loopThread;
    private final Map<String, RedisWiring> redis = new ConcurrentHashMap<>();
    /** Per interface, the frames its port dropped before the loop saw them (status). */
    private final Map<String, CauseCounters<DropReason>> frameDrops = new ConcurrentHashMap<>();
    /** The instances' interfaces' capture ports and how they were opened, to open them again on a new link. */
    private final Map<String, PcapPacketPort> capturePorts = new ConcurrentHashMap<>();
    private final Map<String, PortOptions> captureOptions = new ConcurrentHashMap<>();
    private boolean loopReads;

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
        DecisionLog.global(); // its thread exists before the background threads are moved to SCHED_BATCH
        this.config = config;
        var buffers = config.global().extras().netlink(); // vrrp_netlink_{cmd,monitor}_rcv_bufs[_force]
        netlink = track(NetlinkClient.open(buffers.cmdBytes(), buffers.cmdForce()));
        // keepalived makes its VMACs as it completes the instances, before any runs; they go at
        // exit after the VIPs (closed in reverse order: after the lanes drained, before netlink).
        vmacs = track(new VmacLinks(netlink, new Sysctl()));
        Map<String, String> vmacNames = vmacs.ensure(VmacPlan.links(config));
        List<InstancePlan> plans = ConfigMapper.plans(config, (ifname, v6) -> primaryAddress(netlink, ifname, v6),
                vmacNames);

        disableLocalIgmp(config);
        runner = track(new ScriptRunner(4));
        // Before any instance starts, and waited for: keepalived starts its children only then.
        DaemonScripts.run(runner, config.global().startupScript(), "startup");
        vrrpThreads = new VrrpThreads(config.global().processTuning());
        vrrpThreads.applyToProcess();
        loop.onLateTimers(vrrpThreads::timerLate);
        lanes = track(new LaneWorkers(vrrpThreads));
        if (config.global().notifyFifo() != null) {
            fifo = Optional.of(track(NotifyFifo.open(Path.of(config.global().notifyFifo().path()), Optional.empty())));
        }
        notifier = new ScriptNotifier(config.instances(), runner, fifo);
        vipPort = new NetlinkVips(netlink);
        routingPort = new NetlinkRouting(netlink);
        // keepalived/vrrp/vrrp_daemon.c: static entries are set at start and cleared at exit, after
        // the instances released their VIPs (closed in reverse order: before netlink, after the lanes drained).
        statics = new StaticEntries(vipPort, routingPort, this);
        statics.change(config.statics());
        track(() -> statics.change(StaticRouting.NONE));
        // Closed after the instances released their VIPs (and unblocked them): the table goes last.
        startFirewall(config);

        // As keepalived/vrrp/vrrp.c, vrrp_init_state: VIPs left by a killed run are removed at start;
        // the machine's Start does it.

        Set<String> ifnames = new LinkedHashSet<>();
        plans.forEach(p -> ifnames.add(p.wire().ifname()));
        Map<String, PacketPort> ports = new LinkedHashMap<>();
        // Lookups (up to 200 ms for a dead peer) run off the event loop; adverts use the cached MAC.
        BackgroundNextHopResolver nextHops = track(new BackgroundNextHopResolver(
                (iface, peer) -> nextHop(netlink, peer), Duration.ofSeconds(1), Duration.ofMillis(50)));
        // The loop reads the capture sockets itself where it can wait on them (see LoopReadSockets).
        loopReads = LoopReadSockets.available();
        List<PacketPort.Polled> polled = new ArrayList<>();
        for (String ifname : ifnames) {
            PortOptions portOptions = PortOptions.defaults().withBufferBytes(
                    PcapPacketPort.ringBytes(InterfaceFacts.mtu(ifname), advertsPerSecond(plans, ifname)));
            PcapPacketPort port = track(loopReads
                    ? PcapPacketPort.openPolled(ifname, portOptions, nextHops, this::received)
                    : PcapPacketPort.open(ifname, portOptions, nextHops, this::received));
            port.polled().ifPresent(polled::add);
            port.warmUpSendPath(TakeoverLatency.IO_WARM_UP_ROUNDS); // a backup sends its first advert when it takes over
            ports.put(ifname, port);
            capturePorts.put(ifname, port);
            captureOptions.put(ifname, portOptions);
            frameDrops.put(ifname, port.drops());
        }
        plans.forEach(p -> p.wire().destinations().stream().filter(d -> !d.isMulticastAddress())
                .forEach(d -> nextHops.prime(ports.get(p.wire().ifname()).iface(), d)));
        this.nextHops = nextHops;
        for (InstancePlan p : plans) {
            openVmacPort(ports, p.wire().vmac());
            vipInterfacesOf(p).forEach(ifname -> openVmacPort(ports, ifname));
        }
        loop.readSockets(polled);
        // garp_group and vrrp_garp_interval / vrrp_gna_interval; a reload keeps the gaps it started with.
        packets = new PcapPackets(ports, options.unicastTtl(), new AnnouncePacing(config.host(), config.global(),
                System::nanoTime, (task, ns) -> runner.timer().schedule(task, ns, TimeUnit.NANOSECONDS)));
        loop.onStateChange(ifname -> {
            CauseCounters<DropReason> drops = frameDrops.get(ifname);
            if (drops != null) {
                drops.rearmLogging();
            }
        });
        track(refusals).configure(vipInterfaces(plans), allVips(plans), config.global().releasedVipRst());

        redis.putAll(RedisWiring.all(config.redis()));
        redis.values().forEach(this::track);

        // The running instances, whichever a reload left: a removed one has retired its lane already.
        track(() -> loop.instances().values().forEach(InstanceRuntime::close));
        Map<String, VrrpInstance> machines = new LinkedHashMap<>();
        for (InstancePlan p : plans) {
            VrrpInstance machine = new VrrpInstance(p.machine());
            machines.put(machine.name(), machine);
            InstanceRuntime r = runtime(p, machine);
            loop.add(r);
            if (!p.garpRefresh().isZero()) {
                // garp_master_refresh; a reload keeps the period it started with.
                long ms = p.garpRefresh().toMillis();
                runner.timer().scheduleWithFixedDelay(() -> loop.post(new LoopEvent.OnLoop(
                        () -> r.refreshAnnouncements(p.garpRefreshRepeat()))), ms, ms, TimeUnit.MILLISECONDS);
            }
        }
        syncGroups(config, machines).forEach(loop::addGroup);
        loop.setInitialLinkState(ifname -> netlinkLinkUp(netlink, ifname));
        TakeoverLatency.warmUp(new TakeoverRehearsal(loop, vipPort, refusals, lanes).parts());

        // interface_up_down_delays: a reload keeps the delays the daemon started with.
        LinkDelays linkDelays = new LinkDelays(config.host(), (task, delay) -> {
            var f = runner.timer().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        }, ifname -> netlinkLinkUp(netlink, ifname), (ifname, up) -> loop.post(new LoopEvent.LinkChanged(ifname, up)));
        Linkbeat linkbeat = track(new Linkbeat(Linkbeat.polled(config),
                (ifname, up) -> loop.post(new LoopEvent.LinkChanged(ifname, up))));
        if (!linkbeat.isEmpty()) {
            runner.timer().scheduleWithFixedDelay(linkbeat::poll, 0, 1, TimeUnit.SECONDS);
        }
        track(NetlinkMonitor.start(new NetlinkEvents(netlink, loop, linkDelays, linkbeat, statics,
                this::onLinkRemoved, this::onLinkChanged),
                buffers.monitorBytes(), buffers.monitorForce(), NetlinkEvents.routingGroups(config)));
        scriptTrackers = track(new ScriptTrackers(config.scripts(), runner, runner.timer(), loop::post));
        fileTrackers = new FileTrackers(usedTrackFiles(config), loop::post);
        processTrackers = new ProcessTrackers(config.trackProcesses(), loop::post,
                config.global().extras().netlink().processBytes(), config.global().extras().netlink().processForce());
        track(() -> fileTrackers.close()); // whichever a reload left
        track(() -> processTrackers.close());
        hostTrackers = new HostTrackers(config.trackHosts(), loop::post);
        track(() -> hostTrackers.close());
        fileTrackers.start(true);
        processTrackers.start();
        hostTrackers.start();
        track(ControlServer.start(options.controlSocket(), this, ControlServer.DEFAULT_TIMEOUT,
                options.controlGroup()));
        startMetrics(config);
        track(SignalHandlers.install(this::onSignal, options.ignoreSigint()));
        startReloadTimeWatch();
        track(this::closeReloadTimeWatch);
        for (Path pidFile : options.pidFiles()) {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        }

        loopThread = new Thread(() -> {
            try {
                vrrpThreads.tuneCurrentThread();
                loop.run();
            } finally {
                finished.countDown();
            }
        }, ThreadNames.LOOP);
        loopThread.setPriority(Thread.MAX_PRIORITY);
        loopThread.start();
        scriptTrackers.start();
        redis.values().forEach(r -> r.startChecks(runner.timer(), loop::post));
        TakeoverLatency.keepBackgroundThreadsOffTheLoop();
        SdNotify.fromEnvironment().ifPresent(SdNotify::ready);
        LOG.info("Starting VRRP child process, pid={}", ProcessHandle.current().pid());
    }

    /**
     * The Prometheus exporter, when {@code --metrics-listen} or {@code metrics_listen} asks for it
     * (a reload does not move it). Without either, no class of the Prometheus client is loaded.
     */
    private void startMetrics(KeepalivedConfig config) throws IOException {
        MetricsListen listen = options.metricsListen() != null ? options.metricsListen()
                : config.global().metricsListen();
        if (listen != null) {
            MetricsExporter exporter = track(MetricsExporter.start(listen.address(), listen.port(),
                    new DaemonReadings(loop, () -> redis, frameDrops, () -> runner, statics::failures,
                            this::hostReadings)));
            LOG.info("Serving Prometheus metrics on http://{}/metrics", listen);
            LOG.debug("metrics exporter bound to {}", exporter.address());
        }
    }

    private InstanceRuntime runtime(InstancePlan p, VrrpInstance machine) {
        // Notifies go through the current notifier, which a reload replaces.
        Ports.Notifier notify = (instance, state, priority) -> notifier.instanceState(instance, state, priority);
        HookLane lane = lanes.laneFor(machine.name(), p.redisName() != null);
        InstanceRuntime r = new InstanceRuntime(machine, p.wire(), p.expectations(), p.vips(), packets, vipPort,
                refusals, p.redisName() == null ? null : redis.get(p.redisName()), notify, loop::post, lane);
        r.useRouting(routingPort, p.routing());
        r.useExtraIfGarp(p.extraIfGarp(), p.extraIfTargets());
        useFirewall(r);
        return r;
    }

    /**
     * The nftables table, when some instance is in no-accept mode or a keyword names one
     * (keepalived/vrrp/vrrp.c: vrrp_complete_instance()). Without libnftables, or when nf_tables
     * refuses, the instances run without drop rules: an error says why and what to install.
     */
    private void startFirewall(KeepalivedConfig config) {
        firewallSettings = Firewall.of(config.global(), config.instances());
        if (firewallSettings == null) {
            return;
        }
        if (config.global().firewall().table() == null) {
            LOG.info("no_accept/strict specified, but no firewall configured - using nftables");
        }
        Nft nft = null;
        try {
            nft = Nft.open();
            firewall = track(new NftablesFirewall(nft, firewallSettings, this::ifindex));
        } catch (IOException e) {
            if (nft != null) {
                nft.close();
            }
            LOG.error("nftables: cannot set up table {}, so a MASTER in no-accept mode (no_accept, vrrp_strict)"
                    + " will answer on its VIPs: {}", firewallSettings.table(), e.getMessage());
        }
    }

    private int ifindex(String ifname) {
        try {
            return netlink.link(ifname).map(Link::ifindex).orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }

    /** keepalived: "A reload which changes the iptables/nftables configuration will not work properly". */
    private void warnFirewallChange(KeepalivedConfig next) {
        var want = Firewall.of(next.global(), next.instances());
        var have = firewallSettings;
        boolean same = want == null ? have == null || firewall == Ports.Firewall.NONE
                : have != null && want.table().equals(have.table()) && want.priority() == have.priority()
                        && want.counters() == have.counters() && want.useIfindex() == have.useIfindex();
        if (!same) {
            LOG.warn("nftables settings changed at reload: they take a restart (table {} kept)",
                    have == null ? "none" : have.table());
        }
    }

    /** Blocks in no-accept mode; a reload's new settings for the table take a restart (as keepalived). */
    private void useFirewall(InstanceRuntime r) {
        Optional<InstanceSpec> conf = config.instance(r.name());
        boolean blocks = conf.map(Firewall::blocks).orElse(false);
        r.useFirewall(blocks ? firewall : Ports.Firewall.NONE,
                conf.map(InstanceSpec::dontTrackPrimary).orElse(false));
    }

    /** How long the exit waits for every lane's last steps (VIP removal, fence, notify STOP), in all. */
    private static final long HOOKS_AT_EXIT_MILLIS = 1500;

    /** Blocks until the daemon has stopped and released everything; returns the exit status. */
    public int awaitExit() throws InterruptedException {
        finished.await();
        // The loop sent priority-0 adverts and queued VIP removal + notify STOP on the lanes.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOOKS_AT_EXIT_MILLIS);
        for (InstanceRuntime r : loop.instances().values()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (!r.drainHooks(Math.max(1, left))) {
                LOG.warn("({}) hooks still running at exit", r.name());
            }
        }
        notifier.awaitIdle(Duration.ofSeconds(1));
        // After the VIPs are released and notify STOP ran; the one a reload left is the one that runs.
        DaemonScripts.run(runner, config.global().shutdownScript(), "shutdown");
        close();
        return 0;
    }

    /** Asks the daemon to stop, as SIGTERM does. */
    public void stop() {
        loop.post(new LoopEvent.Stop(options.releaseAtStop()));
    }

    /** The adverts a second the configuration expects on {@code ifname} (its peers' and its own). */
    static double advertsPerSecond(List<InstancePlan> plans, String ifname) {
        double rate = 0;
        for (InstancePlan p : plans) {
            if (p.wire().ifname().equals(ifname)) {
                rate += 100.0 / Math.max(1, p.wire().advertIntervalCentis());
            }
        }
        return rate;
    }

    private void received(ReceivedVrrp rx) {
        PacketContext ctx = new PacketContext(rx.source(), rx.destination(), rx.ttl(),
                rx.ipTotalLength(), rx.receivedIpLength(), false);
        // The record's own array: nothing else holds it, and the loop only reads it.
        loop.postPacket(new LoopEvent.PacketIn(rx.interfaceName(), ctx, rx.payloadUnsafe(), rx.receivedAtNanos()));
    }

    /** A link deleted from outside: a macvlan of ours is made again, off the monitor's thread. */
    private void onLinkRemoved(NetlinkEvent.LinkRemoved r) {
        VmacLinks links = vmacs;
        if (links != null && links.isOurs(r.ifindex())) {
            // Off the monitor's thread, which must go on reading events.
            runner.timer().execute(() -> recreateVmac(r.ifindex(), r.name()));
        }
    }

    /** A link appeared: the macvlans that waited for it as their base are made, off the monitor's thread. */
    private void onLinkChanged(NetlinkEvent.LinkChanged l) {
        PcapPacketPort capture = capturePorts.get(l.name());
        if (capture != null && capture.iface().index() != l.ifindex()) {
            runner.timer().execute(() -> reopenCapture(l.name(), l.ifindex()));
        }
        VmacLinks links = vmacs;
        if (links != null && links.waitsFor(l.name())) {
            runner.timer().execute(() -> baseAdded(l.name()));
        } else if (links != null && links.hasBase(l.name())) {
            runner.timer().execute(() -> links.followVrf(l.name())); // enslaved to a VRF or freed
        }
    }

    /**
     * An instance's interface was deleted and made again: its capture and sending port are bound to
     * the old link, so a new one is opened on the new link and replaces it for the loop, the
     * announcements and the refusals, as keepalived opens its sockets again on an interface added
     * back (keepalived/vrrp/vrrp_if.c: update_added_interface(), setup_interface()).
     */
    private synchronized void reopenCapture(String ifname, int ifindex) {
        PcapPacketPort old = capturePorts.get(ifname);
        if (old == null || old.iface().index() == ifindex) {
            return; // done already for this link
        }
        PcapPacketPort port;
        try {
            PortOptions o = captureOptions.get(ifname);
            port = loopReads ? PcapPacketPort.openPolled(ifname, o, nextHops, this::received)
                    : PcapPacketPort.open(ifname, o, nextHops, this::received);
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: cannot open packet IO on the new interface: {}", ifname, e.getMessage());
            return;
        }
        track(port);
        capturePorts.put(ifname, port);
        frameDrops.put(ifname, port.drops());
        packets.addPort(ifname, port);
        try {
            if (port.polled().isPresent()) {
                loop.replaceSocket(port.polled().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            old.close();
        } catch (Exception e) {
            LOG.debug("{}: closing the old interface's port: {}", ifname, e.toString());
        }
        List<VipSpec> onIt = new ArrayList<>();
        loop.instances().values().forEach(r -> r.vips().stream().filter(v -> v.ifname().equals(ifname))
                .forEach(onIt::add));
        refusals.reopen(ifname, onIt);
        vipPort.forget(ifname); // the VIPs go on the new link's index
    }

    /**
     * An instance's interface is back (it was deleted, its macvlan with it): its macvlans are made
     * again and their sending ports opened, as keepalived does (keepalived/vrrp/vrrp_if.c:
     * update_added_interface(), recreate_vmac_thread()).
     */
    private synchronized void baseAdded(String base) {
        vmacs.baseAdded(base).values().forEach(this::reattach);
    }

    /**
     * A macvlan of ours deleted from outside is made again (VmacLinks.recreate), and its sending port
     * reopened on the new link. Its VIPs went with it: the instance, told by the kernel's address
     * events, leaves MASTER and adds them again when it takes over, as keepalived's instance does
     * after its VMAC is re-created.
     */
    private synchronized void recreateVmac(int ifindex, String name) {
        LOG.info("Interface {} deleted", name); // keepalived_netlink.c: netlink_if_link_filter()
        Optional<String> again = vmacs.recreate(ifindex);
        PacketPort old = packets.removePort(name);
        if (old != null) {
            vmacPorts.remove(name);
            try {
                old.close();
            } catch (Exception e) {
                LOG.debug("{}: closing the deleted VMAC's port: {}", name, e.toString());
            }
        }
        again.ifPresent(this::reattach);
    }

    /** A macvlan made again: its VIPs go on its new index, its sending and refusal ports open on it. */
    private void reattach(String n) {
        vipPort.forget(n); // the VIPs go on the new link's index
        openVmacPort(new HashMap<>(), n);
        List<VipSpec> onIt = new ArrayList<>();
        loop.instances().values().forEach(r -> r.vips().stream().filter(v -> v.ifname().equals(n))
                .forEach(onIt::add));
        refusals.reopen(n, onIt);
    }

    private void onSignal(SignalEvent s) {
        switch (s) {
            case STOP -> stop();
            case RELOAD -> {
                // Off the signal thread: reload parses files and waits for the loop.
                Thread t = new Thread(() -> {
                    ControlResponse r = reload();
                    if (!r.ok()) {
                        LOG.warn("Reload: {}", r.error());
                    }
                }, "reload");
                t.setDaemon(true);
                t.start();
            }
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
        List<StatusSnapshot.Tracker> trackers = trackerStatus();
        loop.post(new LoopEvent.OnLoop(() -> f.complete(
                statusBuilder.build(loop, scriptTrackers, redis, lost, frameDrops).withTrackers(trackers))));
        try {
            return f.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the event loop did not answer: " + e);
        }
    }

    /**
     * SIGHUP / {@code keepvip reload} (keepalived/vrrp/vrrp_daemon.c, reload_vrrp_thread; vrrp.c,
     * clear_diff_vrrp). A bad new configuration is rejected and the
     * running one kept. Instances are matched on VRID, interface and family, not on the name: a
     * matched instance keeps its state and the VIPs that stay (no flap, no notify); added ones
     * start, removed ones release (priority 0, VIPs removed, notify STOP).
     */
    @Override
    public synchronized ControlResponse reload() {
        // keepalived/core/main.c: reload_config() stops the reload monitor first and starts it again
        // with the configuration that runs afterwards.
        closeReloadTimeWatch();
        try {
            return reloadNow();
        } finally {
            startReloadTimeWatch();
        }
    }

    /** keepalived/vrrp/vrrp_daemon.c: igmp_link_local_mcast_reports, which disable_local_igmp turns off. */
    private static final Path IGMP_LLM_REPORTS = Path.of("/proc/sys/net/ipv4/igmp_link_local_mcast_reports");

    /**
     * disable_local_igmp: no IGMP reports for link-local groups (224.0.0.x, so 224.0.0.18) while the
     * daemon runs, so a macvlan's join does not make switches learn the virtual MAC from a report; put
     * back at exit, as keepalived's set_disable_local_igmp() / reset_disable_local_igmp(). Read at start.
     */
    private void disableLocalIgmp(KeepalivedConfig c) {
        if (!c.global().extras().disableLocalIgmp()) {
            return;
        }
        try {
            // readAllLines: a /proc file reports size 0, and readString may stop at its first read.
            String was = Files.readAllLines(IGMP_LLM_REPORTS).get(0).trim();
            if (was.equals("1")) {
                Files.writeString(IGMP_LLM_REPORTS, "0");
                track(() -> {
                    try {
                        Files.writeString(IGMP_LLM_REPORTS, "1");
                    } catch (IOException e) {
                        LOG.info("Unable to write {} - {}", IGMP_LLM_REPORTS, e.getMessage());
                    }
                });
            }
        } catch (IOException e) {
            LOG.info("Unable to set {} - {}", IGMP_LLM_REPORTS, e.getMessage()); // keepalived logs and runs on
        }
    }

    /** reload_time_file: a watch on it for the running configuration, if it names one. */
    private void startReloadTimeWatch() {
        var x = config.global().extras();
        if (x.reloadTimeFile() != null && runner != null) {
            reloadTimeWatch = ReloadTimeWatch.start(x.reloadTimeFile(), x.reloadRepeat(), runner.timer(),
                    () -> onSignal(SignalEvent.RELOAD));
        }
    }

    private void closeReloadTimeWatch() {
        ReloadTimeWatch w = reloadTimeWatch;
        reloadTimeWatch = null;
        if (w != null) {
            w.close();
        }
    }

    private ControlResponse reloadNow() {
        Path reloadFile = reloadFile(config.global().extras().reloadFile());
        CheckResult check;
        try {
            check = ConfigChecker.forHost().check(options.configFile(), options.configId(),
                    true);
        } finally {
            if (reloadFile != null) {
                try {
                    Files.deleteIfExists(reloadFile);
                } catch (IOException e) {
                    LOG.warn("Failed to remove reload file ({}) - {}", reloadFile, e.getMessage());
                }
            }
        }
        if (check.blocksStart()) {
            String first = check.diagnostics().stream().filter(d -> d.isError()).findFirst()
                    .map(d -> d.format()).orElse("configuration unusable");
            LOG.error("Reload rejected, running configuration kept: {}", first);
            return ControlResponse.error("new configuration rejected (" + first + "); running configuration kept");
        }
        for (var r : check.config().redis()) {
            RedisWiring running = redis.get(r.name());
            if (running != null && !Objects.equals(running.config().sentinel(), r.sentinel())) {
                // Sentinel mode decides who may promote Redis: never switched half-way by a reload.
                String why = "redis_instance " + r.name() + ": changed sentinel settings need a restart";
                LOG.error("Reload rejected, running configuration kept: {}", why);
                return ControlResponse.error("new configuration rejected (" + why + "); running configuration kept");
            }
            if (running != null && !running.config().minReplicas().equals(r.minReplicas())) {
                // The guard and its tracker are made with the wiring: changed half-way, Redis would keep stale values.
                String why = "redis_instance " + r.name() + ": changed min_replicas_* settings need a restart";
                LOG.error("Reload rejected, running configuration kept: {}", why);
                return ControlResponse.error("new configuration rejected (" + why + "); running configuration kept");
            }
        }
        KeepalivedConfig next = check.config();
        KeepalivedConfig before = config;
        // keepalived/core/main.c: reload_config(): these name the running process and cannot change.
        for (String[] c : new String[][] {
                {"instance name", before.host().instanceName(), next.host().instanceName()},
                {"network namespace", before.host().netNamespace(), next.host().netNamespace()}}) {
            if (!Objects.equals(c[1], c[2])) {
                String why = "Cannot change " + c[0] + " at a reload - please restart keepvip";
                LOG.error("Reload rejected, running configuration kept: {}", why);
                return ControlResponse.error("new configuration rejected (" + why + "); running configuration kept");
            }
        }
        if (before.global().extras().disableLocalIgmp() != next.global().extras().disableLocalIgmp()) {
            LOG.info("Cannot change disable_local_igmp at a reload - please restart keepvip"); // main.c: reload_config()
        }
        List<InstancePlan> plans;
        List<VmacPlan.Link> vmacPlan = VmacPlan.links(check.config());
        try {
            // New macvlans before the instances that use them; the ones no longer used after (below).
            plans = ConfigMapper.plans(check.config(), (ifname, v6) -> primaryAddress(netlink, ifname, v6),
                    vmacs.ensure(vmacPlan));
            plans.forEach(p -> {
                openVmacPort(Map.of(), p.wire().vmac());
                vipInterfacesOf(p).forEach(ifname -> openVmacPort(Map.of(), ifname));
            });
            for (var r : check.config().redis()) {
                if (!redis.containsKey(r.name())) {
                    RedisWiring w = track(new RedisWiring(r));
                    redis.put(r.name(), w);
                    w.startChecks(runner.timer(), loop::post);
                } else {
                    redis.get(r.name()).reconfigureLag(r); // H3 limits follow a reload
                }
            }
        } catch (IOException e) {
            LOG.error("Reload rejected, running configuration kept: {}", e.getMessage());
            vmacs.retain(VmacPlan.links(config)); // the macvlans made for the rejected file go again
            return ControlResponse.error("new configuration rejected (" + e.getMessage() + "); running kept");
        }
        // Here, not on the loop: opening a capture handle takes a few ms, adverts must not wait.
        refusals.configure(vipInterfaces(plans), allVips(plans), next.global().releasedVipRst());
        CompletableFuture<String> applied = new CompletableFuture<>();
        loop.post(new LoopEvent.OnLoop(() -> applied.complete(apply(next, plans))));
        try {
            String summary = applied.get(5, TimeUnit.SECONDS);
            retireVmacs(plans, vmacPlan);
            retrack(before, next);
            statics.change(next.statics());
            LOG.info("Reloaded configuration: {}", summary);
            return ControlResponse.ok("reloaded: " + summary);
        } catch (Exception e) {
            return ControlResponse.error("reload did not complete: " + e);
        }
    }

    /**
     * reload_file of the running configuration: created, or truncated, before the reload reads the
     * files, and removed once they are read, so that an update process can wait for its removal
     * (keepalived/core/main.c: create_reload_file(), remove_reload_file()). Without a name it is
     * {@code keepvip[_NAME].reload} beside the control socket, as keepalived's is in its pid
     * directory. Returns the file, or null when none is configured.
     */
    private Path reloadFile(String configured) {
        if (configured == null) {
            return null;
        }
        Path file = configured.isEmpty() ? options.controlSocket().resolveSibling(
                options.controlSocket().getFileName().toString().replaceFirst("\\.sock$", "") + ".reload")
                : Path.of(configured);
        try {
            Files.write(file, new byte[0]);
        } catch (IOException e) {
            LOG.info("Failed to create reload file ({}) - {}", file, e.getMessage());
        }
        return file;
    }

    /**
     * File, process and host trackers after a reload, off the loop (stopping a watcher waits for its
     * thread) and after the instances took the new configuration, so that the instances it added
     * hear every tracker: changed trackers start over (without init_file, as keepalived on a
     * reload), the others report their last reading again.
     */
    private void retrack(KeepalivedConfig before, KeepalivedConfig next) {
        if (!usedTrackFiles(next).equals(usedTrackFiles(before))) {
            FileTrackers old = fileTrackers;
            fileTrackers = new FileTrackers(usedTrackFiles(next), loop::post);
            old.close();
            fileTrackers.start(false);
        } else {
            fileTrackers.republish();
        }
        if (!next.trackProcesses().equals(before.trackProcesses())) {
            ProcessTrackers old = processTrackers;
            processTrackers = new ProcessTrackers(next.trackProcesses(), loop::post,
                    next.global().extras().netlink().processBytes(), next.global().extras().netlink().processForce());
            old.close();
            processTrackers.start();
        } else {
            processTrackers.republish();
        }
        if (!next.trackHosts().equals(before.trackHosts())) {
            HostTrackers old = hostTrackers;
            hostTrackers = new HostTrackers(next.trackHosts(), loop::post);
            old.close();
            hostTrackers.start();
        } else {
            hostTrackers.republish();
        }
    }

    /** Applies a validated configuration on the loop thread. */
    private String apply(KeepalivedConfig next, List<InstancePlan> plans) {
        notifier = new ScriptNotifier(next.instances(), runner, fifo);
        if (!next.scripts().equals(config.scripts())) {
            scriptTrackers.close();
            scriptTrackers = new ScriptTrackers(next.scripts(), runner, runner.timer(), loop::post);
            scriptTrackers.start();
        }
        config = next;
        warnFirewallChange(next);
        Map<String, InstanceRuntime> byKey = new LinkedHashMap<>();
        loop.instances().values().forEach(r -> byKey.put(key(r.wire()), r));
        int kept = 0;
        int added = 0;
        int replaced = 0;
        List<InstanceRuntime> keptRuntimes = new ArrayList<>();
        for (InstancePlan p : plans) {
            InstanceRuntime r = byKey.remove(key(p.wire()));
            if (r != null && r.name().equals(p.machine().name())) {
                if (!r.machine().config().equals(p.machine())) {
                    loop.reloadInstance(r, p.machine());
                }
                loop.reconfigure(r, p.wire(), p.expectations(), p.vips(), p.machine().garpMasterRepeat());
                r.reconfigureRouting(p.routing());
                keptRuntimes.add(r);
                useFirewall(r);
                kept++;
            } else {
                if (r != null) {
                    loop.stopRemoved(r);
                    replaced++;
                } else {
                    added++;
                }
                loop.startAdded(runtime(p, new VrrpInstance(p.machine())));
            }
        }
        for (InstanceRuntime gone : byKey.values()) {
            loop.stopRemoved(gone);
        }
        Map<String, VrrpInstance> machines = new LinkedHashMap<>();
        loop.instances().forEach((name, r) -> machines.put(name, r.machine()));
        loop.replaceGroups(syncGroups(next, machines)); // as keepalived rebuilds them at reload
        if (next.global().extras().fifoWriteStatesOnReload()) {
            // keepalived/vrrp/vrrp_scheduler.c: vrrp_init_state() writes the state of each instance
            // the reload did not move; a new instance announces itself through its transition anyway.
            keptRuntimes.forEach(r -> notifier.fifoState(r.name(), r.machine().state(),
                    r.machine().effectivePriority()));
        }
        return kept + " kept, " + added + " added, " + replaced + " replaced, " + byKey.size() + " removed";
    }

    /** The last reading of every file, process and host tracker, in configuration order. */
    private List<StatusSnapshot.Tracker> trackerStatus() {
        List<StatusSnapshot.Tracker> out = new ArrayList<>();
        Map<String, Long> values = fileTrackers.values();
        for (TrackFile f : usedTrackFiles(config)) {
            Long v = values.get(f.name());
            if (v != null) {
                out.add(new StatusSnapshot.Tracker("file", f.name(), v, null));
            }
        }
        Map<String, ProcessTrackers.Status> processes = processTrackers.status();
        for (var p : config.trackProcesses()) {
            ProcessTrackers.Status st = processes.get(p.name());
            if (st != null) {
                out.add(new StatusSnapshot.Tracker("process", p.name(), st.count(), st.quorum()));
            }
        }
        Map<String, HostTrackers.Status> hosts = hostTrackers.status();
        for (var h : config.trackHosts()) {
            HostTrackers.Status st = hosts.get(h.name());
            if (st != null) {
                out.add(StatusSnapshot.Tracker.host(h.name(), IpLiteral.format(h.address()),
                        st.up(), st.sent(), st.answered(), st.lost(), st.late(), st.inARow(),
                        st.lastRttNanos() < 0 ? null : st.lastRttNanos() / 1000));
            }
        }
        return out;
    }

    /** Each vrrp_track_host's counters, for a metrics scrape (read from the tracker's published copy). */
    private List<Readings.Host> hostReadings() {
        HostTrackers h = hostTrackers;
        List<Readings.Host> out = new ArrayList<>();
        if (h == null) {
            return out;
        }
        Map<String, HostTrackers.Status> st = h.status();
        for (var t : h.hosts()) {
            HostTrackers.Status s = st.get(t.name());
            if (s != null) {
                out.add(new Readings.Host(t.name(),
                        IpLiteral.format(t.address()), s.up(), s.sent(), s.answered(),
                        s.lost(), s.late(), s.lastRttNanos()));
            }
        }
        return out;
    }

    /** The track_file blocks an instance or sync group tracks: keepalived forgets the others. */
    static List<TrackFile> usedTrackFiles(KeepalivedConfig config) {
        Set<String> used = new HashSet<>();
        config.instances().forEach(i -> i.tracking().files().forEach(t -> used.add(t.name())));
        config.syncGroups().forEach(g -> g.tracking().files().forEach(t -> used.add(t.name())));
        return config.trackFiles().stream().filter(f -> used.contains(f.name())).toList();
    }

    /** The configuration's sync groups over {@code machines}, members it does not run left out. */
    private static List<SyncGroup> syncGroups(KeepalivedConfig config, Map<String, VrrpInstance> machines) {
        List<SyncGroup> groups = new ArrayList<>();
        for (var g : config.syncGroups()) {
            List<VrrpInstance> members = g.members().stream().map(machines::get).filter(m -> m != null).toList();
            if (!members.isEmpty()) {
                groups.add(new SyncGroup(g.name(), members));
            }
        }
        return groups;
    }

    /** Interfaces of the instances and of their VIPs: where released VIPs may be refused. */
    private static Set<String> vipInterfaces(List<InstancePlan> plans) {
        Set<String> out = new LinkedHashSet<>();
        plans.forEach(p -> {
            out.add(p.wire().ifname());
            p.vips().forEach(v -> out.add(v.ifname()));
        });
        return out;
    }

    private static List<VipSpec> allVips(List<InstancePlan> plans) {
        return plans.stream().flatMap(p -> p.vips().stream()).toList();
    }

    /** keepalived's vrrp_exist match: VRID, interface, family, unicast or multicast. */
    private static String key(InstanceRuntime.Wire w) {
        return w.vrid() + "/" + w.ifname() + "/" + (w.source() instanceof Inet6Address ? 6 : 4) + "/"
                + (w.unicast() ? "u" : "m");
    }

    @Override
    public ControlResponse switchover(String instance, String to) {
        return new SwitchoverDriver(loop, () -> redis).run(instance, to);
    }

    /**
     * After a reload: the sending ports and macvlans no instance uses any more go, as keepalived
     * deletes the VMAC of an instance a reload removed.
     */
    private void retireVmacs(List<InstancePlan> plans, List<VmacPlan.Link> vmacPlan) {
        Set<String> used = new HashSet<>();
        plans.forEach(p -> {
            used.addAll(vipInterfacesOf(p));
            if (p.wire().vmac() != null) {
                used.add(p.wire().vmac());
            }
        });
        for (String name : new ArrayList<>(vmacPorts)) {
            if (!used.contains(name)) {
                vmacPorts.remove(name);
                PacketPort port = packets.removePort(name);
                if (port != null) {
                    try {
                        port.close();
                    } catch (Exception e) {
                        LOG.debug("{}: closing the VMAC port: {}", name, e.toString());
                    }
                }
            }
        }
        vmacs.retain(vmacPlan);
    }

    /**
     * The interfaces an instance's VIPs sit on besides its own (a {@code dev}, a use_vmac_addr
     * macvlan): their GARPs and NAs leave there, as keepalived's send_gratuitous_arp() sends each
     * VIP's on the VIP's interface (keepalived/vrrp/vrrp_arp.c).
     */
    private Set<String> vipInterfacesOf(InstancePlan p) {
        Set<String> out = new LinkedHashSet<>();
        p.vips().forEach(v -> out.add(v.ifname()));
        out.remove(p.wire().ifname());
        out.removeIf(ifname -> {
            try {
                return netlink.link(ifname).map(l -> (l.flags() & org.keepvip.netlink.Rtnl.IFF_NOARP) != 0)
                        .orElse(false);
            } catch (IOException e) {
                return false;
            }
        });
        return out;
    }

    /**
     * A sending port on an instance's macvlan (adverts unless vmac_xmit_base, and its GARPs), opened
     * once per macvlan; its adverts are heard on the base's port. A failure is logged: the instance
     * then cannot send there, as keepalived's could not.
     */
    private void openVmacPort(Map<String, PacketPort> ports, String vmac) {
        if (vmac == null || ports.containsKey(vmac) || (packets != null && packets.hasPort(vmac))) {
            return;
        }
        try {
            PcapPacketPort port = track(PcapPacketPort.openSendOnly(vmac, nextHops));
            port.warmUpSendPath(TakeoverLatency.IO_WARM_UP_ROUNDS);
            vmacPorts.add(vmac);
            if (packets != null) {
                packets.addPort(vmac, port);
            } else {
                ports.put(vmac, port);
            }
        } catch (IOException e) {
            LOG.error("{}: cannot send adverts or gratuitous ARPs/NAs there: {}", vmac, e.getMessage());
        }
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

    private static Optional<MacAddress> nextHop(NetlinkClient nl, InetAddress peer) {
        try {
            var hop = nl.resolveNextHop(peer, Duration.ofMillis(200));
            return Optional.of(hop.mac());
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
        for (Path p : options.pidFiles()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
