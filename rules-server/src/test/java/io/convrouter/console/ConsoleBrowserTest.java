package io.convrouter.console;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;
import io.convrouter.support.TestKeys;
import tools.jackson.databind.JsonNode;

/**
 * The web console in a real browser: Debian's headless Chromium driven by Selenium against the
 * whole server. Sign-in, an upload whose error shows at its cell, an activation, a queue that
 * changes on screen without a reload, and a conversation's trace. Each page is photographed into
 * target/console-screenshots (docs/console holds a copy).
 *
 * <p>Skipped, with the reason, when Chromium or its driver is not installed
 * ({@code apt-get install chromium chromium-driver}; CI installs them in .ci/run). Their paths can
 * be changed with {@code -Dconsole.chromium=} and {@code -Dconsole.chromedriver=}.
 */
class ConsoleBrowserTest extends ApiTestSupport {
    private static final Path CHROMIUM = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static WebDriver browser;
    private WebDriverWait wait;

    private static final String MISSING = "console browser tests skipped: they need Chromium at " + CHROMIUM
            + " and its driver at " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)";

    @BeforeAll
    static void startTheBrowser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            System.err.println(MISSING); // once in the build log; each test is reported skipped with it too
            return;
        }
        // The driver's path is given, so Selenium Manager has nothing to look up or download.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1500", "--lang=en-US", "--no-first-run", "--disable-extensions");
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopTheBrowser() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    /** A fresh tab state for each test: signed out, in English. */
    @BeforeEach
    void openTheConsoleSignedOut() {
        org.junit.jupiter.api.Assumptions.assumeTrue(browser != null, MISSING);
        // the console redraws parts of the page as answers arrive: an element may be replaced while read
        wait = (WebDriverWait) new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        browser.get(base() + "/console/#/signin");
        js("sessionStorage.clear(); localStorage.clear();");
        useLanguage("en");
        waitFor(By.id("api-key"));
    }

    // ------------------------------------------------------------------ sign-in

    @Test
    void signsInWithAKeyTheServerAcceptsAndRefusesOneItDoesNot() {
        type(By.id("api-key"), "not-a-key-of-this-server-000000");
        browser.findElement(By.id("api-key")).sendKeys(Keys.ENTER);
        WebElement error = until("the refusal", ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#signin-error.alert")));
        assertThat(error.getText()).contains("refused");
        assertThat(js("return sessionStorage.getItem('convrouter.console.key')")).isNull();

        // Chinese, from the language list: the page is redrawn in it at once
        new Select(browser.findElement(By.id("lang"))).selectByValue("zh");
        waitForText(By.cssSelector("main h1"), "登录");
        screenshot("01-sign-in");
        new Select(browser.findElement(By.id("lang"))).selectByValue("en");
        waitForText(By.cssSelector("main h1"), "Sign in");

        signIn(TestKeys.ADMIN);
        assertThat(browser.findElement(By.id("who")).getText()).contains("test-admin").contains("admin");
        assertThat(js("return sessionStorage.getItem('convrouter.console.key')")).isEqualTo(TestKeys.ADMIN);
        assertThat(browser.findElement(By.id("nav-rulesets")).isDisplayed()).isTrue();

        browser.findElement(By.id("sign-out")).click();
        waitFor(By.id("api-key"));
        assertThat(js("return sessionStorage.getItem('convrouter.console.key')")).isNull();
        // a page asked for while signed out leads to the sign-in
        browser.get(base() + "/console/#/rulesets");
        waitFor(By.id("api-key"));
    }

    @Test
    void aSupervisorSeesOnlyThePagesTheirRoleMayUse() {
        signIn(TestKeys.SUPERVISOR);
        assertThat(browser.findElement(By.id("who")).getText()).contains("test-supervisor");
        assertThat(browser.findElement(By.id("nav-queues")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("nav-agents")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("nav-rulesets")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("nav-decisions")).isDisplayed()).isFalse();
    }

    // ------------------------------------------------------------------ live queues

    @Test
    void aNewConversationShowsInItsQueueWithoutAReload() {
        String language = newLanguage();
        // in Chinese: nothing below depends on the words
        useLanguage("zh");
        signIn(TestKeys.ADMIN);
        browser.get(base() + "/console/#/queues");
        waitFor(By.id("queues-grid"));
        // Nobody speaks this language, so the conversation waits; its queue is the refund queue.
        Map<String, Object> request = refundRequest(language);
        String queue = queueOf(request);
        By waiting = By.id("waiting-" + queue);
        int before = Integer.parseInt(waitFor(waiting).getText());
        js("window.__consoleNotReloaded = true;");

        JsonNode created = create(request);
        assertThat(created.get("status").asString()).isEqualTo("queued");
        assertThat(created.get("queue").asString()).isEqualTo(queue);

        waitForText(waiting, String.valueOf(before + 1));
        assertThat(js("return window.__consoleNotReloaded === true")).isEqualTo(Boolean.TRUE);
        assertThat(browser.findElements(By.cssSelector("#queues-chart svg path[data-series]"))).isNotEmpty();
        screenshot("02-live-queues");

        abandon(created.get("id").asString());
        waitForText(waiting, String.valueOf(before));
    }

    // ------------------------------------------------------------------ agents

    @Test
    void agentsShowPresenceLoadAgainstCapacityAndSkills() {
        String language = newLanguage();
        String id = onlineAgent(language, 3);
        create(refundRequest(language));
        signIn(TestKeys.ADMIN);
        browser.get(base() + "/console/#/agents");
        WebElement row = waitFor(By.cssSelector("#agents-grid tr[data-agent='" + id + "']"));
        until("the agent's load 1 / 3", d -> d.findElement(By.cssSelector("#agents-grid tr[data-agent='" + id + "']")).getText().contains("1 / 3"));
        row = browser.findElement(By.cssSelector("#agents-grid tr[data-agent='" + id + "']"));
        assertThat(row.getText()).contains("online").contains("web").contains("1 / 3").contains("refund 4").contains(language);
        screenshot("03-agents");
    }

    // ------------------------------------------------------------------ rulesets

    @Test
    void anUploadWithAnErrorShowsItAtItsCell() throws IOException {
        signIn(TestKeys.ADMIN);
        browser.get(base() + "/console/#/rulesets");
        waitFor(By.id("versions-grid"));
        Path dir = policyFiles("broken", 10, "hihg");
        uploadThroughTheForm(dir, "priority typo");

        WebElement detail = waitFor(By.cssSelector("#version-detail[data-status='failed']"));
        WebElement problem = detail.findElement(By.cssSelector("tr.problem[data-file='marketplace.drl.csv'][data-cell='F10']"));
        assertThat(problem.getText()).contains("F10").contains("'hihg' is not a priority");
        // the file as uploaded, around the problem, with the cell outlined
        WebElement cell = waitFor(By.cssSelector(".sheet-view[data-file='marketplace.drl.csv'] td.hl[data-ref='F10']"));
        assertThat(cell.getText()).isEqualTo("hihg");
        String version = detail.getAttribute("data-version");
        WebElement row = waitFor(By.cssSelector("#versions-grid tr[data-version='" + version + "']"));
        assertThat(row.getText()).contains("failed");
        assertThat(row.findElement(By.cssSelector("button.activate")).isEnabled()).isFalse();
        scrollTo(detail);
        screenshot("04-ruleset-error-at-cell");
    }

    @Test
    void aValidUploadIsActivatedFromTheListAndDiffedAgainstTheActiveOne() throws IOException {
        String activeBefore = api.get("/api/v1/rulesets").text("activeVersion");
        signIn(TestKeys.ADMIN);
        browser.get(base() + "/console/#/rulesets");
        waitFor(By.id("versions-grid"));
        uploadThroughTheForm(policyFiles("valid", 0, null), "same routing, new marker");
        WebElement detail = waitFor(By.cssSelector("#version-detail[data-status='candidate']"));
        String version = detail.getAttribute("data-version");
        assertThat(detail.findElement(By.id("detail-valid")).getText()).startsWith("Valid");
        assertThat(detail.findElement(By.id("scenario-grid")).getText()).contains("passed");
        try {
            // compare with the active version: same rules
            waitFor(By.cssSelector("#diff-from option[value='" + activeBefore + "']"));
            new Select(browser.findElement(By.id("diff-from"))).selectByValue(activeBefore);
            new Select(browser.findElement(By.id("diff-to"))).selectByValue(version);
            browser.findElement(By.id("diff-submit")).click();
            waitForText(By.cssSelector("#diff-added h3"), "Added (0)");
            assertThat(browser.findElement(By.cssSelector("#diff-result p")).getText()).contains("rules unchanged");

            WebElement activate = waitFor(By.cssSelector("#versions-grid tr[data-version='" + version + "'] button.activate"));
            assertThat(activate.isEnabled()).isTrue();
            activate.click();
            waitForText(By.id("active-version"), version);
            assertThat(api.get("/api/v1/rulesets").text("activeVersion")).isEqualTo(version);
            assertThat(browser.findElement(By.cssSelector("#versions-grid tr[data-version='" + version + "']")).getText())
                    .contains("active");
            screenshot("05-rulesets");
        } finally {
            // other test classes share this server: put the version they expect back
            ApiClient.Response back = api.post("/api/v1/rulesets/" + activeBefore + "/activate", obj("by", "console-test"));
            assertThat(back.status()).as("%s", back).isEqualTo(200);
        }
    }

    @Test
    void aReplayAnAbShareAndARollbackFromTheConsole() throws IOException {
        String activeBefore = api.get("/api/v1/rulesets").text("activeVersion");
        create(refundRequest(newLanguage())); // at least one decision to replay
        signIn(TestKeys.ADMIN);
        browser.get(base() + "/console/#/rulesets");
        waitFor(By.id("versions-grid"));
        uploadThroughTheForm(policyFiles("replay", 0, null), "to replay");
        String version = waitFor(By.cssSelector("#version-detail[data-status='candidate']")).getAttribute("data-version");
        try {
            // with the keyboard, as someone without a mouse would
            waitFor(By.cssSelector("#versions-grid tr[data-version='" + version + "'] button.activate")).sendKeys(Keys.ENTER);
            waitForText(By.id("active-version"), version);

            // replay all recorded traffic with the new version and read its report
            waitFor(By.cssSelector("#replay-version option[value='" + version + "']"));
            new Select(browser.findElement(By.id("replay-version"))).selectByValue(version);
            browser.findElement(By.id("replay-submit")).click();
            WebElement report = waitFor(By.id("replay-report"));
            assertThat(report.getText()).containsPattern("Version " + version.substring(0, 8) + ": \\d+ of [1-9]\\d* conversations");
            assertThat(browser.findElement(By.id("replay-progress")).getAttribute("value")).isEqualTo("1");

            // 25% of customers on the version active before, then stop
            waitFor(By.cssSelector("#experiment-version option[value='" + activeBefore + "']"));
            new Select(browser.findElement(By.id("experiment-version"))).selectByValue(activeBefore);
            type(By.id("experiment-share"), "25");
            browser.findElement(By.id("experiment-submit")).click();
            until("the running experiment", d -> d.findElement(By.id("experiment-state")).getText().contains("25%"));
            assertThat(api.get("/api/v1/rulesets").node("experiment.share").asDouble()).isEqualTo(0.25);
            browser.findElement(By.id("experiment-stop")).click();
            waitForText(By.id("experiment-state"), "none");
            assertThat(waitFor(By.id("experiment-grid")).getText()).contains("Conversations");

            // roll back, confirming the question
            browser.findElement(By.id("rollback")).sendKeys(Keys.ENTER);
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            waitForText(By.id("active-version"), activeBefore);
            assertThat(api.get("/api/v1/rulesets").text("activeVersion")).isEqualTo(activeBefore);
        } finally {
            JsonNode state = api.get("/api/v1/rulesets").json();
            if (!state.get("experiment").isNull()) {
                api.post("/api/v1/rulesets/experiments/" + state.get("experiment").get("id").asString() + "/stop", obj("by", "console-test"));
            }
            if (!activeBefore.equals(state.get("activeVersion").asString())) {
                api.post("/api/v1/rulesets/" + activeBefore + "/activate", obj("by", "console-test"));
            }
        }
    }

    // ------------------------------------------------------------------ decision log and trace

    @Test
    void theTraceShowsInputsRulesWithTheirRowsCandidatesWithReasonsAndTheWinner() {
        String language = newLanguage();
        String winner = onlineAgent(language, 3);
        String loser = newAgentId();
        putAgent(loser, obj("name", "No refunds", "skills", obj("general", 3), "languages", List.of(language),
                "capacity", obj("web", 3)));
        setPresence(loser, "online");
        JsonNode routed = create(refundRequest(language));
        assertThat(routed.get("agentId").asString()).isEqualTo(winner);
        String conversation = routed.get("id").asString();

        signIn(TestKeys.ADMIN);
        browser.get(base() + "/console/#/decisions");
        type(By.id("q-conversation"), conversation);
        browser.findElement(By.id("decisions-search")).click();
        until("one decision found", d -> d.findElements(By.cssSelector("#decisions-grid tr[data-decision]")).size() == 1);
        waitFor(By.cssSelector("#rule-hits svg g[data-label]"));
        screenshot("06-decision-log");

        browser.findElement(By.cssSelector("#decisions-grid a.trace-link")).click();
        WebElement decision = waitFor(By.cssSelector("#trace section.decision[data-kind='routed']"));
        assertThat(browser.getCurrentUrl()).endsWith("#/trace/" + conversation);
        assertThat(decision.getText()).contains(REFUND_TEXT);
        WebElement refundRule = decision.findElement(By.cssSelector("tr.fired[data-rule='Refund']"));
        assertThat(refundRule.getAttribute("data-sheet")).isEqualTo("Intents");
        assertThat(refundRule.getText()).contains("routing.drl.xlsx").contains("Intents").containsPattern("row \\d+");
        WebElement won = decision.findElement(By.cssSelector("tr.candidate.winner"));
        assertThat(won.getAttribute("data-agent")).isEqualTo(winner);
        assertThat(decision.findElement(By.cssSelector("dd.winner")).getText()).isEqualTo(winner);
        WebElement lost = decision.findElement(By.cssSelector("tr.candidate[data-agent='" + loser + "']"));
        assertThat(lost.getText()).contains("lacks skill refund");
        scrollTo(decision);
        screenshot("07-trace");
    }

    // ------------------------------------------------------------------ helpers

    private String base() {
        return "http://127.0.0.1:" + port();
    }

    /** The console's language choice, as the language list stores it, read by a fresh page load. */
    private void useLanguage(String language) {
        js("localStorage.setItem('convrouter.console.lang', '" + language + "');");
        browser.navigate().refresh();
    }

    private void signIn(String key) {
        if (browser.findElements(By.id("api-key")).isEmpty()) {
            browser.get(base() + "/console/#/signin");
        }
        type(By.id("api-key"), key);
        browser.findElement(By.id("signin-submit")).click();
        until("the signed-in header", ExpectedConditions.visibilityOfElementLocated(By.id("sign-out")));
        until("a page other than the sign-in", d -> !d.getCurrentUrl().contains("#/signin"));
    }

    /** The queue a request goes to, by asking nobody: routed the same way by a conversation of its own. */
    private String queueOf(Map<String, Object> request) {
        Map<String, Object> probe = new java.util.LinkedHashMap<>(request);
        probe.put("externalId", unique("probe"));
        JsonNode r = create(probe);
        abandon(r.get("id").asString());
        return r.get("queue").asString();
    }

    /**
     * The default policy files in a fresh folder, guards.drl marked so the upload is a new version;
     * when {@code row} > 0, marketplace.drl.csv has {@code value} as its priority (column F) on that row.
     */
    private static Path policyFiles(String name, int row, String value) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "console-uploads", unique(name)));
        Path rules = Path.of("../rules");
        Files.copy(rules.resolve("routing.drl.xlsx"), dir.resolve("routing.drl.xlsx"));
        Files.copy(rules.resolve("routing.scenarios.csv"), dir.resolve("routing.scenarios.csv"));
        Files.writeString(dir.resolve("guards.drl"), Files.readString(rules.resolve("guards.drl"), StandardCharsets.UTF_8)
                + "\n// " + dir.getFileName() + "\n", StandardCharsets.UTF_8);
        List<String> csv = new ArrayList<>(Files.readAllLines(rules.resolve("marketplace.drl.csv"), StandardCharsets.UTF_8));
        if (row > 0) {
            String line = csv.get(row - 1);
            csv.set(row - 1, line.substring(0, line.lastIndexOf(',') + 1) + value);
        }
        Files.write(dir.resolve("marketplace.drl.csv"), csv, StandardCharsets.UTF_8);
        return dir;
    }

    private void uploadThroughTheForm(Path dir, String note) throws IOException {
        List<String> paths = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.sorted().forEach(p -> paths.add(p.toAbsolutePath().toString()));
        }
        browser.findElement(By.id("upload-files")).sendKeys(String.join("\n", paths));
        type(By.id("upload-note"), note);
        browser.findElement(By.id("upload-submit")).click();
    }

    private WebElement waitFor(By by) {
        return until(by.toString(), ExpectedConditions.presenceOfElementLocated(by));
    }

    private void waitForText(By by, String text) {
        until(by + " showing '" + text + "'", d -> {
            List<WebElement> found = d.findElements(by);
            return !found.isEmpty() && found.get(0).getText().trim().equals(text);
        });
    }

    /** Waits; when the page never gets there, says what it showed instead and keeps a screenshot of it. */
    private <T> T until(String what, java.util.function.Function<WebDriver, T> condition) {
        try {
            return wait.until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("failed-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
            throw new AssertionError("the console did not show " + what + " within " + WAIT.toSeconds() + " s; at "
                    + browser.getCurrentUrl() + " the page read:\n" + js("return document.body.innerText"), e);
        }
    }

    private void type(By by, String text) {
        WebElement field = waitFor(by);
        field.clear();
        field.sendKeys(text);
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void scrollTo(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'start'})", element);
    }

    private void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
