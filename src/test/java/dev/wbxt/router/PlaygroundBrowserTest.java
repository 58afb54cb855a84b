package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The playground in a real headless Chromium (Debian's chromium and chromium-driver), against the real service and
 * simulator: chat with the echo bot, get the lab's card back, fill it in, submit it, and see the webhooks and the
 * Webex API calls. Skipped where Chromium is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaygroundBrowserTest {

    private RouterHarness router;
    private HeadlessChromium chromium;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    void start() throws Exception {
        chromium = HeadlessChromium.startOrSkip("PlaygroundBrowserTest");
        browser = chromium.driver;
        router = new RouterHarness().start();
        router.registerWebhooks();
        wait = new WebDriverWait(browser, Duration.ofSeconds(10));
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (router != null) {
            router.close();
        }
    }

    @Test
    void chatWithTheBotSubmitTheLabsCardAndSeeWhatWentOverTheWire() throws Exception {
        browser.get(router.webex.playgroundUrl());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("room-name"), "alice@example.com"));

        // hello: the echo reply, rendered from markdown (bold, fenced code block)
        WebElement text = browser.findElement(By.id("text"));
        text.sendKeys("hello", Keys.ENTER);
        WebElement echo = awaitBotMessage(1);
        assertEquals("hello", browser.findElement(By.cssSelector(".message.from-me .body")).getText());
        assertTrue(echo.findElement(By.cssSelector("pre code")).getText().contains("\"resource\" : \"messages\""), echo.getText());
        assertEquals(List.of("Room:", "Alice said:"),
                echo.findElements(By.tagName("strong")).stream().map(WebElement::getText).toList());
        assertTrue(echo.getText().endsWith("Alice said: hello"), echo.getText());

        // untrusted text is shown, never interpreted; the markdown around it is
        text.sendKeys("<img src=x onerror=alert(1)> *it* `code` **bold**", Keys.ENTER);
        WebElement markup = awaitBotMessage(2);
        assertEquals("it", markup.findElement(By.tagName("em")).getText());
        assertEquals(List.of("messages/created", "code"), // the echo's "Webhook `messages/created` received", then ours
                markup.findElements(By.cssSelector(":not(pre) > code")).stream().map(WebElement::getText).toList());
        assertTrue(markup.getText().contains("<img src=x onerror=alert(1)>"), markup.getText());
        assertTrue(browser.findElements(By.cssSelector("#messages img")).isEmpty(), "no HTML from a message");

        // the lab's card, pasted as a message, comes back as a card
        String card = RouterHarness.JSON.writeValueAsString(RouterHarness.JSON.readTree(
                new String(getClass().getResourceAsStream("/lab-adaptive-card.json").readAllBytes(), StandardCharsets.UTF_8)));
        text.sendKeys(card);
        browser.findElement(By.id("send")).click();
        WebElement cardMessage = awaitBotMessage(3);
        WebElement rendered = cardMessage.findElement(By.cssSelector(".ac-card"));
        assertEquals("My Adaptive Card", rendered.findElement(By.cssSelector(".ac-textblock")).getText());
        WebElement input = rendered.findElement(By.cssSelector("input.ac-input-text"));
        assertEquals("Enter text", input.getAttribute("placeholder"));
        WebElement toggle = rendered.findElement(By.cssSelector("input.ac-input-toggle"));
        assertTrue(toggle.isSelected(), "the toggle's value is \"true\"");
        assertEquals("Checkbox", rendered.findElement(By.cssSelector(".ac-toggle")).getText());

        // fill it in and submit: the real attachmentActions webhook, and the bot answers with the inputs
        input.sendKeys("typed in the browser");
        toggle.click();
        rendered.findElement(By.cssSelector("button.ac-submit")).click();
        WebElement answer = awaitBotMessage(4);
        String inputs = answer.findElement(By.cssSelector("pre code")).getText();
        assertTrue(inputs.contains("\"input_text\" : \"typed in the browser\""), inputs);
        assertTrue(inputs.contains("\"input_toggle\" : \"false\""), inputs);
        assertEquals("Alice submitted the card:", answer.findElement(By.tagName("strong")).getText());

        // the wire: webhook payloads delivered and the bot's Webex API calls
        wait.until(d -> summaries("deliveries").stream().anyMatch(s -> s.contains("attachmentActions/created → 200")));
        assertTrue(summaries("deliveries").stream().filter(s -> s.contains("messages/created → 200")).count() >= 3,
                summaries("deliveries").toString());
        WebElement delivery = browser.findElements(By.cssSelector("#deliveries details")).stream()
                .filter(e -> e.getText().contains("attachmentActions/created")).findFirst().orElseThrow();
        delivery.findElement(By.tagName("summary")).click(); // opens the payload as delivered
        assertTrue(delivery.findElement(By.tagName("pre")).getText().contains("\"resource\": \"attachmentActions\""),
                delivery.getText());
        wait.until(d -> summaries("calls").stream().anyMatch(s -> s.startsWith("GET /v1/attachment/actions/")));
        List<String> calls = summaries("calls");
        assertTrue(calls.stream().filter(s -> s.equals("POST /v1/messages → 200")).count() >= 4, calls.toString());
        assertTrue(calls.stream().anyMatch(s -> s.startsWith("GET /v1/messages/") && s.endsWith("→ 200")), calls.toString());
        assertFalse(browser.findElement(By.id("status")).getText().contains("unreachable"));
    }

    /** Waits until the bot's n-th message is shown, and returns its body. */
    private WebElement awaitBotMessage(int n) {
        By bot = By.cssSelector(".message[data-author=bot] .body");
        wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(bot, n - 1));
        return browser.findElements(bot).get(n - 1);
    }

    private List<String> summaries(String panel) {
        return browser.findElements(By.cssSelector("#" + panel + " summary")).stream()
                .map(e -> e.getAttribute("textContent")).toList();
    }
}
