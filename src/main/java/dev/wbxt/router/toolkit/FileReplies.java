package dev.wbxt.router.toolkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wbxt.router.ingest.EventHeaders;
import dev.wbxt.router.webex.WebexFiles;
import dev.wbxt.router.webex.WebexUpload;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot's replies about files, bound as {@code fileReplies} (README "Files"): what a message's files are (from
 * {@code webex:getFileInfo}, nothing downloaded), the checksum of a downloaded one, why one was not fetched, and a
 * reply that carries a file of the route's own ({@code webex:createMessage} uploads it).
 */
public class FileReplies {
    private static final Logger LOG = LoggerFactory.getLogger(FileReplies.class);
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * A {@code bean:} step: sets {@code ${variable.reply}} to one line per file of {@code ${variable.files}} (the list
     * getFileInfo answers): its name, type and size, and whether it is over the download limit.
     */
    @SuppressWarnings("unchecked")
    public void describe(Exchange exchange) {
        List<Map<String, Object>> files = exchange.getVariable("files", List.class);
        StringBuilder text = new StringBuilder(files.size() == 1 ? "You sent a file:" : "You sent " + files.size() + " files:");
        for (Map<String, Object> file : files) {
            long size = ((Number) file.get("size")).longValue();
            text.append("\n- **").append(escape(String.valueOf(file.get("name")))).append("**: ")
                    .append(escape(String.valueOf(file.get("contentType")))).append(", ").append(WebexFiles.size(size));
            if (Boolean.TRUE.equals(file.get("tooLarge"))) {
                text.append(" (over the download limit)");
            }
        }
        exchange.setVariable("reply", answer(exchange, text.toString()));
    }

    /**
     * A {@code bean:} step after {@code webex:getFile} into {@code ${variable.download}}: sets {@code ${variable.reply}}
     * to the file's name, type, size and SHA-256, read from the temporary file as a stream.
     */
    @SuppressWarnings("unchecked")
    public void checksum(Exchange exchange) {
        Map<String, Object> download = exchange.getVariable("download", Map.class);
        File file = (File) download.get("file");
        String sha256;
        try (InputStream in = Files.newInputStream(file.toPath())) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.read(chunk)) > 0; ) {
                digest.update(chunk, 0, n);
            }
            sha256 = HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the downloaded file " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = ((Number) download.get("size")).longValue();
        exchange.setVariable("reply", answer(exchange, "**" + escape(String.valueOf(download.get("name"))) + "** ("
                + escape(String.valueOf(download.get("contentType"))) + ", " + WebexFiles.size(size) + "): SHA-256 `"
                + sha256 + "`"));
    }

    /**
     * A {@code bean:} step in a {@code doCatch} of a {@code WebexFileException}: one WARN line with the event and the
     * reason, and {@code ${variable.reply}} telling the user why the file was not fetched.
     */
    public void notFetched(Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = caught == null ? "unknown reason" : caught.getMessage();
        LOG.warn("Event {}: a file was not fetched: {}", exchange.getMessage().getHeader(EventHeaders.EVENT_KEY), reason);
        exchange.setVariable("reply", answer(exchange, "Sorry, I could not fetch your file. " + escape(reason)));
    }

    /**
     * A reply in the message's room (and thread) with {@code markdown} and a file {@code name} made of
     * {@code content}: a map or a list as JSON, text as UTF-8, bytes as they are. {@code webex:createMessage} sends it
     * as multipart/form-data; keep it small (held in memory, at most webex.client.max-file-bytes).
     */
    public Map<String, Object> asFile(Exchange exchange, String markdown, String name, Object content) {
        byte[] bytes;
        String type;
        if (content instanceof byte[] b) {
            bytes = b;
            type = "application/octet-stream";
        } else if (content instanceof Map<?, ?> || content instanceof List<?>) {
            try {
                bytes = PRETTY.writeValueAsBytes(content);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write " + name + " as JSON", e);
            }
            type = "application/json";
        } else {
            bytes = String.valueOf(content).getBytes(StandardCharsets.UTF_8);
            type = "text/plain; charset=UTF-8";
        }
        Map<String, Object> reply = answer(exchange, markdown);
        reply.put("files", List.of(new WebexUpload(name, type, bytes)));
        return reply;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> answer(Exchange exchange, String markdown) {
        return BotToolkit.answer(exchange.getVariable("message", Map.class), markdown);
    }

    /** A name or a type from outside, shown as text: Markdown's markup characters escaped. */
    static String escape(String text) {
        return text.replaceAll("([\\\\`*_\\[\\]<>#|~])", "\\\\$1");
    }
}
