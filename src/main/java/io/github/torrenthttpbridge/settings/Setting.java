package io.github.torrenthttpbridge.settings;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One row of the {@link Settings} table: a {@code torrent-bridge.*} setting's name, type, default, range, one line
 * of documentation and where it applies. Every reader (context parameters, Spring properties, CLI flags, the
 * README's table, the API builders) takes these from here, and every check of a value is {@link #check} or one of
 * the {@code parse} methods, which name the setting and the bad value in the same words everywhere.
 */
public final class Setting {
    /** The prefix of every setting's full name. */
    public static final String PREFIX = "torrent-bridge.";

    /** How a setting's text reads. */
    public enum Kind {
        BOOLEAN, INTEGER, TEXT, LIST, PATH, URL, ADDRESS, HOST_PORT, HOST_PORTS, CHOICE
    }

    /** Where a setting can be given, beyond the API builders. */
    public enum Use {
        /** A web.xml context parameter, a Spring property, and {@code --param} of {@code serve} and {@code proxy}. */
        SITE,
        /** A flag {@code --NAME} of the CLI's {@code seed}. */
        SEED
    }

    private final String key;
    private final Kind kind;
    private final String shownDefault;
    private final long min;
    private final long max;
    private final long unit;
    private final String doc;
    private final Set<Use> uses;

    Setting(String key, Kind kind, String shownDefault, long min, long max, long unit, String doc, Set<Use> uses) {
        if (!key.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("a setting's name is lower-case words joined by '-': " + key);
        }
        if (doc.isBlank() || doc.contains("\n")) {
            throw new IllegalArgumentException(key + ": one line of documentation");
        }
        this.key = key;
        this.kind = kind;
        this.shownDefault = shownDefault;
        this.min = min;
        this.max = max;
        this.unit = unit;
        this.doc = doc;
        this.uses = Set.copyOf(EnumSet.copyOf(uses));
        if (kind == Kind.INTEGER) {
            check(defaultLong());
        }
    }

    /** The full name, {@code torrent-bridge.KEY}. */
    public String name() {
        return PREFIX + key;
    }

    /** The name without the prefix; also the CLI flag's name. */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    /** The default as documented: a value, empty for none, or in parentheses when it is derived. */
    public String shownDefault() {
        return shownDefault;
    }

    /** Whether {@link #shownDefault()} is a value (not empty, not derived). */
    public boolean hasValueDefault() {
        return !shownDefault.isEmpty() && !shownDefault.startsWith("(");
    }

    /** Smallest value of an {@link Kind#INTEGER} setting, in its unit. */
    public long min() {
        return min;
    }

    /** Largest value of an {@link Kind#INTEGER} setting, in its unit. */
    public long max() {
        return max;
    }

    /** Bytes (or seconds...) of one unit of the setting as written: 1024 for {@code *-kib}, 1 for most. */
    public long unit() {
        return unit;
    }

    /** One line: what the setting means. */
    public String doc() {
        return doc;
    }

    public Set<Use> uses() {
        return uses;
    }

    public boolean appliesTo(Use use) {
        return uses.contains(use);
    }

    /** The default of an {@link Kind#INTEGER} setting, in its unit. */
    public long defaultLong() {
        if (kind != Kind.INTEGER) {
            throw new IllegalStateException(name() + " is not an integer");
        }
        return Long.parseLong(shownDefault);
    }

    /** The default of an {@link Kind#INTEGER} setting times its unit (bytes for a {@code *-mib} setting). */
    public long defaultScaled() {
        return defaultLong() * unit;
    }

    public boolean defaultBoolean() {
        if (kind != Kind.BOOLEAN) {
            throw new IllegalStateException(name() + " is not a boolean");
        }
        return Boolean.parseBoolean(shownDefault);
    }

    /** {@code v} (in the setting's unit) if it is in range, else the setting's error. */
    public long check(long v) {
        if (v < min || v > max) {
            throw bad(v, "an integer from " + min + " to " + max);
        }
        return v;
    }

    /** {@code v} (in bytes, or whatever one unit is made of) if it is within the range times the unit. */
    public long checkScaled(long v) {
        if (v < min * unit || v > max * unit) {
            throw bad(v, unit == 1 ? "an integer from " + min + " to " + max
                    : "from " + min * unit + " to " + max * unit + " (" + min + " to " + max + " of " + unit + ")");
        }
        return v;
    }

    /** The error for a bad value: {@code bad value 'V' for torrent-bridge.KEY: expected WHAT}. */
    public IllegalArgumentException bad(Object value, String expected) {
        return new IllegalArgumentException("bad value '" + value + "' for " + name() + ": expected " + expected);
    }

    /** An integer in range, in the setting's unit. */
    public long parseLong(String text) {
        try {
            return check(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            throw bad(text, "an integer from " + min + " to " + max);
        }
    }

    public boolean parseBoolean(String text) {
        String v = text.trim();
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw bad(text, "true or false");
    }

    /** Comma- or blank-separated words. */
    public List<String> parseList(String text) {
        return Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    }

    /** An IP address literal; never a DNS lookup. */
    public InetAddress parseAddress(String text) {
        String v = text.trim();
        if (!v.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.%\\w]*")) {
            throw bad(v, "an IP address");
        }
        try {
            return InetAddress.getByName(v);  // a literal: no lookup
        } catch (UnknownHostException e) {
            throw bad(v, "an IP address");
        }
    }

    /** HOST, HOST:PORT, [V6] or [V6]:PORT, unresolved; no port is 0. See {@link HostPort}. */
    public InetSocketAddress parseHostPort(String text) {
        try {
            return HostPort.parse(text.trim(), false);
        } catch (IllegalArgumentException e) {
            throw bad(text.trim(), "HOST or HOST:PORT" + e.getMessage());
        }
    }

    /** HOST:PORT nodes (port 1..65535), unresolved. */
    public List<InetSocketAddress> parseHostPorts(String text) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String node : parseList(text)) {
            try {
                out.add(HostPort.parse(node, true));
            } catch (IllegalArgumentException e) {
                throw bad(node, "HOST:PORT");
            }
        }
        return out;
    }

    /** The README's row: {@code | `name` | `default` | doc |}. */
    public String markdownRow() {
        return "| `" + name() + "` | " + (shownDefault.isEmpty() ? "(none)" : "`" + shownDefault + "`") + " | " + doc + " |";
    }

    /** The CLI flag's label: N, ADDR, HOST:PORT, DIR, URL, ... */
    public String paramLabel() {
        return switch (kind) {
            case INTEGER -> "N";
            case BOOLEAN -> "true|false";
            case ADDRESS -> "ADDR";
            case HOST_PORT -> "HOST[:PORT]";
            case HOST_PORTS -> "HOST:PORT,...";
            case PATH -> "DIR";
            case URL -> "URL";
            case LIST -> "A,B,...";
            default -> key.toUpperCase(Locale.ROOT).replace('-', '_');
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
