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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.keepvip.agent.control.ControlServer;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.events.DecisionLog;
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
import org.keepvip.agent.vmac.Sysctl;
import org.keepvip.agent.vmac.VmacLinks;
import org.keepvip.agent.vmac.VmacPlan;
import org.keepvip.netlink.IfAddress;
import org.keepvip.netlink.Link;
import org.keepvip.netlink.MacAddress;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.NetlinkEvent;
import org.keepvip.netlink.NetlinkMonitor;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.MetricsListen;
import org.keepvip.vrrp.config.StaticRouting;
import org.keepvip.vrrp.packet.PacketContext;
import org.keepvip.vrrp.state.VrrpInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: opens netlink, the packet ports and the control socket, cleans VIPs left by a
 * killed run, then runs the {@link EventLoop} until SIGTERM. Shutdown follows keepalived
 * (keepalived/vrrp/vrrp_daemon.c, stop_vrrp):
 * priority-0 adverts, VIPs removed, notify STOP, exit.
 */
public final class Daemon implements AutoCloseable {
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
    /** File, process and host trackers; a reload replaces those it changes. */
    private Trackers trackers;
    private volatile ScriptNotifier notifier;
    private NetlinkClient netlink;
    private NetlinkVips vipPort;
    private NetlinkRouting routingPort;
    /** No-accept mode's nftables table, as the configuration at start asked for it. */
    private NoAcceptFirewall firewall;
    /** The static addresses, routes and rules; made once the VIP and routing ports exist. */
    private StaticEntries statics;
    private PcapPackets packets;
    private VmacLinks vmacs;
    /** Follows links made again: see {@link #startLinkWork()}. */
    private ExecutorService linkWork;
    /** The sending ports on macvlans and on the other interfaces of VIPs. */
    private VmacPorts vmacPorts;
    private Reloader reloader;
    private DaemonControl control;
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
    /** The next-hop cache the ports at start use; a port opened again on a new link uses it too. */
    private NextHopResolver nextHops;

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
        List<InstancePlan> plans = ConfigMapper.plans(config, this::primaryAddress, vmacNames);
        startProcess(config);
        openPorts(config, plans);
        startInstances(config, plans);
        startWatchers(config);
        startControl(config);
        startLoop();
    }

    /** What comes before any instance: process settings, scripts, lanes, notifies, static entries, nftables. */
    private void startProcess(KeepalivedConfig config) throws IOException {
        LocalIgmp.disable(config, this::track);
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
        firewall = NoAcceptFirewall.start(config, netlink, this::track);

        // As keepalived/vrrp/vrrp.c, vrrp_init_state: VIPs left by a killed run are removed at start;
        // the machine's Start does it.
    }

    /** A capture and sending port per interface, and per macvlan; the released-VIP refusals. */
    private void openPorts(KeepalivedConfig config, List<InstancePlan> plans) throws IOException {
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
        linkWork = startLinkWork();
        vmacPorts = new VmacPorts(netlink, vmacs, nextHops, vipPort, refusals, loop, linkWork, this::track);
        plans.forEach(p -> vmacPorts.open(ports, p));
        loop.readSockets(polled);
        // garp_group and vrrp_garp_interval / vrrp_gna_interval; a reload keeps the gaps it started with.
        packets = new PcapPackets(ports, options.unicastTtl(), new AnnouncePacing(config.host(), config.global(),
                System::nanoTime, (task, ns) -> runner.timer().schedule(task, ns, TimeUnit.NANOSECONDS)));
        vmacPorts.use(packets);
        loop.onStateChange(ifname -> {
            CauseCounters<DropReason> drops = frameDrops.get(ifname);
            if (drops != null) {
                drops.rearmLogging();
            }
        });
        track(refusals).configure(Plans.vipInterfaces(plans), Plans.allVips(plans), config.global().releasedVipRst());
    }

    /** The Redis wirings, the instances and their sync groups in the loop, then the warm-up. */
    private void startInstances(KeepalivedConfig config, List<InstancePlan> plans) throws IOException {
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
        Plans.syncGroups(config, machines).forEach(loop::addGroup);
        loop.setInitialLinkState(ifname -> netlinkLinkUp(netlink, ifname));
        TakeoverLatency.warmUp(new TakeoverRehearsal(loop, vipPort, refusals, lanes).parts());
    }

    /** Link state, the netlink monitor, and the script, file, process and host trackers. */
    private void startWatchers(KeepalivedConfig config) throws IOException {
        var buffers = config.global().extras().netlink();
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
                vmacPorts::onLinkRemoved, this::onLinkChanged),
                buffers.monitorBytes(), buffers.monitorForce(), NetlinkEvents.routingGroups(config)));
        scriptTrackers = track(new ScriptTrackers(config.scripts(), runner, runner.timer(), loop::post));
        trackers = track(new Trackers(config, loop::post));
        trackers.start();
    }

    /** Reload, the control socket, metrics, signals, the pid files. */
    private void startControl(KeepalivedConfig config) throws IOException {
        reloader = new Reloader(options, loop, new Running(), this::primaryAddress, new Reloader.Parts(vmacs,
                vmacPorts, redis, refusals, trackers, statics, runner, this::track));
        control = new DaemonControl(loop, new DaemonControl.Sources(statusBuilder, () -> this.config,
                () -> scriptTrackers, trackers, redis, fifo, frameDrops), reloader);
        track(ControlServer.start(options.controlSocket(), control, ControlServer.DEFAULT_TIMEOUT,
                options.controlGroup()));
        startMetrics(config);
        track(SignalHandlers.install(this::onSignal, options.ignoreSigint()));
        reloader.startWatch();
        track(reloader::closeWatch);
        for (Path pidFile : options.pidFiles()) {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        }
    }

    /** The loop's thread, then what must start once it runs. */
    private void startLoop() {
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
                            trackers::hostReadings)));
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
        firewall.use(r, config);
        return r;
    }

    /** Takes a reload's configuration as the running one, on the loop: notifies, scripts, firewall warning. */
    private ScriptNotifier adopt(KeepalivedConfig next) {
        notifier = new ScriptNotifier(next.instances(), runner, fifo);
        if (!next.scripts().equals(config.scripts())) {
            scriptTrackers.close();
            scriptTrackers = new ScriptTrackers(next.scripts(), runner, runner.timer(), loop::post);
            scriptTrackers.start();
        }
        config = next;
        firewall.warnIfChanged(next);
        return notifier;
    }

    /** The daemon as a reload sees it. */
    private final class Running implements Reloader.Running {
        @Override
        public KeepalivedConfig config() {
            return config;
        }

        @Override
        public ScriptNotifier adopt(KeepalivedConfig next) {
            return Daemon.this.adopt(next);
        }

        @Override
        public InstanceRuntime runtime(InstancePlan plan, VrrpInstance machine) {
            return Daemon.this.runtime(plan, machine);
        }

        @Override
        public void useFirewall(InstanceRuntime r) {
            firewall.use(r, config);
        }
    }

    /**
     * How long the exit waits for every lane's last steps (fence, the replicas' catch-up of at most
     * {@link Ports.RedisRole#MAX_REPLICA_SYNC}, VIP removal, priority 0, notify STOP), in all: past it
     * the lanes are stopped with whatever is left undone, so it must hold the catch-up with room.
     */
    private static final long HOOKS_AT_EXIT_MILLIS = 2500;

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

    /**
     * The thread that follows links made again (captures reopened, macvlans re-created), in the order
     * the monitor saw them: their work waits on pcap, netlink and the loop, which neither the monitor
     * (every instance's netlink events) nor the timer (every instance's scripts and checks) may do.
     * It exists from the start, so it is among the threads moved to SCHED_BATCH.
     */
    private ExecutorService startLinkWork() {
        ThreadPoolExecutor t = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, ThreadNames.LINK_WORK);
            thread.setDaemon(true);
            return thread;
        });
        t.prestartAllCoreThreads();
        track(t::shutdownNow);
        return t;
    }

    /** A link appeared or changed: an instance's interface made again gets a new capture; macvlans follow their base. */
    private void onLinkChanged(NetlinkEvent.LinkChanged l) {
        PcapPacketPort capture = capturePorts.get(l.name());
        if (capture != null && capture.iface().index() != l.ifindex()) {
            linkWork.execute(() -> reopenCapture(l.name(), l.ifindex()));
        }
        vmacPorts.onLinkChanged(l);
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
        // The old capture closes once the loop reads the new one (it may still poll the old
        // descriptor until then), on this thread, which does not wait for the loop meanwhile.
        CompletableFuture<Void> taken = port.polled().isPresent() ? loop.replaceSocket(port.polled().get())
                : CompletableFuture.completedFuture(null);
        taken.thenRunAsync(() -> {
            try {
                old.close();
            } catch (Exception e) {
                LOG.debug("{}: closing the old interface's port: {}", ifname, e.toString());
            }
        }, linkWork);
        List<VipSpec> onIt = new ArrayList<>();
        loop.instances().values().forEach(r -> r.vips().stream().filter(v -> v.ifname().equals(ifname))
                .forEach(onIt::add));
        refusals.reopen(ifname, onIt);
        vipPort.forget(ifname); // the VIPs go on the new link's index
    }

    private void onSignal(SignalEvent s) {
        switch (s) {
            case STOP -> stop();
            case RELOAD -> reloader.reloadInBackground(); // off the signal thread
            case DATA_DUMP -> dump(true);
            case STATS_DUMP -> dump(false);
        }
    }

    private void dump(boolean data) {
        try {
            StatusSnapshot s = control.status();
            Path p = data ? options.dumps().writeData(s) : options.dumps().writeStats(s);
            LOG.info("Wrote {}", p);
        } catch (IOException e) {
            LOG.error("cannot write dump: {}", e.getMessage());
        }
    }

    /** The source address of an instance that names none: ConfigMapper.InterfaceFacts. */
    private InetAddress primaryAddress(String ifname, boolean v6) throws IOException {
        Link link = netlink.link(ifname).orElseThrow(() -> new IOException("interface " + ifname + " does not exist"));
        for (IfAddress a : netlink.addresses(link.ifindex())) {
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

    /** Closed at exit, last first. Called from the reload thread and the link work's too (a capture reopened). */
    private <T extends AutoCloseable> T track(T resource) {
        synchronized (resources) {
            resources.add(resource);
        }
        return resource;
    }

    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (resources) {
            toClose = new ArrayList<>(resources);
            resources.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", toClose.get(i), e.toString());
            }
        }
        for (Path p : options.pidFiles()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
