package org.keepvip.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.keepvip.vrrp.config.Diagnostic;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.Tracked;
import org.keepvip.vrrp.config.VirtualIp;
import org.keepvip.vrrp.config.VrrpInstance;

/**
 * keepalived -t's interface check ({@code --check-interfaces}): a named interface that does not
 * exist is fatal, unless {@code dynamic_interfaces} is set (then a warning).
 */
public final class InterfaceCheck {
    private InterfaceCheck() {}

    public static List<Diagnostic> check(KeepalivedConfig c, Set<String> existing) {
        Map<String, Origin> named = new LinkedHashMap<>();
        for (VrrpInstance i : c.instances()) {
            if (i.interfaceName() != null) {
                named.putIfAbsent(i.interfaceName(), i.origin());
            }
            for (Tracked t : i.tracking().interfaces()) {
                named.putIfAbsent(t.name(), t.origin());
            }
            for (List<VirtualIp> l : List.of(i.virtualIps(), i.excludedIps())) {
                for (VirtualIp v : l) {
                    if (v.device() != null) {
                        named.putIfAbsent(v.device(), v.origin());
                    }
                }
            }
        }
        c.syncGroups().forEach(g -> g.tracking().interfaces().forEach(t -> named.putIfAbsent(t.name(), t.origin())));
        List<Diagnostic> out = new ArrayList<>();
        boolean dynamic = c.global().dynamicInterfaces();
        named.forEach((name, origin) -> {
            if (!existing.contains(name)) {
                String msg = "Non-existent interface specified in configuration: '" + name + "'";
                out.add(dynamic ? Diagnostic.warning(origin, msg + " (dynamic_interfaces: waiting for it)")
                        : Diagnostic.fatal(origin, msg));
            }
        });
        return out;
    }
}
