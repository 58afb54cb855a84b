package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import dev.wbxt.router.simulator.WebexSimulator;
import dev.wbxt.router.simulator.WebexSimulator.Upload;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A message's files, end to end over HTTP: the service with the shipped routes (plus one test command) against the
 * simulator, which serves GET/HEAD /v1/contents/{id} like Webex and takes multipart POST /messages; the temporary
 * files are real files under the service's DATA_DIR/tmp. The download limit is 4 KiB here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilesTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int LIMIT = 4096;
    /** A test command without any error handling of its own: a file it cannot fetch is dead-lettered. */
    private static final String FETCH_ROUTE = """
            - route:
                id: command-fetchtest
                from:
                  uri: direct:command-fetchtest
                  steps:
                    - toD: {uri: "webex:getFile?url=${variable.message[files][0]}&accept=${variable.command[args]}", variableReceive: download}
                    - setVariable: {name: reply, method: {ref: botKit, method: "answer(*, 'path=${variable.download[file].path} exists=${variable.download[file].exists()} size=${variable.download[size]}')"}}
            """;

    private RouterHarness router;
    private Path tmp;

    @BeforeAll
    void start() throws Exception {
        Path routes = Path.of("target", "test-routes", UUID.randomUUID().toString()).toAbsolutePath();
        Files.createDirectories(routes);
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Files.writeString(routes.resolve("40-fetch-test.yaml"), FETCH_ROUTE);
        router = new RouterHarness(Map.of("routes.dir", routes.toString(),
                "webex.client.max-file-bytes", String.valueOf(LIMIT)));
        tmp = router.dataDir.resolve("tmp");
        // what a run killed in the middle of a download left, and a file that is not the service's
        Files.write(Files.createDirectories(tmp).resolve("webex-1234567890.download"), bytes(1000));
        Files.write(tmp.resolve("keep.txt"), bytes(10));
        router.start();
        router.registerWebhooks();
    }

    @AfterAll
    void stop() throws Exception {
        router.close();
    }

    private String room(String email) {
        return router.webex.directRoom(email);
    }

    /** The bot's count-th reply in the room, its Markdown escapes taken out (names and reasons are escaped). */
    private String reply(String room, int count) {
        return String.valueOf(router.webex.awaitBotMessages(room, count, WAIT).get(count - 1).get("markdown"))
                .replaceAll("\\\\(.)", "$1");
    }

    /** The calls of that method on the files of the room's messages (other tests' events may still be running). */
    private List<WebexSimulator.Call> contentCalls(String method, String room) {
        List<String> ids = router.webex.messagesIn(room).stream().filter(m -> m.get("files") instanceof List<?>)
                .flatMap(m -> ((List<?>) m.get("files")).stream()).map(u -> String.valueOf(u).substring(String.valueOf(u).lastIndexOf('/') + 1))
                .toList();
        return router.webex.calls().stream().filter(c -> c.method().equals(method) && c.path().contains("/contents/")
                && ids.stream().anyMatch(id -> c.path().contains(id))).toList();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** The temporary files of downloads in DATA_DIR/tmp right now. */
    private List<Path> leftInTmp() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".download")).toList();
        }
    }

    @Test
    void aFileIsAnsweredWithItsNameTypeAndSizeWithoutDownloadingIt() {
        String room = room("files@example.com");
        router.webex.clearCalls();
        router.webex.sayWithFiles("files@example.com", room, null, List.of(
                new Upload("Quarterly report.pdf", "application/pdf", bytes(3000)),
                new Upload("big.zip", "application/zip", bytes(LIMIT + 1))));

        String reply = reply(room, 1);
        assertTrue(reply.contains("You sent 2 files:"), reply);
        assertTrue(reply.contains("- **Quarterly report.pdf**: application/pdf, 2.9 KiB"), reply);
        assertTrue(reply.contains("- **big.zip**: application/zip, 4.0 KiB (over the download limit)"), reply);
        assertEquals(2, contentCalls("HEAD", room).size(), router.webex.calls().toString());
        assertEquals(List.of(), contentCalls("GET", room), "nothing is downloaded to describe a file");
    }

    @Test
    void checksumDownloadsTheFileIntoATemporaryFileThatIsGoneOnceAnswered() throws Exception {
        String room = room("checksum@example.com");
        byte[] content = bytes(LIMIT); // exactly the limit: still fetched
        router.webex.sayWithFiles("checksum@example.com", room, "checksum", List.of(new Upload("data.bin",
                "application/octet-stream", content)));

        String reply = reply(room, 1);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertTrue(reply.contains("**data.bin** (application/octet-stream, 4.0 KiB): SHA-256 `" + sha + "`"), reply);
        await("the temporary file is deleted").atMost(WAIT).until(() -> leftInTmp().isEmpty());
    }

    @Test
    void theDownloadedFileExistsWhileTheRouteRunsAndIsDeletedWhenItEnds() throws Exception {
        String room = room("during@example.com");
        router.webex.sayWithFiles("during@example.com", room, "fetchtest", List.of(new Upload("notes.txt",
                "text/plain", "hello, file".getBytes(StandardCharsets.UTF_8))));

        String reply = reply(room, 1);
        assertTrue(reply.contains("exists=true size=11"), reply);
        Path file = Path.of(reply.substring(reply.indexOf("path=") + 5, reply.indexOf(" exists=")));
        assertEquals(tmp.toAbsolutePath().normalize(), file.toAbsolutePath().getParent().normalize(), "under DATA_DIR/tmp");
        assertTrue(file.getFileName().toString().matches("webex-.*\\.download"), file.toString());
        await("deleted when the exchange ends").atMost(WAIT).until(() -> !Files.exists(file));
    }

    @Test
    void aFileOverTheLimitIsReportedNotFetched() throws Exception {
        String room = room("toolarge@example.com");
        router.webex.clearCalls();
        router.webex.sayWithFiles("toolarge@example.com", room, "checksum", List.of(new Upload("huge.iso",
                "application/octet-stream", bytes(LIMIT + 1))));

        String reply = reply(room, 1);
        assertTrue(reply.contains("Sorry, I could not fetch your file. The file huge.iso is 4.0 KiB (4097 bytes), over the"
                + " limit of 4.0 KiB (4096 bytes) (webex.client.max-file-bytes, WEBEX_CLIENT_MAX_FILE_BYTES): not fetched"), reply);
        assertEquals(1, contentCalls("HEAD", room).size());
        assertEquals(List.of(), contentCalls("GET", room), "over the limit: never fetched");
        assertEquals(List.of(), leftInTmp());
    }

    @Test
    void aFileLargerThanItsHeadSaidIsCutOffAndNothingIsLeft() throws Exception {
        String room = room("liar@example.com");
        router.webex.sayWithFiles("liar@example.com", room, null, List.of(new Upload("small.bin",
                "application/octet-stream", bytes(LIMIT * 4))));
        String url = (String) ((List<?>) router.webex.messagesIn(room).get(0).get("files")).get(0);
        reply(room, 1); // described first (its true size)
        router.webex.fileFault(url, null, 100L); // from now on HEAD claims 100 bytes; GET sends 16 KiB, chunked

        router.webex.sayWithFileUrls("liar@example.com", room, "checksum", List.of(url));

        // the reply itself is the check that the cut-off's reset met no other request (on a busy machine it once
        // closed the pooled connection that carried this reply: see WebexHttp's downloadHeaders)
        String reply = reply(room, 2);
        assertTrue(reply.contains("is larger than announced: more than 4096 bytes arrived, over the limit of 4.0 KiB"
                + " (4096 bytes): cut off, nothing kept"), reply);
        assertEquals(1, contentCalls("GET", room).size(), "cut off while it streamed: one GET, not retried");
        await("the partial file is deleted").atMost(WAIT).until(() -> leftInTmp().isEmpty());
    }

    @Test
    void aMissingFileIsAnsweredWithTheReason() {
        String room = room("missing@example.com");
        router.webex.sayWithFiles("missing@example.com", room, null, List.of(new Upload("a.txt", "text/plain",
                "a".getBytes(StandardCharsets.UTF_8))));
        String url = (String) ((List<?>) router.webex.messagesIn(room).get(0).get("files")).get(0);
        reply(room, 1);
        router.webex.failNext("HEAD", "/contents/", 404, 1, null);

        router.webex.sayWithFileUrls("missing@example.com", room, "checksum", List.of(url));

        String reply = reply(room, 2);
        assertTrue(reply.contains("Webex has no such file (404, trackingId=SIM_"), reply);
    }

    @Test
    void aFileOfAnotherTypeThanAnnouncedIsNotKept() throws Exception {
        String room = room("wrongtype@example.com");
        router.webex.sayWithFiles("wrongtype@example.com", room, null, List.of(new Upload("photo.png", "image/png",
                bytes(100))));
        String url = (String) ((List<?>) router.webex.messagesIn(room).get(0).get("files")).get(0);
        reply(room, 1);
        router.webex.fileFault(url, "application/x-msdownload", null);

        router.webex.sayWithFileUrls("wrongtype@example.com", room, "checksum", List.of(url));

        String reply = reply(room, 2);
        assertTrue(reply.contains("The file photo.png was announced as image/png and served as"
                + " application/x-msdownload: not kept"), reply);
        await("nothing left").atMost(WAIT).until(() -> leftInTmp().isEmpty());
    }

    @Test
    void aTypeTheRouteDoesNotAcceptIsDeadLetteredWithTheReasonUnfetched() throws Exception {
        String room = room("accept@example.com");
        router.webex.clearCalls();
        router.webex.sayWithFiles("accept@example.com", room, "fetchtest image/*", List.of(new Upload("notes.txt",
                "text/plain", "not an image".getBytes(StandardCharsets.UTF_8))));

        Exchange dead = deadLetter(room);
        assertNotNull(dead, "dead-lettered");
        String reason = dead.getMessage().getHeader("WbxtDeadLetterReason", String.class);
        assertTrue(reason.contains("The file notes.txt is text/plain, not image/*: not fetched"), reason);
        assertEquals(1, dead.getMessage().getHeader("WbxtDeadLetterAttempts", Integer.class), "at once: retrying cannot help");
        assertEquals(List.of(), contentCalls("GET", room));
        assertEquals(0, router.botRepliesIn(room).size());
    }

    @Test
    void anUploadReachesWebexAsMultipartWithTheRightBytes() throws Exception {
        String room = room("upload@example.com");
        router.webex.clearCalls();
        router.webex.say("upload@example.com", room, "file");

        Map<String, Object> reply = router.webex.awaitBotMessages(room, 1, WAIT).get(0);
        assertEquals("The webhook that carried your message, as a file.", reply.get("markdown"));
        String url = (String) ((List<?>) reply.get("files")).get(0);
        Upload uploaded = router.webex.file(url);
        assertEquals("webhook.json", uploaded.name());
        assertEquals("application/json", uploaded.contentType());
        Map<?, ?> webhook = RouterHarness.JSON.readValue(uploaded.content(), Map.class);
        String messageId = (String) router.webex.messagesIn(room).get(0).get("id");
        assertEquals(messageId, ((Map<?, ?>) webhook.get("data")).get("id"), "the bytes are the webhook's JSON");

        // the simulator stores the message before it records the call
        WebexSimulator.Call post = await("the POST is recorded").atMost(WAIT).until(() -> router.webex.calls().stream()
                .filter(c -> c.method().equals("POST") && c.path().equals("/v1/messages")).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertTrue(post.contentType().startsWith("multipart/form-data; boundary="), post.contentType());
        assertTrue(post.requestBody().contains("\"roomId\":\"" + room + "\""), post.requestBody());
        assertTrue(post.requestBody().contains("\"files\":{") && post.requestBody().contains("\"size\":" + uploaded.content().length),
                post.requestBody());
    }

    @Test
    void theTokenIsNeverSentToAForeignHost() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer foreign = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        foreign.createContext("/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("Authorization"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        foreign.start();
        try {
            String room = room("ssrf@example.com");
            String evil = "http://127.0.0.1:" + foreign.getAddress().getPort() + "/v1/contents/Y2lzY29zcGFyazovL3VzL0NPTlRFTlQvZXZpbA";
            router.webex.clearCalls();
            router.webex.sayWithFileUrls("ssrf@example.com", room, null, List.of(evil));
            String described = reply(room, 1);
            router.webex.sayWithFileUrls("ssrf@example.com", room, "checksum", List.of(router.webex.apiUrl() + "/people/me"));
            String fetched = reply(room, 2);

            assertTrue(described.contains("The file URL on 127.0.0.1 was not called (the bot's token goes to the Webex API"
                    + " only): only files of " + router.webex.apiUrl() + "/contents/<id> are fetched"), described);
            assertTrue(fetched.contains("was not called"), fetched);
            assertEquals(List.of(), seen, "the foreign host got no request at all");
            assertTrue(router.webex.calls().stream().noneMatch(c -> c.path().contains("/people/me") && c.method().equals("HEAD")),
                    "nor another path of the API");
        } finally {
            foreign.stop(0);
        }
    }

    @Test
    void theSimulatorServesFilesLikeWebexAndOnlyWithTheToken() throws Exception {
        String room = room("sim@example.com");
        router.webex.sayWithFiles("sim@example.com", room, null, List.of(new Upload("€ rates.csv", "text/csv",
                "a,b\n".getBytes(StandardCharsets.UTF_8))));
        String url = (String) ((List<?>) router.webex.messagesIn(room).get(0).get("files")).get(0);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + RouterHarness.TOKEN).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertEquals("text/csv", head.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("4", head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("attachment; filename=\"_ rates.csv\"; filename*=UTF-8''%E2%82%AC%20rates.csv",
                head.headers().firstValue("Content-Disposition").orElseThrow());
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + RouterHarness.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("a,b\n", get.body());
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
    }

    @Test
    void aUserCanPostAFileWithCurlsForm() throws Exception {
        String boundary = "curl-like-boundary";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"from\"\r\n\r\ncurl@example.com\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hello.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nhello\r\n--" + boundary + "--\r\n";
        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.webex.port() + "/simulator/messages"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("- **hello.txt**: text/plain, 5 bytes"), answer.body());
    }

    private Exchange deadLetter(String room) {
        try (ConsumerTemplate consumer = router.context().createConsumerTemplate()) {
            return consumer.receive("jms:queue:wbxt.events.dlq?selector=JMSXGroupID='" + room + "'", WAIT.toMillis());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void whatAKilledRunLeftIsDeletedAtTheNextStart() {
        assertFalse(Files.exists(tmp.resolve("webex-1234567890.download")), "a download a killed run left half-written");
        assertTrue(Files.exists(tmp.resolve("keep.txt")), "only the service's own temporary files");
    }
}
