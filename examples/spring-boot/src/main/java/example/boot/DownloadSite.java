package example.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A download site: Spring Boot serves the files under {@code site/} (see application.properties); the
 * torrent-http-bridge dependency adds {@code F?torrent}, {@code F?magnet}, torrent links in pages and the status
 * page at {@code /torrent-bridge/}, and seeds every file over BitTorrent.
 */
@SpringBootApplication
public class DownloadSite {
    public static void main(String[] args) {
        SpringApplication.run(DownloadSite.class, args);
    }
}
