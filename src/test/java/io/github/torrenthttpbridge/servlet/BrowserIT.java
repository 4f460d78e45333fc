package io.github.torrenthttpbridge.servlet;

import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.torrenthttpbridge.cli.DemoServer;
import io.github.torrenthttpbridge.torrent.TorrentMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser (Debian's headless Chromium through chromedriver) opens the demo download page and finds a
 * torrent and a magnet link beside every file link; screenshots go to target/screenshots/.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BrowserIT {
    @TempDir
    Path dir;

    @Test
    void theDemoPageShowsTorrentAndMagnetLinksBesideEachFile() throws Exception {
        Map<String, String> overrides = Map.of("torrent-bridge.bind", "127.0.0.1", "torrent-bridge.port", "0",
                "torrent-bridge.dht", "false", "torrent-bridge.metadata-dir", dir.resolve("metadata").toString());
        Path shots = Files.createDirectories(Path.of("target", "screenshots"));
        try (DemoServer demo = DemoServer.start(Path.of("webapp"), dir.resolve("data"), "127.0.0.1", 0, overrides)) {
            ChromeOptions options = new ChromeOptions();
            io.github.torrenthttpbridge.testing.Tools.require("/usr/bin/chromium");
            io.github.torrenthttpbridge.testing.Tools.require("/usr/bin/chromedriver");
            options.setBinary("/usr/bin/chromium");
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--window-size=1100,800", "--user-data-dir=" + Files.createDirectories(dir.resolve("chrome")));
            org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
            logs.enable(org.openqa.selenium.logging.LogType.PERFORMANCE, java.util.logging.Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
            ChromeDriver browser = new ChromeDriver(service, options);
            try {
                browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
                browser.get(demo.url().toString());
                assertEquals("Downloads — torrent-http-bridge demo", browser.getTitle());
                List<WebElement> items = browser.findElements(By.cssSelector("#downloads li"));
                assertEquals(4, items.size(), "three files and a folder");
                for (WebElement li : items) {
                    WebElement file = li.findElement(By.cssSelector("a[href^='files/']"));
                    String name = file.getText();
                    WebElement torrent = li.findElement(By.cssSelector("a.torrent-link"));
                    WebElement magnet = li.findElement(By.cssSelector("a.magnet-link"));
                    assertTrue(torrent.isDisplayed() && magnet.isDisplayed(), name);
                    assertEquals(demo.url().resolve("/files/" + name + "?torrent").toString(), torrent.getAttribute("href"));
                    assertTrue(magnet.getAttribute("href").endsWith("/files/" + name + "?magnet")
                            || magnet.getAttribute("href").startsWith("magnet:?xt=urn:btih:"), magnet.getAttribute("href"));
                    HttpResponse<byte[]> t = SiteFixture.torrentWhenReady(URI.create(torrent.getAttribute("href")));
                    assertEquals(200, t.statusCode());
                    TorrentMetadata tm = TorrentMetadata.parse(t.body());
                    assertEquals(name.endsWith("/") ? name.substring(0, name.length() - 1) : name, tm.name());
                    assertEquals(name.endsWith("/"), tm.isMultiFile(), name);
                }
                Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("demo-page.png"),
                        StandardCopyOption.REPLACE_EXISTING);
                // once torrents are known, the page carries real magnet links, and clicking one hands the magnet URI
                // to the system (the browser's navigation goes to it)
                browser.navigate().refresh();
                for (WebElement magnet : browser.findElements(By.cssSelector("a.magnet-link"))) {
                    assertTrue(magnet.getAttribute("href").startsWith("magnet:?xt=urn:btih:"), magnet.getAttribute("href"));
                }
                browser.manage().logs().get(org.openqa.selenium.logging.LogType.PERFORMANCE);  // drop what came before
                WebElement first = browser.findElement(By.cssSelector("#downloads li a.magnet-link"));
                String expected = first.getAttribute("href");
                first.click();
                assertTrue(navigatedTo(browser, expected), "clicking the magnet link navigates to " + expected);
                // a browser that follows F?magnet (an old page, a bookmark) is sent on to the same magnet URI (303)
                String file = demo.url().resolve(browser.findElement(By.cssSelector("#downloads li a[href^='files/']")).getAttribute("href"))
                        .getPath();
                browser.get(demo.url().resolve(file + "?magnet").toString());
                assertTrue(navigatedTo(browser, expected), "F?magnet ends on " + expected);

                browser.get(demo.url().resolve("/torrent-bridge/").toString());
                assertEquals(4, browser.findElements(By.cssSelector("tr.torrent")).size());
                assertEquals(1, browser.findElements(By.cssSelector("tr.totals")).size());
                assertTrue(browser.findElement(By.cssSelector("tr.totals")).getText().contains("MiB"),
                        browser.findElement(By.cssSelector("tr.totals")).getText());
                // (the page reloads itself every 5 s, so follow the header's link rather than racing a click)
                String sortBy = browser.findElement(By.cssSelector("th.uploaded a")).getAttribute("href");
                assertTrue(sortBy.endsWith("?sort=uploaded"), sortBy);
                browser.get(sortBy);
                assertTrue(browser.getCurrentUrl().endsWith("?sort=uploaded"), browser.getCurrentUrl());
                assertEquals(4, browser.findElements(By.cssSelector("tr.torrent")).size());
                Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("status-page.png"),
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                browser.quit();
                service.stop();
            }
        }
        assertTrue(Files.size(shots.resolve("demo-page.png")) > 1000);
        assertTrue(Files.size(shots.resolve("status-page.png")) > 1000);
    }

    /** Whether the browser's DevTools log shows a navigation to {@code url} (an external scheme ends there). */
    private static boolean navigatedTo(ChromeDriver browser, String url) throws InterruptedException {
        String escaped = url.replace("&", "\\u0026");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            for (var entry : browser.manage().logs().get(org.openqa.selenium.logging.LogType.PERFORMANCE)) {
                String m = entry.getMessage();
                if (m.contains("magnet:")) {
                    seen.append(m, 0, Math.min(m.length(), 300)).append('\n');
                }
                if ((m.contains("Page.frameRequestedNavigation") || m.contains("Network.requestWillBeSent")
                        || m.contains("Page.frameStartedNavigating")) && (m.contains(url) || m.contains(escaped))) {
                    return true;
                }
            }
            Thread.sleep(200);
        }
        System.err.println("navigation events mentioning magnet: " + seen);
        return false;
    }
}
