package io.github.torrenthttpbridge.proxy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a web server's directory index: nginx's {@code autoindex_format json} (a JSON array of objects with
 * {@code name} and {@code type}), or an HTML index (nginx's {@code autoindex on}, Apache's {@code mod_autoindex}),
 * where every link to a name directly inside the directory is an entry and every other link (the parent, sort
 * orders, absolute or external links, queries) is not.
 */
final class DirectoryIndex {
    private static final Pattern JSON_OBJECT = Pattern.compile("\\{[^{}]*\\}");
    private static final Pattern JSON_NAME = Pattern.compile("\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern JSON_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([a-z]+)\"");
    private static final Pattern HREF = Pattern.compile("<a\\s[^>]*?href\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+))",
            Pattern.CASE_INSENSITIVE);

    private DirectoryIndex() {
    }

    /**
     * The entries of directory {@code dir} (a site path starting and ending with '/') as full site paths,
     * subdirectories ending with '/'; empty when {@code body} is neither kind of index.
     */
    static Set<String> entries(String dir, String contentType, String body) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return type.contains("json") ? json(dir, body) : type.contains("html") ? html(dir, body) : Set.of();
    }

    static Set<String> json(String dir, String body) {
        Set<String> out = new LinkedHashSet<>();
        Matcher o = JSON_OBJECT.matcher(body);
        while (o.find()) {
            Matcher n = JSON_NAME.matcher(o.group());
            Matcher t = JSON_TYPE.matcher(o.group());
            if (n.find() && t.find()) {
                String name = unescapeJson(n.group(1));
                if (plainName(name)) {
                    if (t.group(1).equals("file")) {
                        out.add(dir + name);
                    } else if (t.group(1).equals("directory")) {
                        out.add(dir + name + "/");
                    }
                }
            }
        }
        return out;
    }

    static Set<String> html(String dir, String body) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = HREF.matcher(body);
        while (m.find()) {
            String href = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            try {
                href = unescapeHtml(href);
            } catch (IllegalArgumentException e) {
                continue;   // a character reference that names no character
            }
            if (href.isEmpty() || href.startsWith("/") || href.contains("?") || href.contains("#") || href.contains(":")
                    || href.contains("\\")) {
                continue;   // absolute, a sort order, an anchor, another scheme or host
            }
            boolean directory = href.endsWith("/");
            String raw = directory ? href.substring(0, href.length() - 1) : href;
            if (raw.contains("/")) {
                continue;   // not directly inside dir
            }
            String name;
            try {
                name = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (plainName(name)) {
                out.add(dir + name + (directory ? "/" : ""));
            }
        }
        return out;
    }

    /** A name of one entry: not empty, not . or .., no separator or control character. */
    private static boolean plainName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\\")) {
            return false;
        }
        return name.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static String unescapeJson(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (i + 4 < s.length()) {
                        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                }
                default -> sb.append(e);   // \" \\ \/
            }
        }
        return sb.toString();
    }

    private static String unescapeHtml(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        Matcher m = Pattern.compile("&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);").matcher(s);
        int last = 0;
        while (m.find()) {
            sb.append(s, last, m.start());
            String e = m.group(1);
            sb.append(switch (e) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> new String(Character.toChars(e.startsWith("#x")
                        ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1))));
            });
            last = m.end();
        }
        return sb.append(s.substring(last)).toString();
    }
}
