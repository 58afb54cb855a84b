package dev.wbxt.router.webex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wbxt.router.retry.PermanentFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure parts of files as tables: which URLs are called (the SSRF guard), names, types, sizes, the multipart body. */
class WebexFilesTest {
    private static final String ID = "Y2lzY29zcGFyazovL3VzL0NPTlRFTlQvYWJj";

    private static WebexFiles files(String apiUrl, boolean allowUnscannable) {
        WebexConfiguration cfg = new WebexConfiguration();
        cfg.setAllowUnscannable(allowUnscannable);
        URI base = URI.create(apiUrl);
        return new WebexFiles(cfg, base, base.getRawPath(), null, null, null);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "https://webexapis.com/v1/contents/" + ID + "        | /v1/contents/" + ID,
            "https://WEBEXAPIS.com:443/v1/contents/" + ID + "    | /v1/contents/" + ID,
            // another host, scheme or port: the token would go there
            "https://evil.example/v1/contents/" + ID + "         | ",
            "http://webexapis.com/v1/contents/" + ID + "         | ",
            "https://webexapis.com:8443/v1/contents/" + ID + "   | ",
            "https://webexapis.com.evil.example/v1/contents/" + ID + " | ",
            "https://user@webexapis.com/v1/contents/" + ID + "   | ",
            // the API host, but not a file, or not only a file id
            "https://webexapis.com/v1/people/me                  | ",
            "https://webexapis.com/v1/contents/                  | ",
            "https://webexapis.com/v1/contents/" + ID + "/../../people/me | ",
            "https://webexapis.com/v1/contents/a%2F..            | ",
            "https://webexapis.com/v1/contents/" + ID + "?x=1    | ",
            "https://webexapis.com/v1/contents/" + ID + "#top    | ",
            "https://webexapis.com/v2/contents/" + ID + "        | ",
            "/v1/contents/" + ID + "                             | ",
            "not a url at all                                    | ",
            "file:///etc/passwd                                  | "})
    void onlyTheApisOwnFileUrlsAreCalled(String url, String path) {
        WebexFiles files = files("https://webexapis.com/v1", false);
        if (path == null) {
            WebexFileException refused = assertThrows(WebexFileException.class, () -> files.pathOf(url));
            assertEquals(WebexFileException.Reason.NOT_A_WEBEX_FILE, refused.reason());
            assertTrue(refused.getMessage().contains("was not called"), refused.getMessage());
        } else {
            assertEquals(path, files.pathOf(url));
        }
    }

    @Test
    void theSimulatorsFilesAreItsApis() {
        WebexFiles files = files("http://127.0.0.1:4711/v1", false);
        assertEquals("/v1/contents/" + ID, files.pathOf("http://127.0.0.1:4711/v1/contents/" + ID));
        assertThrows(WebexFileException.class, () -> files.pathOf("http://127.0.0.1:4712/v1/contents/" + ID));
        assertThrows(WebexFileException.class, () -> files.pathOf("http://localhost:4711/v1/contents/" + ID));
    }

    @Test
    void unscannableFilesAreAskedForOnlyWhenAllowed() {
        assertEquals("/v1/contents/" + ID + "?allow=unscannable",
                files("https://webexapis.com/v1", true).pathOf("https://webexapis.com/v1/contents/" + ID));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "attachment; filename=\"report.pdf\"                          | report.pdf",
            "attachment; filename=report.pdf                              | report.pdf",
            "attachment;filename=\"a \\\"quoted\\\" name.txt\"            | a \"quoted\" name.txt",
            "attachment; filename=\"euro.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt | € rates.txt",
            "attachment; filename*=utf-8''na%C3%AFve.txt                  | naïve.txt",
            "inline; filename=\"../../etc/passwd\"                        | passwd",
            "attachment; filename=\"C:\\\\Users\\\\x\\\\evil.bat\"        | evil.bat",
            "attachment                                                   | ",
            "attachment; filename=\"\"                                    | "})
    void theNameComesFromContentDisposition(String header, String name) {
        assertEquals(name, WebexFiles.fileName(header));
    }

    @Test
    void noHeaderNoName() {
        assertNull(WebexFiles.fileName(null));
    }

    @ParameterizedTest(name = "{0} in [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
            "image/png                 | image/*                  | true",
            "IMAGE/PNG; x=y            | image/*                  | true",
            "text/plain; charset=UTF-8 | text/plain               | true",
            "text/plain                | image/*, application/pdf | false",
            "application/pdf           | image/*, application/pdf | true",
            "application/x-msdownload  | */*                      | true",
            "imagex/png                | image/*                  | false",
            "application/pdf           |                          | true"})
    void acceptedTypes(String type, String accept, boolean taken) {
        List<String> ranges = accept == null ? List.of() : List.of(accept.split("\\s*,\\s*"));
        assertEquals(taken, WebexFiles.accepted(type, ranges));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"-1 | of unknown size", "0 | 0 bytes", "1 | 1 byte", "1023 | 1023 bytes",
            "1024 | 1.0 KiB", "12595 | 12.3 KiB", "10485760 | 10.0 MiB", "10485761 | 10.0 MiB"})
    void sizesForPeople(long bytes, String shown) {
        assertEquals(shown, WebexFiles.size(bytes));
    }

    @Test
    void aMessageWithAFileOfItsOwnIsMultipartWithTheFileAsPartFiles(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report \"final\".txt");
        Files.writeString(report, "line 1\r\n--not a boundary\r\n");
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("roomId", "Y2lzY29zcGFyazovL3VzL1JPT00vYQ");
        message.put("markdown", "**here**");
        message.put("files", List.of(report.toFile()));
        MultipartMessage multipart = MultipartMessage.of(message, 1024);

        String type = multipart.contentType().toString();
        assertTrue(type.startsWith("multipart/form-data; boundary=wbxt-"), type);
        String boundary = type.substring(type.indexOf('=') + 1);
        String body = multipart.body().toString(StandardCharsets.UTF_8);
        assertEquals("--" + boundary + "\r\nContent-Disposition: form-data; name=\"roomId\"\r\n\r\nY2lzY29zcGFyazovL3VzL1JPT00vYQ\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"markdown\"\r\n\r\n**here**\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"report %22final%22.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nline 1\r\n--not a boundary\r\n\r\n"
                + "--" + boundary + "--\r\n", body);
        assertEquals(body.getBytes(StandardCharsets.UTF_8).length, multipart.body().length(), "a known length, no chunks");
    }

    @Test
    void aFileMadeByTheRouteGoesAsItIs() {
        MultipartMessage multipart = MultipartMessage.of(Map.of("roomId", "r", "files",
                List.of(new WebexUpload("a.json", "application/json", "{}".getBytes(StandardCharsets.UTF_8)))), 1024);
        assertTrue(multipart.body().toString(StandardCharsets.UTF_8)
                .contains("filename=\"a.json\"\r\nContent-Type: application/json\r\n\r\n{}\r\n"));
    }

    @Test
    void aUrlInFilesStaysJson() {
        assertNull(MultipartMessage.of(Map.of("roomId", "r", "files", List.of("https://example.com/a.png")), 1024));
        assertNull(MultipartMessage.of(Map.of("roomId", "r", "text", "no files"), 1024));
    }

    @Test
    void aMissingTooLargeOrSecondFileIsRefusedBeforeAnythingIsSent(@TempDir Path dir) throws Exception {
        PermanentFailureException missing = assertThrows(PermanentFailureException.class, () -> MultipartMessage.of(
                Map.of("roomId", "r", "files", List.of(new File(dir.toFile(), "gone.txt"))), 1024));
        assertTrue(missing.getMessage().contains("gone.txt, does not exist"), missing.getMessage());

        Path big = Files.write(dir.resolve("big.bin"), new byte[2048]);
        PermanentFailureException tooLarge = assertThrows(PermanentFailureException.class, () -> MultipartMessage.of(
                Map.of("roomId", "r", "files", List.of(big)), 1024));
        assertTrue(tooLarge.getMessage().contains("big.bin, is 2.0 KiB (2048 bytes), over the limit of 1.0 KiB (1024 bytes)"), tooLarge.getMessage());

        PermanentFailureException two = assertThrows(PermanentFailureException.class, () -> MultipartMessage.of(
                Map.of("roomId", "r", "files", List.of(big, big)), 4096));
        assertTrue(two.getMessage().contains("one file per message"), two.getMessage());
        assertFalse(two instanceof WebexFileException);
    }
}
