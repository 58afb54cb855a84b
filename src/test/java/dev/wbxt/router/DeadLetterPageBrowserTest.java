package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.wbxt.router.broker.BrokerConnection;
import dev.wbxt.router.broker.CoreMessages;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dead-letter page in a real headless Chromium (Debian's chromium and chromium-driver) against the real service,
 * simulator and broker: dead letters made for real (Webex refuses the bot's replies), the wrong token refused, then
 * filtered by reason and room, one replayed (answered, gone from the list), all of a reason replayed, a selection
 * deleted; and the page of a service without ADMIN_TOKEN says that admin is off. Skipped where Chromium is not
 * installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLetterPageBrowserTest {
    private static final String ADMIN = "page-admin-token";
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** The reason of {@link #writeDeadLetters}' letters, as its kind (the tracking id masked). */
    private static final String BULK_REASON = "WebexApiException: Webex POST /v1/messages answered %d \"Injected failure %d\""
            + " (trackingId=…)";

    private RouterHarness router;
    private HeadlessChromium chromium;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    void start() throws Exception {
        chromium = HeadlessChromium.startOrSkip("DeadLetterPageBrowserTest");
        browser = chromium.driver;
        router = new RouterHarness(Map.of("admin.token", ADMIN, "processing.max-attempts", "2")).start();
        router.registerWebhooks();
        wait = new WebDriverWait(browser, WAIT);
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
    void signInFilterReplayOneReplayAllOfAReasonAndDeleteASelection() throws Exception {
        String alice = router.webex.directRoom("alice@example.com");
        String bob = router.webex.directRoom("bob@example.com");
        deadLetter("alice@example.com", alice, 403, "alice forbidden");
        deadLetter("bob@example.com", bob, 403, "bob forbidden");
        deadLetter("alice@example.com", alice, 400, "alice bad");
        deadLetter("bob@example.com", bob, 400, "bob bad");
        deadLetter("bob@example.com", bob, 400, "bob worse");

        // the wrong token is refused, and nothing is shown
        browser.get(router.managementUrl() + "/admin/ui/dead-letters.html");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        signIn(ADMIN + "-wrong");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "The token was refused"));
        assertFalse(browser.findElement(By.id("letters")).isDisplayed());
        assertTrue(browser.findElement(By.id("token")).isDisplayed(), "asked again");

        signIn(ADMIN);
        awaitRows(5);
        assertFalse(browser.findElement(By.id("notice")).isDisplayed());
        WebElement first = rows().get(0);
        assertEquals(alice, room(first));
        assertTrue(text(first, "td.room").matches("ROOM/[0-9a-f]{8}…"), text(first, "td.room"));
        assertEquals("messages/created", first.findElement(By.cssSelector("td.event")).getText());
        assertEquals("1", first.findElement(By.cssSelector("td.attempts")).getText());
        assertEquals("wbxt.events.dlqfrom wbxt.events", text(first, "td.queue"), "the queue, and the queue it failed on");
        assertTrue(first.findElement(By.cssSelector("td.reason")).getText().contains("answered 403"));
        assertTrue(first.findElement(By.cssSelector("td.time")).getText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ"),
                first.findElement(By.cssSelector("td.time")).getText());
        assertEquals(2, browser.findElements(By.cssSelector("#reason-list button")).size(), "two kinds of reason");

        // filter by reason (typed), then by room (its cell): alice's 400 alone
        filterByReason("answered 400");
        awaitRows(3);
        assertTrue(rowTexts("td.reason").stream().allMatch(r -> r.contains("answered 400")), rowTexts("td.reason").toString());
        rows().get(0).findElement(By.cssSelector("td.room button")).click();
        awaitRows(1);
        assertEquals(List.of(alice), rows().stream().map(DeadLetterPageBrowserTest::room).toList());
        assertEquals("1 dead letter whose reason contains \"answered 400\", of room " + alice,
                browser.findElement(By.id("summary")).getText());

        // its webhook, as stored
        rows().get(0).findElement(By.xpath(".//button[text()='Show']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("detail-body")));
        assertTrue(browser.findElement(By.id("detail-body")).getText().contains("\"roomId\": \"" + alice + "\""),
                browser.findElement(By.id("detail-body")).getText());

        // replay that one: confirmed, answered, and gone from the list
        rows().get(0).findElement(By.cssSelector("button.replay")).click();
        confirm(true);
        awaitRows(0);
        assertTrue(browser.findElement(By.id("result")).getText().startsWith("Replayed 1 dead letter"));
        assertTrue(botSaid(alice, 1).endsWith("alice bad"));

        // all of a reason: the 403s of both rooms, chosen in the reasons' summary
        browser.findElement(By.id("clear")).click();
        awaitRows(4);
        reasonButton("answered 403").click();
        awaitRows(2);
        WebElement replayAll = browser.findElement(By.id("replay-all"));
        assertEquals("Replay all 2 matching", replayAll.getText());
        replayAll.click();
        assertTrue(browser.findElement(By.id("confirm-text")).getText().startsWith("Replay all 2 dead letters whose reason contains"));
        confirm(true);
        awaitRows(0);
        assertTrue(botSaid(alice, 2).endsWith("alice forbidden"));
        assertTrue(botSaid(bob, 1).endsWith("bob forbidden"));

        // delete a selection: cancelled first (nothing happens), then confirmed
        browser.findElement(By.id("clear")).click();
        awaitRows(2);
        assertEquals(List.of(bob, bob), rows().stream().map(DeadLetterPageBrowserTest::room).toList());
        WebElement deleteSelected = browser.findElement(By.id("delete-selected"));
        assertFalse(deleteSelected.isEnabled(), "nothing selected yet");
        rows().forEach(r -> r.findElement(By.cssSelector("input.select")).click());
        assertEquals("Delete 2 selected", deleteSelected.getText());
        deleteSelected.click();
        confirm(false);
        assertEquals(2, rows().size());
        assertEquals(2, total(), "cancelled: both still there");
        deleteSelected.click();
        assertEquals("Delete the 2 selected dead letters for good?", browser.findElement(By.id("confirm-text")).getText());
        confirm(true);
        awaitRows(0);
        assertEquals("Deleted 2 dead letters.", browser.findElement(By.id("result")).getText());
        assertEquals(0, total());
        List<Map<String, Object>> bobsReplies = router.sendMarker("bob@example.com", bob);
        assertEquals(2, bobsReplies.size(), "bob forbidden, then the marker: the deleted letters were never answered");
        assertEquals(1, router.botRepliesIn(alice).stream().filter(m -> String.valueOf(m.get("markdown")).endsWith("alice bad")).count(),
                "each replayed letter answered once");
    }

    /**
     * Ten thousand letters stay usable: a hundred a page with the total, the reasons' summary, all of a reason
     * replayed from the page. They are written into a dead-letter queue of their own (as the dead-letter policy writes
     * them, from a queue nobody consumes), so that they are not processed, and none is left when the test ends.
     */
    @Test
    void tenThousandLettersAreShownAHundredAtATimeAndReplayedFromThePage() throws Exception {
        int letters = 10_000;
        long filling = System.nanoTime();
        writeDeadLetters("wbxt.bulk.dlq", "wbxt.bulk.parked", letters);
        System.out.printf("[DeadLetterPageBrowserTest] %,d dead letters written in %d ms%n", letters, millisSince(filling));
        browser.get(router.managementUrl() + "/admin/ui/dead-letters.html");
        wait.until(d -> d.findElement(By.id("token")).isDisplayed() || d.findElement(By.id("letters")).isDisplayed());
        if (browser.findElement(By.id("token")).isDisplayed()) {
            signIn(ADMIN);
        }
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("letters")));
        long shown = System.nanoTime();
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("queue"))).selectByValue("wbxt.bulk.dlq");
        awaitRows(100, "10,000 dead letters in wbxt.bulk.dlq");
        System.out.printf("[DeadLetterPageBrowserTest] the first page of %,d letters shown in %d ms%n", letters, millisSince(shown));
        assertEquals("1–100 of 10,000", browser.findElement(By.id("page")).getText());
        String firstOfPage1 = rows().get(0).getAttribute("data-id");
        long next = System.nanoTime();
        browser.findElement(By.id("next")).click();
        wait.until(d -> "101–200 of 10,000".equals(d.findElement(By.id("page")).getText()));
        System.out.printf("[DeadLetterPageBrowserTest] the next page shown in %d ms%n", millisSince(next));
        assertEquals(100, rows().size());
        assertFalse(firstOfPage1.equals(rows().get(0).getAttribute("data-id")));
        assertEquals(List.of("5,000 × " + BULK_REASON.replace("%d", "400"), "5,000 × " + BULK_REASON.replace("%d", "403")),
                browser.findElements(By.cssSelector("#reason-list button")).stream()
                        .map(b -> b.getAttribute("textContent")).sorted().toList());

        reasonButton("answered 403").click();
        awaitRows(100, "5,000 dead letters in wbxt.bulk.dlq, whose reason contains");
        long replaying = System.nanoTime();
        replayAllFromThePage(5_000);
        System.out.printf("[DeadLetterPageBrowserTest] 5,000 of them replayed from the page in %d ms%n", millisSince(replaying));
        browser.findElement(By.id("clear")).click();
        // the cleared list first: its answer rebuilds the queue's options, and an option picked before it is gone
        wait.until(d -> d.findElement(By.id("summary")).getText().endsWith(" of every queue"));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("queue"))).selectByValue("wbxt.bulk.dlq");
        awaitRows(100, "5,000 dead letters in wbxt.bulk.dlq");
        replayAllFromThePage(5_000);
        awaitRows(0, "0 dead letters in wbxt.bulk.dlq");
        BrokerConnection broker = router.context().getRegistry().lookupByNameAndType("brokerConnection", BrokerConnection.class);
        assertEquals(letters, broker.queueDepth("wbxt.bulk.parked"), "every letter back on its queue, once");
        assertEquals(0, broker.queueDepth("wbxt.bulk.dlq"));
        browser.findElement(By.id("clear")).click();
    }

    @Test
    void withoutAnAdminTokenThePageSaysThatAdminIsOff() throws Exception {
        try (RouterHarness plain = new RouterHarness()) {
            plain.start();
            browser.get(plain.managementUrl() + "/admin/ui/dead-letters.html");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"),
                    "The admin endpoints are off: this service was started without ADMIN_TOKEN"));
            assertFalse(browser.findElement(By.id("token")).isDisplayed(), "no token to ask for");
            assertFalse(browser.findElement(By.id("letters")).isDisplayed());
        }
    }

    private void signIn(String token) {
        typeAndClick("token", token, "sign-in-button");
    }

    private void filterByReason(String text) {
        typeAndClick("reason", text, "apply");
    }

    private void typeAndClick(String field, String text, String button) {
        WebElement input = browser.findElement(By.id(field));
        input.clear();
        input.sendKeys(text);
        browser.findElement(By.id(button)).click();
    }

    /** The button of that reason in the reasons' summary. */
    private WebElement reasonButton(String containing) {
        return browser.findElements(By.cssSelector("#reason-list button")).stream()
                .filter(b -> b.getAttribute("textContent").contains(containing)).findFirst().orElseThrow();
    }

    /** "Replay all … matching", confirmed, and its answer awaited (thousands take seconds). */
    private void replayAllFromThePage(int letters) {
        browser.findElement(By.id("replay-all")).click();
        confirm(true);
        new WebDriverWait(browser, Duration.ofMinutes(2))
                .withMessage(() -> "the page says: " + browser.findElement(By.id("result")).getText() + " / "
                        + browser.findElement(By.id("summary")).getText())
                .until(d -> d.findElement(By.id("result")).getText()
                .startsWith(String.format("Replayed %,d dead letters", letters)));
    }

    /** Answers the page's confirmation dialog. */
    private void confirm(boolean ok) {
        wait.until(d -> d.findElement(By.id("confirm")).getAttribute("open") != null);
        browser.findElement(By.id(ok ? "confirm-ok" : "confirm-cancel")).click();
        wait.until(d -> d.findElement(By.id("confirm")).getAttribute("open") == null);
    }

    /** Waits until the table shows that many letters and the summary agrees (the list was read again). */
    private void awaitRows(int n) {
        awaitRows(n, n + (n == 1 ? " dead letter " : " dead letters "));
    }

    private void awaitRows(int n, String summary) {
        wait.until(d -> rows().size() == n && d.findElement(By.id("summary")).getText().startsWith(summary));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /**
     * {@code n} letters in {@code queue} as the dead-letter policy writes them (a webhook body, the event's and the
     * letter's properties, the room as group), half refused with 400 and half with 403, in 50 rooms, from
     * {@code fromQueue}.
     */
    private void writeDeadLetters(String queue, String fromQueue, int n) throws Exception {
        BrokerConnection broker = router.context().getRegistry().lookupByNameAndType("brokerConnection", BrokerConnection.class);
        try (ServerLocator locator = broker.login().locator(); ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = broker.login().session(factory, false, true)) {
            CoreMessages.ensureQueue(session, SimpleString.of(queue));
            ClientProducer producer = session.createProducer(queue);
            for (int i = 0; i < n; i++) {
                String room = router.webex.directRoom("bulk-" + i % 50 + "@example.com");
                Map<String, Object> message = Map.of("id", "Y2lzY29zcGFyazovL3VzL01FU1NBR0UvYnVsay" + i, "roomId", room);
                ClientMessage letter = session.createMessage(Message.TEXT_TYPE, true);
                CoreMessages.writeText(letter, RouterHarness.JSON.writeValueAsString(router.messageCreated(message)));
                int status = i % 2 == 0 ? 400 : 403;
                letter.putStringProperty("WbxtDeadLetterId", UUID.randomUUID().toString());
                letter.putStringProperty("WbxtDeadLetterFrom", fromQueue);
                letter.putStringProperty("WbxtDeadLetterReason", BULK_REASON.replace("%d", String.valueOf(status))
                        .replace("…", "SIM_" + UUID.randomUUID()));
                letter.putIntProperty("WbxtDeadLetterAttempts", 1);
                letter.putLongProperty("WbxtDeadLetterAt", System.currentTimeMillis());
                letter.putStringProperty("WbxtEventKey", "messages:created:" + message.get("id"));
                letter.putStringProperty("WbxtResource", "messages");
                letter.putStringProperty("WbxtEvent", "created");
                letter.setGroupID(room);
                producer.send(letter);
                if (i % 500 == 499) {
                    session.commit();
                }
            }
            session.commit();
        }
    }

    private List<WebElement> rows() {
        return browser.findElements(By.cssSelector("#rows tr"));
    }

    private List<String> rowTexts(String cell) {
        return rows().stream().map(r -> text(r, cell)).toList();
    }

    private static String text(WebElement row, String cell) {
        return row.findElement(By.cssSelector(cell)).getAttribute("textContent");
    }

    /** The row's room id (shown cut short). */
    private static String room(WebElement row) {
        return row.findElement(By.cssSelector("td.room button")).getAttribute("data-room-id");
    }

    /** The bot's n-th message in the room, once there. */
    private String botSaid(String room, int n) {
        return String.valueOf(router.webex.awaitBotMessages(room, n, WAIT).get(n - 1).get("markdown"));
    }

    private int total() throws Exception {
        HttpResponse<String> rsp = router.admin(ADMIN, "GET", "/admin/dead-letters?limit=1", null);
        return (Integer) RouterHarness.JSON.readValue(rsp.body(), Map.class).get("total");
    }

    /** A message whose reply Webex refuses once with that status: dead-lettered at once (a 4xx). */
    private void deadLetter(String email, String room, int status, String text) throws Exception {
        int before = total();
        router.webex.failNext("POST", "/messages", status, 1, null);
        router.webex.say(email, room, text);
        await("a dead letter for " + text).atMost(WAIT).until(() -> total() > before);
    }
}
