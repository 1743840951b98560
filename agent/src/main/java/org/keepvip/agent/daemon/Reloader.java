package org.keepvip.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.keepvip.agent.config.CheckResult;
import org.keepvip.agent.config.ConfigChecker;
import org.keepvip.agent.control.ControlResponse;
import org.keepvip.agent.loop.EventLoop;
import org.keepvip.agent.loop.InstancePlan;
import org.keepvip.agent.loop.InstanceRuntime;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.agent.packet.PcapRefusals;
import org.keepvip.agent.redis.RedisWiring;
import org.keepvip.agent.script.ScriptNotifier;
import org.keepvip.agent.script.ScriptRunner;
import org.keepvip.agent.track.ReloadTimeWatch;
import org.keepvip.agent.vmac.VmacLinks;
import org.keepvip.agent.vmac.VmacPlan;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.state.VrrpInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP / {@code keepvip reload} (keepalived/vrrp/vrrp_daemon.c, reload_vrrp_thread; vrrp.c,
 * clear_diff_vrrp): the new configuration checked, then diffed against the running instances on
 * the loop, then the macvlans, trackers and static entries brought along. A bad new configuration
 * is rejected and the running one kept. Also the reload_time_file watch, which schedules reloads.
 */
final class Reloader {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    /** The daemon's side of a reload: the running configuration and how an instance is built. */
    interface Running {
        KeepalivedConfig config();

        /** Takes {@code next} as the running configuration (on the loop); returns its notifier. */
        ScriptNotifier adopt(KeepalivedConfig next);

        InstanceRuntime runtime(InstancePlan plan, VrrpInstance machine);

        /** Blocks in no-accept mode, for an instance the reload kept. */
        void useFirewall(InstanceRuntime r);
    }

    /** The pieces a reload changes besides the instances. */
    record Parts(VmacLinks vmacs, VmacPorts vmacPorts, Map<String, RedisWiring> redis, PcapRefusals refusals,
            Trackers trackers, StaticEntries statics, ScriptRunner runner, Consumer<AutoCloseable> track) {}

    private final Daemon.Options options;
    private final EventLoop loop;
    private final Running running;
    private final ConfigMapper.InterfaceFacts facts;
    private final Parts parts;
    private ReloadTimeWatch reloadTimeWatch;

    Reloader(Daemon.Options options, EventLoop loop, Running running, ConfigMapper.InterfaceFacts facts,
            Parts parts) {
        this.options = options;
        this.loop = loop;
        this.running = running;
        this.facts = facts;
        this.parts = parts;
    }

    /**
     * Instances are matched on VRID, interface and family, not on the name: a matched instance
     * keeps its state and the VIPs that stay (no flap, no notify); added ones start, removed ones
     * release (priority 0, VIPs removed, notify STOP).
     */
    synchronized ControlResponse reload() {
        // keepalived/core/main.c: reload_config() stops the reload monitor first and starts it again
        // with the configuration that runs afterwards.
        closeWatch();
        try {
            return reloadNow();
        } finally {
            startWatch();
        }
    }

    /** A reload off the calling thread (a signal's, the timer's): it parses files and waits for the loop. */
    void reloadInBackground() {
        Thread t = new Thread(() -> {
            ControlResponse r = reload();
            if (!r.ok()) {
                LOG.warn("Reload: {}", r.error());
            }
        }, "reload");
        t.setDaemon(true);
        t.start();
    }

    /** reload_time_file: a watch on it for the running configuration, if it names one. */
    void startWatch() {
        var x = running.config().global().extras();
        if (x.reloadTimeFile() != null && parts.runner() != null) {
            reloadTimeWatch = ReloadTimeWatch.start(x.reloadTimeFile(), x.reloadRepeat(), parts.runner().timer(),
                    this::reloadInBackground);
        }
    }

    void closeWatch() {
        ReloadTimeWatch w = reloadTimeWatch;
        reloadTimeWatch = null;
        if (w != null) {
            w.close();
        }
    }

    private ControlResponse reloadNow() {
        CheckResult check = checkWithReloadFile();
        Optional<String> refused = refusal(check);
        if (refused.isPresent()) {
            return rejected(refused.get());
        }
        KeepalivedConfig next = check.config();
        KeepalivedConfig before = running.config();
        if (before.global().extras().disableLocalIgmp() != next.global().extras().disableLocalIgmp()) {
            LOG.info("Cannot change disable_local_igmp at a reload - please restart keepvip"); // main.c: reload_config()
        }
        List<VmacPlan.Link> vmacPlan = VmacPlan.links(next);
        List<InstancePlan> plans;
        try {
            plans = prepare(next, vmacPlan);
        } catch (IOException e) {
            LOG.error("Reload rejected, running configuration kept: {}", e.getMessage());
            parts.vmacs().retain(VmacPlan.links(before)); // the macvlans made for the rejected file go again
            return ControlResponse.error("new configuration rejected (" + e.getMessage() + "); running kept");
        }
        // Here, not on the loop: opening a capture handle takes a few ms, adverts must not wait.
        parts.refusals().configure(Plans.vipInterfaces(plans), Plans.allVips(plans),
                next.global().releasedVipRst());
        CompletableFuture<String> applied = new CompletableFuture<>();
        loop.post(new LoopEvent.OnLoop(() -> applied.complete(apply(next, plans))));
        try {
            String summary = applied.get(5, TimeUnit.SECONDS);
            parts.vmacPorts().retire(plans, vmacPlan);
            parts.trackers().retrack(before, next);
            parts.statics().change(next.statics());
            LOG.info("Reloaded configuration: {}", summary);
            return ControlResponse.ok("reloaded: " + summary);
        } catch (Exception e) {
            return ControlResponse.error("reload did not complete: " + e);
        }
    }

