package dev.wbxt.router.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578) as Webex takes one on {@code POST /messages} and as curl's
 * {@code -F} sends one: the parts, each with its name, file name and type. Bad framing is a 400, as Webex would answer.
 */
final class Multipart {
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(\"([^\"]+)\"|[^;\\s]+)");
    private static final Pattern NAME = Pattern.compile("(?i)(?:^|;)\\s*name=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");

    /** One part: a field ({@code filename} null) or a file. */
    record Part(String name, String filename, String contentType, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private Multipart() {
    }

    static boolean isMultipart(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    static List<Part> parse(String contentType, byte[] body) {
        Matcher b = contentType == null ? null : BOUNDARY.matcher(contentType);
        if (b == null || !b.find()) {
            throw new HttpIo.HttpError(400, "A multipart/form-data body needs a boundary.");
        }
        String boundary = b.group(2) != null ? b.group(2) : b.group(1);
        byte[] first = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, first, 0);
        if (pos < 0) {
            throw new HttpIo.HttpError(400, "The multipart body has no part.");
        }
        pos += first.length;
        List<Part> parts = new ArrayList<>();
        while (pos + 1 < body.length && !(body[pos] == '-' && body[pos + 1] == '-')) {
            pos += 2; // the CRLF after the boundary
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
            int end = headersEnd < 0 ? -1 : indexOf(body, next, headersEnd + 4);
            if (end < 0) {
                throw new HttpIo.HttpError(400, "The multipart body is cut off.");
            }
            String headers = new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8);
            String name = null;
            String filename = null;
            String type = null;
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                String key = colon < 0 ? line : line.substring(0, colon).trim();
                String value = colon < 0 ? "" : line.substring(colon + 1).trim();
                if (key.equalsIgnoreCase("Content-Disposition")) {
                    Matcher n = NAME.matcher(value);
                    name = n.find() ? n.group(1) : null;
                    Matcher f = FILE_NAME.matcher(value);
                    filename = f.find() ? f.group(1).replace("%22", "\"").replace("%0D", "\r").replace("%0A", "\n") : null;
                } else if (key.equalsIgnoreCase("Content-Type")) {
                    type = value;
                }
            }
            parts.add(new Part(name, filename, type, Arrays.copyOfRange(body, headersEnd + 4, end)));
            pos = end + next.length;
        }
        return parts;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
