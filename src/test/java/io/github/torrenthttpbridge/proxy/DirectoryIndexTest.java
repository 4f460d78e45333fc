package io.github.torrenthttpbridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** Directory indexes as Debian 12's nginx 1.22 and Apache 2.4 write them (captured from the real servers). */
class DirectoryIndexTest {
    static final Set<String> EXPECTED = Set.of("/d/sub/", "/d/a b&c.bin", "/d/é.txt");

    @Test
    void nginxHtml() {
        String body = """
                <html>
                <head><title>Index of /d/</title></head>
                <body>
                <h1>Index of /d/</h1><hr><pre><a href="../">../</a>
                <a href="sub/">sub/</a>                                               02-Dec-2026 05:42                   -
                <a href="a%20b%26c.bin">a b&amp;c.bin</a>                                          02-Dec-2026 05:42                   2
                <a href="%C3%A9.txt">é.txt</a>                                             02-Dec-2026 05:42                   2
                </pre><hr></body>
                </html>
                """;
        assertThat(DirectoryIndex.entries("/d/", "text/html", body)).isEqualTo(EXPECTED);
    }

    @Test
    void nginxJson() {
        String body = """
                [
                { "name":"sub", "type":"directory", "mtime":"Wed, 02 Dec 2026 05:42:11 GMT" },
                { "name":"a b&c.bin", "type":"file", "mtime":"Wed, 02 Dec 2026 05:42:11 GMT", "size":2 },
                { "name":"\\u00e9.txt", "type":"file", "mtime":"Wed, 02 Dec 2026 05:42:11 GMT", "size":2 },
                { "name":"..", "type":"directory", "mtime":"Wed, 02 Dec 2026 05:42:11 GMT" },
                { "name":"sock", "type":"other", "mtime":"Wed, 02 Dec 2026 05:42:11 GMT" }
                ]""";
        assertThat(DirectoryIndex.entries("/d/", "application/json", body)).isEqualTo(EXPECTED);
    }

    @Test
    void apacheList() {
        String body = """
                <ul><li><a href="/"> Parent Directory</a></li>
                <li><a href="a%20b&amp;c.bin"> a b&amp;c.bin</a></li>
                <li><a href="sub/"> sub/</a></li>
                <li><a href="%c3%a9.txt"> é.txt</a></li>
                </ul>""";
        assertThat(DirectoryIndex.entries("/d/", "text/html;charset=ISO-8859-1", body)).isEqualTo(EXPECTED);
    }

    @Test
    void apacheFancyIndexSortLinksAndOtherLinksAreNoEntries() {
        String body = """
                <tr><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th></tr>
                <tr><td><a href="/">Parent Directory</a></td></tr>
                <tr><td><a href="sub/">sub/</a></td></tr>
                <tr><td><a href='a%20b&#38;c.bin'>a b&amp;c.bin</a></td></tr>
                <tr><td><a class="x" href=%C3%A9.txt>é.txt</a></td></tr>
                <a href="http://elsewhere/x.bin">x</a> <a href="sub/deeper.bin">d</a> <a href="./">.</a>
                <a href="#top">top</a> <a href="javascript:x()">j</a> <a href="%2e%2e/">up</a> <a href="&#99999999;">bad</a>
                """;
        assertThat(DirectoryIndex.entries("/d/", "text/html", body)).isEqualTo(EXPECTED);
    }

    @Test
    void somethingElseListsNothing() {
        assertThat(DirectoryIndex.entries("/d/", "text/plain", "<a href=\"x.bin\">")).isEmpty();
        assertThat(DirectoryIndex.entries("/d/", null, "[]")).isEmpty();
        assertThat(DirectoryIndex.entries("/d/", "application/json", "not json")).isEmpty();
    }
}
