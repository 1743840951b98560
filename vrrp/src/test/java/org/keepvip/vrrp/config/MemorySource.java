package org.keepvip.vrrp.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** An in-memory {@link ConfigSource} for pure parser tests. */
final class MemorySource implements ConfigSource {
    final Map<String, String> files = new HashMap<>();
    final Map<String, String> env = new HashMap<>();
    String host = "node1.example.org";
    long nextRandom = 7;
    /** Interfaces by name: a VRF's table, or -1 for another kind. */
    final Map<String, Long> links = new HashMap<>();

    MemorySource file(String path, String text) {
        files.put(path, text);
        return this;
    }

    @Override
    public Content read(String path) {
        String t = files.get(path);
        return t == null ? new Missing() : new Text(t);
    }

    @Override
    public List<String> glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> re.append("[^/]*");
                case '?' -> re.append("[^/]");
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        Pattern p = Pattern.compile(re.toString());
        return files.keySet().stream().filter(f -> p.matcher(f).matches()).sorted().toList();
    }

    @Override
    public String hostName() {
        return host;
    }

    @Override
    public Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name));
    }

    @Override
    public java.util.OptionalLong vrfTable(String name) {
        Long t = links.get(name);
        return t == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(t);
    }

    @Override
    public long random(long min, long max) {
        return Math.max(min, Math.min(max, nextRandom));
    }
}
