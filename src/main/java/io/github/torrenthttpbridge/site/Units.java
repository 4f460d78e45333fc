package io.github.torrenthttpbridge.site;

import java.time.Duration;
import java.util.Locale;

/** Numbers for people: bytes in binary units, ages in the largest sensible unit. */
final class Units {
    private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {
    }

    /** {@code 0 B}, {@code 1023 B}, {@code 1.0 KiB}, {@code 64.0 MiB}, {@code 1.50 GiB}... */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        int unit = 0;
        double v = n;
        while (v >= 1024 && unit < BYTE_UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, BYTE_UNITS[unit]);
    }

    /** {@code 42 s}, {@code 5 min}, {@code 3 h 20 min}, {@code 2 d 4 h}. */
    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min";
        }
        if (s < 86_400) {
            return s / 3600 + " h " + (s % 3600) / 60 + " min";
        }
        return s / 86_400 + " d " + (s % 86_400) / 3600 + " h";
    }
}
