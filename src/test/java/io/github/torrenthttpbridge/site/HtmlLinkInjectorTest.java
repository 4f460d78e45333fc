package io.github.torrenthttpbridge.site;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class HtmlLinkInjectorTest {
    static String run(String html, int chunk) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HtmlLinkInjector in = new HtmlLinkInjector(out, href -> href.endsWith(".iso") ? "[T:" + href + "]" : null);
        byte[] b = html.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += chunk) {
            in.write(b, i, Math.min(chunk, b.length - i));
        }
        in.endOfStream();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void insertsAfterMatchingLinksWhateverTheChunking() throws Exception {
        String page = "<p>é <A HREF='a.iso' class=x>A</A> <a href=b.txt>B</a> <a\nhref=\"c&amp;d.iso\">C <b>bold</b></a> 1 < 2 <a href=e.iso>E";
        String expected = "<p>é <A HREF='a.iso' class=x>A</A>[T:a.iso] <a href=b.txt>B</a> <a\nhref=\"c&amp;d.iso\">C <b>bold</b></a>[T:c&d.iso] 1 < 2 <a href=e.iso>E";
        for (int chunk : new int[] {1, 2, 3, 7, 1000}) {
            assertEquals(expected, run(page, chunk), "chunk " + chunk);
        }
    }

    @Test
    void overlongTagsPassThroughUntouched() throws Exception {
        String longTag = "<a href=\"x.iso\" data-x=\"" + "y".repeat(HtmlLinkInjector.MAX_TAG) + "\">X</a>";
        assertEquals(longTag, run(longTag, 100));
    }

    @Test
    void resolvesOnlySameSiteLinks() {
        assertEquals(Optional.of("/files/a b.iso"), SiteLinks.resolve("", "/index.html", "files/a%20b.iso"));
        assertEquals(Optional.of("/files/a.iso"), SiteLinks.resolve("/ctx", "/dl/index.html", "/ctx/files/a.iso"));
        assertEquals(Optional.of("/files/a.iso"), SiteLinks.resolve("", "/dl/page.html", "../files/a.iso"));
        assertEquals(Optional.empty(), SiteLinks.resolve("/ctx", "/index.html", "/other/a.iso"));
        assertEquals(Optional.empty(), SiteLinks.resolve("", "/index.html", "https://elsewhere.example/a.iso"));
        assertEquals(Optional.empty(), SiteLinks.resolve("", "/index.html", "//elsewhere.example/a.iso"));
        assertEquals(Optional.empty(), SiteLinks.resolve("", "/index.html", "a.iso?x=1"));
        assertEquals(Optional.empty(), SiteLinks.resolve("", "/index.html", "javascript:alert(1)"));
    }
}
