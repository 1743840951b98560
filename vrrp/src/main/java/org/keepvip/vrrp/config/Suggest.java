package org.keepvip.vrrp.config;

import java.util.Collection;
import java.util.Locale;

/** "did you mean": the nearest known keyword by edit distance, or by case alone. */
final class Suggest {
    private Suggest() {}

    /** The best candidate, or null if none is close enough to be a plausible slip. */
    static String nearest(String word, Collection<String> known) {
        String lower = word.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDist = Integer.MAX_VALUE;
        for (String k : known) {
            if (k.toLowerCase(Locale.ROOT).equals(lower)) {
                return k; // a case slip beats any spelling distance
            }
            int d = distance(lower, k.toLowerCase(Locale.ROOT), bestDist);
            if (d < bestDist) {
                bestDist = d;
                best = k;
            }
        }
        int allowed = Math.max(1, Math.min(3, word.length() / 3));
        return bestDist <= allowed ? best : null;
    }

    /** Levenshtein distance with adjacent transpositions; stops early beyond {@code limit}. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) {
            return Integer.MAX_VALUE;
        }
        int[] prev2 = new int[b.length() + 1];
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, prev2[j - 2] + 1);
                }
                cur[j] = v;
            }
            int[] t = prev2;
            prev2 = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
