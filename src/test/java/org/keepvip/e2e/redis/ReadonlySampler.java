package org.keepvip.e2e.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.Node;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Samples, for each host, ROLE of its Redis, whether it holds the VIP, and ROLE again.
 * A sample where both ROLE answers say replica while the VIP was present is a violation: clients
 * reaching the VIP there would get READONLY. Runs in the client namespace on its own thread.
 */
final class ReadonlySampler implements AutoCloseable {
    private final Lab lab;
    private final List<Node> hosts;
    private final String vip;
    private final List<String> violations = new ArrayList<>();
    private final AtomicLong samples = new AtomicLong();
    private volatile boolean running = true;
    private final Future<?> task;

    ReadonlySampler(ExecutorService clientNamespace, Lab lab, List<Node> hosts, String vip) {
        this.lab = lab;
        this.hosts = List.copyOf(hosts);
        this.vip = vip;
        this.task = clientNamespace.submit(this::loop);
    }

    private void loop() {
        while (running) {
            for (Node n : hosts) {
                String before = role(n);
                boolean holds;
                try {
                    holds = lab.hasAddress(n, vip);
                } catch (RuntimeException e) {
                    continue; // the lab is closing
                }
                String after = role(n);
                samples.incrementAndGet();
                if (holds && "slave".equals(before) && "slave".equals(after)) {
                    synchronized (violations) {
                        violations.add(System.nanoTime() + ": " + n.name() + " holds " + vip + " while its Redis is a replica");
                    }
                }
            }
        }
    }

    private static String role(Node n) {
        try (Jedis j = new Jedis(new HostAndPort(n.ipv4(), RedisPair.PORT), DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(100).socketTimeoutMillis(100).build())) {
            return (String) j.role().get(0);
        } catch (RuntimeException e) {
            return "unreachable";
        }
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    long samples() {
        return samples.get();
    }

    @Override
    public void close() {
        running = false;
        try {
            task.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            task.cancel(true);
        }
    }
}
