package io.github.torrenthttpbridge.site;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams HTML through, adding a snippet after each {@code <a href>…</a>} whose target the given function
 * accepts. Works on bytes, so it suits any ASCII-compatible charset (UTF-8, ISO-8859-*, windows-125*), and
 * holds at most one tag in memory ({@link #MAX_TAG} bytes; a longer "tag" is passed through untouched).
 */
public final class HtmlLinkInjector extends OutputStream {
    static final int MAX_TAG = 8192;
    private static final Pattern HREF = Pattern.compile("\\shref\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+))",
            Pattern.CASE_INSENSITIVE);

    private final OutputStream out;
    private final Function<String, String> snippetFor;
    private final byte[] tag = new byte[MAX_TAG];
    private int tagLength = -1; // -1: not inside a tag
    private int quote;
    private String pending;

    /** @param snippetFor returns the HTML to insert after the link to a (raw, entity-decoded) href, or null */
    HtmlLinkInjector(OutputStream out, Function<String, String> snippetFor) {
        this.out = out;
        this.snippetFor = snippetFor;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int plainStart = off;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (tagLength < 0) {
                if (c == '<') {
                    out.write(b, plainStart, i - plainStart);
                    tagLength = 0;
                    quote = 0;
                    tag[tagLength++] = c;
                }
                continue;
            }
            if (tagLength == MAX_TAG) {
                out.write(tag, 0, tagLength);  // not a tag we understand: pass it through
                tagLength = -1;
                plainStart = i;
                i--;
                continue;
            }
            tag[tagLength++] = c;
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if ((c == '"' || c == '\'') && tagLength > 2) {
                quote = c;
            } else if (c == '>') {
                endTag();
                plainStart = i + 1;
            } else if (c == '<' && tagLength > 1) {
                // "<" inside text, not a tag: emit what we have and restart at this '<'
                out.write(tag, 0, tagLength - 1);
                tagLength = 0;
                tag[tagLength++] = c;
            }
        }
        if (tagLength < 0) {
            out.write(b, plainStart, end - plainStart);
        }
    }

    private void endTag() throws IOException {
        String t = new String(tag, 0, tagLength, StandardCharsets.ISO_8859_1);
        out.write(tag, 0, tagLength);
        tagLength = -1;
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("<a") && tagLength < 0 && (lower.length() > 2 && Character.isWhitespace(lower.charAt(2)))) {
            Matcher m = HREF.matcher(t);
            pending = null;
            if (m.find()) {
                String href = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                pending = snippetFor.apply(decodeEntities(href));
            }
        } else if (lower.matches("</a\\s*>") && pending != null) {
            out.write(pending.getBytes(StandardCharsets.UTF_8));
            pending = null;
        }
    }

    static String decodeEntities(String s) {
        return s.replace("&amp;", "&").replace("&#38;", "&").replace("&quot;", "\"").replace("&#39;", "'");
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Writes out a tag left unfinished at the end of the document. */
    public void endOfStream() throws IOException {
        if (tagLength > 0) {
            out.write(tag, 0, tagLength);
            tagLength = -1;
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        endOfStream();
        out.close();
    }
}
