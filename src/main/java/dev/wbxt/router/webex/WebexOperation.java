package dev.wbxt.router.webex;

/** The operations of the {@code webex:} component: {@code webex:<operation>}. */
public enum WebexOperation {
    me("GET", "/people/me", false, false),
    getMessage("GET", "/messages/", true, true),
    getRoom("GET", "/rooms/", true, false),     // cached for webex.client.cache-millis
    getPerson("GET", "/people/", true, false),  // cached for webex.client.cache-millis
    getAttachmentAction("GET", "/attachment/actions/", true, true),
    createMessage("POST", "/messages", false, false),
    listRooms("GET", "/rooms", false, false),
    listMessages("GET", "/messages", false, false),
    listWebhooks("GET", "/webhooks", false, false),
    createWebhook("POST", "/webhooks", false, false),
    updateWebhook("PUT", "/webhooks/", true, false),
    deleteWebhook("DELETE", "/webhooks/", true, false),
    // A message's files (WEBEX-API.md 4.3b): HEAD for name, type and size; GET streams the content to a temporary file.
    // They take a URL (a "files" entry of the message), checked to be the API's own /contents/ (WebexFiles).
    getFileInfo("HEAD", "/contents/", false, false),
    getFile("GET", "/contents/", false, false);

    final String method;
    final io.vertx.core.http.HttpMethod httpMethod;
    final String path;
    final boolean needsId;
    /** Webex documents a lag between a webhook and the REST resource: a 404 here may heal itself. */
    final boolean retriesNotFound;

    WebexOperation(String method, String path, boolean needsId, boolean retriesNotFound) {
        this.method = method;
        this.httpMethod = io.vertx.core.http.HttpMethod.valueOf(method);
        this.path = path;
        this.needsId = needsId;
        this.retriesNotFound = retriesNotFound;
    }

    public boolean needsId() {
        return needsId;
    }

    /** List operations answer a List of items gathered over the pages ({@code Link: rel="next"}). */
    public boolean isList() {
        return this == listRooms || this == listMessages || this == listWebhooks;
    }

    /** The operations on a message's file: they take a {@code url} instead of an id (WebexFiles). */
    public boolean isFile() {
        return this == getFileInfo || this == getFile;
    }

    /** Rooms and people change rarely and are read for every message: reused for a while (WebexClient). */
    public boolean isCached() {
        return this == getRoom || this == getPerson;
    }

    /**
     * Whether sending it twice does no harm: every operation but a POST (a second createMessage is a second reply).
     * A POST that got no answer after it was written is therefore not sent again (WebexCallPolicy).
     */
    public boolean isIdempotent() {
        return !"POST".equals(method);
    }

    public boolean hasBody() {
        return "POST".equals(method) || "PUT".equals(method);
    }
}
