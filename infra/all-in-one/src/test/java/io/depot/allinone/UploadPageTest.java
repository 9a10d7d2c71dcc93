package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The browser upload page at {@code /}, driven in the system's headless Chromium as a person would use it: a dev
 * token, files chosen in the file input, progress to 100%, the file list; a reload in the middle of an upload and the
 * same file chosen again. Parts go through Depot ({@code PUT /v1/uploads/{id}/parts/{n}}) unless the page is told to
 * put them to their presigned URLs (the embedded S3Proxy answers CORS), so the bytes Depot streamed to storage
 * ({@code depot.uploads.streamed}) show what the page sent.
 */
class UploadPageTest extends EndToEndTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final long PART_SIZE = 5L * MIB;

    @TempDir
    Path dir;

    @Autowired
    MeterRegistry meters;

    ChromeDriver browser;
    WebDriverWait wait;
    String userId;

    @BeforeEach
    void browser() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("UploadPageTest needs Chromium and its ChromeDriver at " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install -y --no-install-recommends chromium chromium-driver (.ci/run does)");
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        // The browser's console, to show the page ran without errors or policy violations.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build(), options);
        // The file list is redrawn while the page refreshes it: an element found a moment ago may have been replaced.
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class);
        userId = "page-" + UUID.randomUUID();
    }

    @AfterEach
    void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void servesThePageWithItsOwnPolicyAndNoToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/", "/ui/app.js", "/ui/app.css")) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).as(path).get().asString()
                    .contains("default-src 'self'", "connect-src 'self' " + storage.presignedOrigin() + ";",
                            "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline");
        }
        Api.Response refused = api.get("/v1/uploads/none", null);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.headers().get("content-security-policy")).containsExactly("default-src 'none'; frame-ancestors 'none'");
    }

    @Test
    void uploadsSeveralFilesShowingEachOnesProgressThenListsThem() throws Exception {
        byte[] first = randomBytes(12 * MIB, 61);
        byte[] second = randomBytes(12 * MIB + 12_345, 62);
        Path a = Files.write(dir.resolve(uniqueName("page-a")), first);
        Path b = Files.write(dir.resolve(uniqueName("page-b")), second);

        signIn();
        choose(a, b);
        WebElement rowA = awaitUploaded(a);
        WebElement rowB = awaitUploaded(b);
        assertThat(rowA.getText()).contains("100%", "12.0 MiB of 12.0 MiB");
        assertThat(rowB.getAttribute("data-parts-sent")).isEqualTo("3");

        String fileA = rowA.getAttribute("data-file-id");
        String fileB = rowB.getAttribute("data-file-id");
        awaitListed(fileA);
        awaitListed(fileB);
        WebElement listedA = awaitListed(fileA);
        assertThat(listedA.getText()).contains(a.getFileName().toString(), "12.0 MiB");

        String token = api.token(userId);
        assertThat(sha256(download(token, fileB))).isEqualTo(sha256(second));
        assertThat(sha256(download(token, fileA))).isEqualTo(sha256(first));

        listedA.findElement(By.cssSelector("button.share")).click();
        WebElement shareUrl = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-file-id='" + fileA + "'] .share-url")));
        String url = shareUrl.getAttribute("value");
        assertThat(url).contains("/v1/shares/");
        Api.Response shared = api.get(URI.create(url).getPath(), null);
        assertThat(shared.status()).as(shared.body()).isEqualTo(200);
        assertThat(shared.json().get("filename").asText()).isEqualTo(a.getFileName().toString());

        screenshot("upload-page.png");
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
                .as("console errors, Content-Security-Policy violations among them")
                .noneMatch(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue());
    }

    @Test
    void putsThePartsStraightToStorageWhenThatIsChosen() throws Exception {
        byte[] data = randomBytes(11 * MIB, 64);
        Path file = Files.write(dir.resolve(uniqueName("page-presigned")), data);

        signIn();
        browser.findElement(By.cssSelector("input[name=mode][value=storage]")).click();
        double streamedBefore = streamedBytes();
        choose(file);
        WebElement row = awaitUploaded(file);

        assertThat(row.getAttribute("data-mode")).isEqualTo("storage");
        assertThat(row.getAttribute("data-parts-sent")).isEqualTo("3");
        assertThat(streamedBytes() - streamedBefore).as("bytes that went through Depot").isZero();
        String fileId = row.getAttribute("data-file-id");
        awaitListed(fileId);
        assertThat(sha256(download(api.token(userId), fileId))).isEqualTo(sha256(data));
    }

    @Test
    void anUploadInterruptedByAReloadResumesSendingOnlyTheMissingParts() throws Exception {
        byte[] data = randomBytes(30 * MIB, 63);
        Path file = Files.write(dir.resolve(uniqueName("page-resumed")), data);
        String token = api.token(userId);

        signIn();
        // Slow enough that the upload is certainly under way, parts stored and parts missing, when it is paused.
        browser.setNetworkConditions(new ChromiumNetworkConditions().setUploadThroughput(4 * MIB)
                .setDownloadThroughput(64 * MIB));
        choose(file);
        WebElement row = row(file);
        String uploadId = wait.until(d -> row.getAttribute("data-upload-id"));
        wait.until(d -> api.get("/v1/uploads/" + uploadId, token).json().get("parts_uploaded").size() >= 2);
        row.findElement(By.cssSelector("button.pause")).click();
        wait.until(d -> "paused".equals(row.getAttribute("data-state")));
        JsonNode paused = api.get("/v1/uploads/" + uploadId, token).json();
        assertThat(paused.get("status").asText()).isEqualTo("in_progress");
        assertThat(paused.get("missing_parts").size()).as("parts still missing when paused").isPositive();

        browser.deleteNetworkConditions();
        browser.navigate().refresh();
        WebElement unfinished = row(file);
        wait.until(d -> unfinished.getText().contains("choose this file again"));
        double streamedBefore = streamedBytes();

        choose(file);
        WebElement resumed = awaitUploaded(file);
        assertThat(resumed.getAttribute("data-upload-id")).isEqualTo(uploadId);
        int held = Integer.parseInt(resumed.getAttribute("data-parts-held"));
        int sent = Integer.parseInt(resumed.getAttribute("data-parts-sent"));
        long bytesSent = Long.parseLong(resumed.getAttribute("data-bytes-sent"));
        assertThat(held).as("parts stored before the reload").isGreaterThanOrEqualTo(2);
        assertThat(held + sent).as("parts held plus parts sent after the reload").isEqualTo(6);
        assertThat(bytesSent).isEqualTo(data.length - held * PART_SIZE);
        assertThat(streamedBytes() - streamedBefore).as("bytes Depot streamed after the reload").isEqualTo(bytesSent);

        String fileId = resumed.getAttribute("data-file-id");
        awaitListed(fileId);
        JsonNode versions = api.get("/v1/files/" + fileId + "/versions", token).json();
        assertThat(versions.get("items")).as("one upload, one version").hasSize(1);
        assertThat(sha256(download(token, fileId))).isEqualTo(sha256(data));
        assertThat(browser.executeScript("return localStorage.getItem('depot.uploads')").toString())
                .as("the finished upload is no longer kept for resuming").doesNotContain(uploadId);
        screenshot("upload-page-resumed.png");
    }

    @Test
    void aTusUploadPausedMidChunkResumesAtTheByteDepotHolds() throws Exception {
        byte[] data = randomBytes(20 * MIB, 65);
        Path file = Files.write(dir.resolve(uniqueName("page-tus")), data);
        String token = api.token(userId);

        signIn();
        browser.findElement(By.cssSelector("input[name=mode][value=tus]")).click();
        browser.setNetworkConditions(new ChromiumNetworkConditions().setUploadThroughput(4 * MIB)
                .setDownloadThroughput(64 * MIB));
        choose(file);
        WebElement row = row(file);
        String uploadId = wait.until(d -> row.getAttribute("data-upload-id"));
        // Paused in the middle of the first 8 MiB chunk: the PATCH in flight is cut.
        wait.until(d -> Long.parseLong(row.getAttribute("data-bytes")) >= 3L * MIB);
        row.findElement(By.cssSelector("button.pause")).click();
        wait.until(d -> "paused".equals(row.getAttribute("data-state")));
        browser.deleteNetworkConditions();
        long held = tusOffset(uploadId, token);
        assertThat(held).as("bytes of the cut chunk Depot kept").isGreaterThan(MIB).isLessThan(8L * MIB);

        browser.navigate().refresh();
        WebElement unfinished = row(file);
        wait.until(d -> unfinished.getText().contains("choose this file again"));
        double streamedBefore = streamedBytes();
        choose(file);
        WebElement resumed = awaitUploaded(file);
        assertThat(resumed.getAttribute("data-mode")).isEqualTo("tus");
        assertThat(resumed.getAttribute("data-upload-id")).isEqualTo(uploadId);
        assertThat(Long.parseLong(resumed.getAttribute("data-bytes-held"))).isEqualTo(held);
        long bytesSent = Long.parseLong(resumed.getAttribute("data-bytes-sent"));
        assertThat(bytesSent).as("only what Depot lacked, from the byte it held").isEqualTo(data.length - held);
        assertThat(streamedBytes() - streamedBefore).isEqualTo(bytesSent);

        String fileId = resumed.getAttribute("data-file-id");
        awaitListed(fileId);
        assertThat(sha256(download(token, fileId))).isEqualTo(sha256(data));
    }

    private long tusOffset(String uploadId, String token) throws Exception {
        var head = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(base() + "/v1/tus/" + uploadId))
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token).header("Tus-Resumable", "1.0.0").build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        return Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
    }

    // ---- the page, as a person uses it ------------------------------------------------------------------------------

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void signIn() {
        browser.get(base() + "/");
        WebElement user = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dev-user")));
        user.clear();
        user.sendKeys(userId);
        browser.findElement(By.id("dev-token")).click();
        wait.until(ExpectedConditions.textToBe(By.id("who"), "Signed in as " + userId));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("drop")));
    }

    private void choose(Path... files) {
        StringBuilder paths = new StringBuilder();
        for (Path file : files) {
            paths.append(paths.isEmpty() ? "" : "\n").append(file.toAbsolutePath());
        }
        browser.findElement(By.id("files")).sendKeys(paths);
    }

    private WebElement row(Path file) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#uploads li[data-name='" + file.getFileName() + "']")));
    }

    private WebElement awaitUploaded(Path file) {
        WebElement row = row(file);
        wait.until(d -> {
            String state = row.getAttribute("data-state");
            if ("failed".equals(state)) {
                throw new AssertionError(file.getFileName() + " failed: " + row.getText());
            }
            return "done".equals(state);
        });
        assertThat(row.getAttribute("data-percent")).isEqualTo("100");
        return row;
    }

    /** Waits until the page's file list shows the file available (the page refreshes it after each upload). */
    private WebElement awaitListed(String fileId) {
        By listed = By.cssSelector("#file-list tr[data-file-id='" + fileId + "']");
        wait.until(d -> !d.findElements(listed).isEmpty()
                && d.findElement(listed).findElement(By.cssSelector(".upload-status")).getText().equals("available"));
        return browser.findElement(listed);
    }

    private double streamedBytes() {
        Counter counter = meters.find("depot.uploads.streamed").counter();
        return counter == null ? 0 : counter.count();
    }

    private void screenshot(String name) throws IOException {
        Path target = Files.createDirectories(Path.of("target"));
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target.resolve(name),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