    /** The files checked as at start, with reload_file there while they are read. */
    private CheckResult checkWithReloadFile() {
        Path reloadFile = reloadFile(running.config().global().extras().reloadFile());
        try {
            return ConfigChecker.forHost().check(options.configFile(), options.configId(), true);
        } finally {
            if (reloadFile != null) {
                try {
                    Files.deleteIfExists(reloadFile);
                } catch (IOException e) {
                    LOG.warn("Failed to remove reload file ({}) - {}", reloadFile, e.getMessage());
                }
            }
        }
    }

    /** Why the checked configuration cannot replace the running one, if it cannot. */
    private Optional<String> refusal(CheckResult check) {
        if (check.blocksStart()) {
            return Optional.of(check.diagnostics().stream().filter(d -> d.isError()).findFirst()
                    .map(d -> d.format()).orElse("configuration unusable"));
        }
        for (var r : check.config().redis()) {
            RedisWiring wiring = parts.redis().get(r.name());
            if (wiring != null && !Objects.equals(wiring.config().sentinel(), r.sentinel())) {
                // Sentinel mode decides who may promote Redis: never switched half-way by a reload.
                return Optional.of("redis_instance " + r.name() + ": changed sentinel settings need a restart");
            }
            if (wiring != null && !wiring.config().minReplicas().equals(r.minReplicas())) {
                // The guard and its tracker are made with the wiring: changed half-way, Redis would keep stale values.
                return Optional.of("redis_instance " + r.name() + ": changed min_replicas_* settings need a restart");
            }
        }
        KeepalivedConfig before = running.config();
        KeepalivedConfig next = check.config();
        // keepalived/core/main.c: reload_config(): these name the running process and cannot change.
        for (String[] c : new String[][] {
                {"instance name", before.host().instanceName(), next.host().instanceName()},
                {"network namespace", before.host().netNamespace(), next.host().netNamespace()}}) {
            if (!Objects.equals(c[1], c[2])) {
                return Optional.of("Cannot change " + c[0] + " at a reload - please restart keepvip");
            }
        }
        return Optional.empty();
    }

    private static ControlResponse rejected(String why) {
        LOG.error("Reload rejected, running configuration kept: {}", why);
        return ControlResponse.error("new configuration rejected (" + why + "); running configuration kept");
    }

    /**
     * Off the loop, what the new instances need before they run: new macvlans and their sending
     * ports (the ones no longer used go after), the instances mapped, new Redis wirings started.
     */
    private List<InstancePlan> prepare(KeepalivedConfig next, List<VmacPlan.Link> vmacPlan) throws IOException {
        List<InstancePlan> plans = ConfigMapper.plans(next, facts, parts.vmacs().ensure(vmacPlan));
        plans.forEach(p -> parts.vmacPorts().open(Map.of(), p));
        for (var r : next.redis()) {
            RedisWiring wiring = parts.redis().get(r.name());
            if (wiring == null) {
                RedisWiring w = new RedisWiring(r);
                parts.track().accept(w);
                parts.redis().put(r.name(), w);
                w.startChecks(parts.runner().timer(), loop::post);
            } else {
                wiring.reconfigureLag(r); // H3 limits follow a reload
            }
        }
        return plans;
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

    /** Applies a validated configuration on the loop thread: the diff of instances. */
    private String apply(KeepalivedConfig next, List<InstancePlan> plans) {
        ScriptNotifier notifier = running.adopt(next);
        Map<String, InstanceRuntime> byKey = new LinkedHashMap<>();
        loop.instances().values().forEach(r -> byKey.put(Plans.key(r.wire()), r));
        int kept = 0;
        int added = 0;
        int replaced = 0;
        List<InstanceRuntime> keptRuntimes = new ArrayList<>();
        for (InstancePlan p : plans) {
            InstanceRuntime r = byKey.remove(Plans.key(p.wire()));
            if (r != null && r.name().equals(p.machine().name())) {
                keep(r, p);
                keptRuntimes.add(r);
                kept++;
            } else {
                if (r != null) {
                    loop.stopRemoved(r);
                    replaced++;
                } else {
                    added++;
                }
                loop.startAdded(running.runtime(p, new VrrpInstance(p.machine())));
            }
        }
        for (InstanceRuntime gone : byKey.values()) {
            loop.stopRemoved(gone);
        }
        Map<String, VrrpInstance> machines = new LinkedHashMap<>();
        loop.instances().forEach((name, r) -> machines.put(name, r.machine()));
        loop.replaceGroups(Plans.syncGroups(next, machines)); // as keepalived rebuilds them at reload
        if (next.global().extras().fifoWriteStatesOnReload()) {
            // keepalived/vrrp/vrrp_scheduler.c: vrrp_init_state() writes the state of each instance
            // the reload did not move; a new instance announces itself through its transition anyway.
            keptRuntimes.forEach(r -> notifier.fifoState(r.name(), r.machine().state(),
                    r.machine().effectivePriority()));
        }
        return kept + " kept, " + added + " added, " + replaced + " replaced, " + byKey.size() + " removed";
    }

    /** A matched instance takes its new settings without leaving its state. */
    private void keep(InstanceRuntime r, InstancePlan p) {
        if (!r.machine().config().equals(p.machine())) {
            loop.reloadInstance(r, p.machine());
        }
        loop.reconfigure(r, p.wire(), p.expectations(), p.vips(), p.machine().garpMasterRepeat());
        r.reconfigureRouting(p.routing());
        running.useFirewall(r);
    }
}
