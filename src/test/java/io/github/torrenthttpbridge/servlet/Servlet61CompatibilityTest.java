package io.github.torrenthttpbridge.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

/**
 * Servlet 6.1 (Tomcat 11, Jetty 12.1 ee11, Spring Boot 4) added the abstract
 * {@code HttpServletResponse.sendRedirect(String, int, boolean)}: a class compiled against 6.0 that implements the
 * interface itself fails there with {@code AbstractMethodError}. Every response of ours extends
 * {@code HttpServletResponseWrapper}, which the container's own API jar implements.
 */
class Servlet61CompatibilityTest {
    @Test
    void noClassOfOursImplementsHttpServletResponseItself() throws Exception {
        Path classes = Path.of(TorrentFilter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c;
                try {
                    c = Class.forName(name, false, getClass().getClassLoader());
                } catch (LinkageError | ClassNotFoundException e) {
                    continue;   // needs an optional dependency not on this class path; not a servlet class
                }
                checked++;
                for (Class<?> i : c.getInterfaces()) {
                    if (HttpServletResponse.class.isAssignableFrom(i)) {
                        offenders.add(name);
                    }
                }
            }
        }
        assertThat(checked).as("classes checked").isGreaterThan(100);
        assertThat(offenders).isEmpty();
    }
}
