package dev.wbxt.router.simulator;

import dev.wbxt.router.simulator.ApiHandler.Answer;
import dev.wbxt.router.simulator.HttpIo.HttpError;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import static dev.wbxt.router.simulator.ApiHandler.byId;
import static dev.wbxt.router.simulator.ApiHandler.intParam;
import static dev.wbxt.router.simulator.ApiHandler.notFound;
import static dev.wbxt.router.simulator.ApiHandler.requireMethod;
import static dev.wbxt.router.simulator.ApiHandler.str;

/**
 * /v1/messages and /v1/contents of the REST API: a message posted (JSON, or multipart with its file), listed, read,
 * and the files of messages served as Webex serves them; a message the bot posts fires its webhook as Webex does.
 */
final class MessagesApi {
    static final int MAX_TEXT_BYTES = 7439;

    private final SimulatorStore store;
    private final WebhookDispatcher dispatcher;
    private final Executor background;
    private final Supplier<String> apiUrl;

    MessagesApi(SimulatorStore store, WebhookDispatcher dispatcher, Executor background, Supplier<String> apiUrl) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.background = background;
        this.apiUrl = apiUrl;
    }

    Answer messages(String method, String[] seg, Map<String, String> q, byte[] body, String contentType) {
        if (seg.length == 2) {
            return byId(method, seg, 2, store::message, "message");
        }
        if (seg.length != 1) {
            return notFound();
        }
        if ("POST".equals(method)) {
            return createMessage(Multipart.isMultipart(contentType) ? multipartMessage(contentType, body) : HttpIo.parseObject(body));
        }
        requireMethod(method, "GET");
        return listMessages(q);
    }

    private Answer createMessage(Map<String, Object> req) {
        String roomId = str(req, "roomId");
        String toEmail = str(req, "toPersonEmail");
        String toPersonId = str(req, "toPersonId");
        if (roomId == null && toEmail == null && toPersonId == null) {
            throw new HttpError(400, "roomId, toPersonId or toPersonEmail is required.");
        }
        if (roomId == null && toPersonId != null) {
            Map<String, Object> p = store.personById(toPersonId);
            if (p == null) {
                throw new HttpError(404, "Could not find person with id " + toPersonId + ".");
            }
            toEmail = (String) ((List<?>) p.get("emails")).get(0);
        }
        if (roomId == null) {
            roomId = store.directRoom(toEmail);
        } else if (store.room(roomId) == null) {
            throw new HttpError(404, "Could not find room with id " + roomId + ".");
        }
        String text = str(req, "text");
        String markdown = str(req, "markdown");
        checkLength("text", text);
        checkLength("markdown", markdown);
        List<?> attachments = req.get("attachments") instanceof List<?> l ? l : null;
        if (attachments != null && attachments.size() > 1) {
            throw new HttpError(400, "Only one card per message is supported.");
        }
        List<?> files = req.get("files") instanceof List<?> l ? l : req.get("files") == null ? null : List.of(req.get("files"));
        if (files != null && files.size() > 1) {
            throw new HttpError(400, "Only one file is allowed per message.");
        }
        if (text == null && markdown == null && (attachments == null || attachments.isEmpty()) && (files == null || files.isEmpty())) {
            throw new HttpError(400, "A message needs text, markdown, a file or an attachment.");
        }
        String parentId = str(req, "parentId");
        if (parentId != null && store.message(parentId) == null) {
            throw new HttpError(400, "parentId does not reference a message.");
        }
        Map<String, Object> m = store.addMessage(store.botId(), roomId, text, markdown, parentId, attachments,
                files == null ? null : files.stream().map(String::valueOf).toList());
        // Real Webex notifies the bot of its own messages too: that is why bots need a loop guard.
        background.execute(() -> dispatcher.messageCreated(m));
        return Answer.ok(m);
    }

    private static void checkLength(String field, String value) {
        if (value != null && value.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
            throw new HttpError(400, "The " + field + " exceeds the maximum message length of " + MAX_TEXT_BYTES + " bytes.");
        }
    }

    private Answer listMessages(Map<String, String> q) {
        String roomId = q.get("roomId");
        if (roomId == null) {
            throw new HttpError(400, "roomId is required.");
        }
        Map<String, Object> room = store.room(roomId);
        if (room == null) {
            throw new HttpError(404, "Could not find room with id " + roomId + ".");
        }
        boolean onlyMentions = "me".equals(q.get("mentionedPeople"));
        if ("group".equals(room.get("type")) && !onlyMentions) {
            throw new HttpError(403, "Failed to get activity.");
        }
        int max = intParam(q, "max", 50);
        List<Map<String, Object>> all = store.messagesIn(roomId);
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && items.size() < max; i--) { // newest first
            Map<String, Object> m = all.get(i);
            if (!onlyMentions || (m.get("mentionedPeople") instanceof List<?> l && l.contains(store.botId()))) {
                items.add(m);
            }
        }
        return Answer.ok(Map.of("items", items));
    }

    // ---- files -------------------------------------------------------------------------------------------

    /**
     * A multipart POST /messages (WEBEX-API.md 4.3b): the fields are parts, the file is the part {@code files}; the
     * file is stored and the message lists its content URL, as Webex does.
     */
    private Map<String, Object> multipartMessage(String contentType, byte[] body) {
        Map<String, Object> req = new LinkedHashMap<>();
        List<String> urls = new ArrayList<>();
        for (Multipart.Part part : Multipart.parse(contentType, body)) {
            if (part.filename() != null) {
                if (!"files".equals(part.name())) {
                    throw new HttpError(400, "The file must be the part named files, not " + part.name() + ".");
                }
                String type = part.contentType() == null ? "application/octet-stream" : part.contentType();
                urls.add(contentUrl(store.addFile(part.filename(), type, part.content())));
            } else if (part.name() != null) {
                req.put(part.name(), part.text());
            }
        }
        if (!urls.isEmpty()) {
            req.put("files", urls);
        }
        return req;
    }

    String contentUrl(String contentId) {
        return apiUrl.get() + "/contents/" + contentId;
    }

    /**
     * GET and HEAD /contents/{id}: the bytes, with Content-Type, Content-Length and Content-Disposition (the name), as
     * Webex serves a message's file (WEBEX-API.md 4.3b); the bearer token is checked like any other call.
     */
    Answer contents(String method, String[] seg) {
        if (seg.length != 2 || seg[1].isEmpty()) {
            return notFound();
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            throw new HttpError(405, "Method " + method + " not allowed.");
        }
        SimulatorStore.StoredFile file = store.file(seg[1]);
        if (file == null) {
            throw new HttpError(404, "Could not find content with id " + seg[1] + ".");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        boolean head = "HEAD".equals(method);
        headers.put("Content-Type", !head && file.servedType() != null ? file.servedType() : file.contentType());
        // RFC 6266: a quoted ASCII-safe name, and the exact name in UTF-8 as filename* (which readers prefer)
        headers.put("Content-Disposition", "attachment; filename=\"" + file.name().replaceAll("[^\\x20-\\x7e]", "_")
                .replace("\\", "\\\\").replace("\"", "\\\"") + "\"; filename*=UTF-8''"
                + URLEncoder.encode(file.name(), StandardCharsets.UTF_8).replace("+", "%20"));
        if (head) {
            headers.put("Content-Length", String.valueOf(file.announcedLength() != null ? file.announcedLength()
                    : file.content().length));
            return new Answer(200, null, headers, new byte[0]);
        }
        if (file.announcedLength() != null) {
            headers.put(ApiHandler.CHUNKED, "true");
        }
        return new Answer(200, null, headers, file.content());
    }
}
