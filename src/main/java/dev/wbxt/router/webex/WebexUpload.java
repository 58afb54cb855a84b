package dev.wbxt.router.webex;

import java.util.Objects;

/**
 * A file a route makes itself and sends with a message: an entry of the message's {@code files} (as a
 * {@link java.io.File} or {@link java.nio.file.Path} of a file on disk is). {@code webex:createMessage} then posts the
 * message as {@code multipart/form-data} (README "Files"). Its content is held in memory: keep it small.
 */
public record WebexUpload(String name, String contentType, byte[] content) {
    public WebexUpload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
        contentType = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
    }

    @Override
    public String toString() { // never the content (a log line, a dead letter's reason)
        return "WebexUpload[" + name + ", " + contentType + ", " + content.length + " bytes]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebexUpload u && name.equals(u.name) && contentType.equals(u.contentType)
                && java.util.Arrays.equals(content, u.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, contentType, java.util.Arrays.hashCode(content));
    }
}
