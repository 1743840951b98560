package org.keepvip.agent.config;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.keepvip.vrrp.config.Authentication;
import org.keepvip.vrrp.config.Diagnostic;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.config.IpLiteral;

/** {@code check-config --json}: the model and the diagnostics for tools. */
public final class ConfigJson {
    /**
     * A {@code vrrp_instance} in the JSON: one flat object, in this order, as tools have read it
     * since before {@link InstanceSpec} kept its settings in groups; each is read through the
     * spec's accessor of that name.
     */
    private static final List<String> INSTANCE_FIELDS = List.of("name", "state", "interfaceName", "vrid",
            "priority", "version", "family", "advertInterval", "preempt", "preemptDelay", "mcastSrcIp", "mcastGroup",
            "unicastSrcIp", "unicastPeers", "unicastTtl", "unicastFaultNoPeer", "virtualIps", "excludedIps",
            "tracking", "authentication", "garp", "advert", "notifyScripts", "strict", "accept", "noVirtualIpaddress",
            "promoteSecondaries", "trackSrcIp", "dontTrackPrimary", "timerExpiredBackup", "notifyPriorityChanges",
            "syncGroup", "origin", "virtualRoutes", "virtualRules", "vmac");

    private ConfigJson() {}

    static Gson gson() {
        return new GsonBuilder()
                .setPrettyPrinting()
                .disableHtmlEscaping()
                .registerTypeHierarchyAdapter(InetAddress.class,
                        (JsonSerializer<InetAddress>) (a, t, ctx) -> new JsonPrimitive(IpLiteral.format(a)))
                .registerTypeAdapter(Duration.class, (JsonSerializer<Duration>) (d, t, ctx) ->
                        new JsonPrimitive(BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9))
                                .stripTrailingZeros()))
                // The password stays out of tool output: only whether one is set.
                .registerTypeAdapter(Authentication.class, (JsonSerializer<Authentication>) (a, t, ctx) -> {
                    JsonObject o = new JsonObject();
                    o.addProperty("type", "PASS");
                    o.addProperty("passwordSet", true);
                    return o;
                })
                .registerTypeAdapter(InstanceSpec.class, (JsonSerializer<InstanceSpec>) (spec, t, ctx) -> {
                    JsonObject o = new JsonObject();
                    for (String name : INSTANCE_FIELDS) {
                        Method m = accessor(name);
                        Object v = value(m, spec);
                        if (v != null) {
                            o.add(name, ctx.serialize(v, m.getGenericReturnType()));
                        }
                    }
                    return o;
                })
                .create();
    }

    private static Method accessor(String name) {
        try {
            return InstanceSpec.class.getMethod(name);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("InstanceSpec has no " + name + "()", e); // fails every --json test
        }
    }

    private static Object value(Method m, InstanceSpec spec) {
        try {
            return m.invoke(spec);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(m.getName(), e);
        }
    }

    public static String toJson(CheckResult r) {
        Gson g = gson();
        JsonObject root = new JsonObject();
        root.addProperty("file", r.file());
        root.addProperty("exitCode", r.exitCode());
        JsonArray ds = new JsonArray();
        for (Diagnostic d : r.diagnostics()) {
            JsonObject o = new JsonObject();
            o.addProperty("severity", d.severity().toString());
            o.addProperty("category", d.category().name());
            o.addProperty("file", d.origin().file());
            o.addProperty("line", d.origin().line());
            o.addProperty("message", d.message());
            ds.add(o);
        }
        root.add("diagnostics", ds);
        root.add("config", r.config() == null ? null : g.toJsonTree(r.config()));
        return g.toJson(root);
    }
}
