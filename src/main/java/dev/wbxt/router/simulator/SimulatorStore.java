package dev.wbxt.router.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The simulator's in-memory Webex: people, rooms, messages, files and attachment actions (the webhooks:
 * SimulatorWebhooks). One monitor guards everything; the data set is tiny, and one lock makes "wait until the bot
 * replied" trivial.
 * Every getter returns copies so callers can never mutate the store behind its lock.
 */
final class SimulatorStore {
    static final String BOT_EMAIL = "echo-bot@webex.bot";

    private final String orgId = SimIds.newId("ORGANIZATION");
    private final String appId = SimIds.newId("APPLICATION");
    private final Map<String, Map<String, Object>> people = new LinkedHashMap<>();
    private final Map<String, String> personIdByEmail = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> rooms = new LinkedHashMap<>();
    private final Map<String, String> directRoomByPersonId = new LinkedHashMap<>();
    private final Map<String, String> groupRoomByTitle = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> messages = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> actions = new LinkedHashMap<>();
    /** Files of messages by content id, served at /v1/contents/{id} (WEBEX-API.md 4.3b). */
    private final Map<String, StoredFile> files = new LinkedHashMap<>();
    /** Rooms the bot was removed from: GET /rooms no longer lists them. */
    private final java.util.Set<String> roomsLeft = new java.util.HashSet<>();
    private final String botId;

    SimulatorStore() {
        Map<String, Object> bot = newPerson(BOT_EMAIL, "Echo Bot", "bot");
        bot.put("nickName", "Echo");
        botId = (String) bot.get("id");
    }

    /** A store whose bot is {@code bot}, a person as {@code GET /people/me} answers it (a recording's, for a replay). */
    SimulatorStore(Map<String, Object> bot) {
        botId = put(people, bot, "the bot");
        indexEmails(bot);
    }

    String orgId() {
        return orgId;
    }

    String appId() {
        return appId;
    }

    String botId() {
        return botId;
    }

    // ---- people ------------------------------------------------------------------------------------------

    synchronized Map<String, Object> bot() {
        return copy(people.get(botId));
    }

    /** The person with that email, created on first use with a display name from the local part ("alice" → "Alice"). */
    synchronized Map<String, Object> person(String email) {
        String id = personIdByEmail.get(email.toLowerCase(Locale.ROOT));
        if (id != null) {
            return copy(people.get(id));
        }
        String local = email.contains("@") ? email.substring(0, email.indexOf('@')) : email;
        String display = local.isEmpty() ? email : Character.toUpperCase(local.charAt(0)) + local.substring(1);
        return copy(newPerson(email, display, "person"));
    }

    private Map<String, Object> newPerson(String email, String displayName, String type) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", SimIds.newId("PEOPLE"));
        p.put("emails", List.of(email));
        p.put("displayName", displayName);
        p.put("orgId", orgId);
        p.put("created", SimIds.now());
        p.put("status", "active");
        p.put("type", type);
        people.put((String) p.get("id"), p);
        personIdByEmail.put(email.toLowerCase(Locale.ROOT), (String) p.get("id"));
        return p;
    }

    synchronized Map<String, Object> personById(String id) {
        return copy(people.get(id));
    }

    // ---- loaded as Webex answered them (a recording's answers, for a replay) --------------------------------

    /** A person as {@code GET /people/{id}} answered it, under its own id; its emails find it too. */
    synchronized void loadPerson(Map<String, Object> person) {
        put(people, person, "a person");
        indexEmails(person);
    }

    synchronized void loadRoom(Map<String, Object> room) {
        put(rooms, room, "a room");
    }

    synchronized void loadMessage(Map<String, Object> message) {
        put(messages, message, "a message");
        notifyAll();
    }

    synchronized void loadAttachmentAction(Map<String, Object> action) {
        put(actions, action, "an attachment action");
    }

    /** Keeps a copy of {@code resource} under its {@code id}, replacing what had that id; returns the id. */
    private static String put(Map<String, Map<String, Object>> into, Map<String, Object> resource, String what) {
        if (resource == null || !(resource.get("id") instanceof String id) || id.isEmpty()) {
            throw new IllegalArgumentException(what + " needs an \"id\" (text): " + resource);
        }
        into.put(id, new LinkedHashMap<>(resource));
        return id;
    }

    private void indexEmails(Map<String, Object> person) {
        if (person.get("emails") instanceof List<?> emails) {
            for (Object email : emails) {
                if (email instanceof String e) {
                    personIdByEmail.put(e.toLowerCase(Locale.ROOT), (String) person.get("id"));
                }
            }
        }
    }

    // ---- rooms -------------------------------------------------------------------------------------------

    /** The 1:1 room between that person and the bot; its title is the person's display name, as Webex shows it. */
    synchronized String directRoom(String email) {
        Map<String, Object> p = person(email);
        String personId = (String) p.get("id");
        return directRoomByPersonId.computeIfAbsent(personId,
                k -> newRoom("direct", (String) p.get("displayName"), personId));
    }

    synchronized String groupRoom(String title) {
        return groupRoomByTitle.computeIfAbsent(title, k -> newRoom("group", title, botId));
    }

    private String newRoom(String type, String title, String creatorId) {
        Map<String, Object> r = new LinkedHashMap<>();
        String id = SimIds.newId("ROOM");
        String now = SimIds.now();
        r.put("id", id);
        r.put("title", title);
        r.put("type", type);
        r.put("isLocked", false);
        r.put("lastActivity", now);
        r.put("creatorId", creatorId);
        r.put("created", now);
        rooms.put(id, r);
        return id;
    }

    synchronized Map<String, Object> room(String id) {
        return copy(rooms.get(id));
    }

    /** A new group room created by someone else (the bot is added to it next). */
    synchronized String newGroupRoom(String title, String creatorId) {
        String id = newRoom("group", title, creatorId);
        groupRoomByTitle.putIfAbsent(title, id);
        return id;
    }

    /** The rooms the bot is a member of, as GET /rooms lists them. */
    synchronized List<Map<String, Object>> botRooms() {
        List<Map<String, Object>> out = new ArrayList<>();
        rooms.values().stream().filter(r -> !roomsLeft.contains(r.get("id"))).forEach(r -> out.add(copy(r)));
        return out;
    }

    synchronized void botLeft(String roomId, boolean left) {
        if (left) {
            roomsLeft.add(roomId);
        } else {
            roomsLeft.remove(roomId);
        }
    }

    // ---- messages ----------------------------------------------------------------------------------------

    /**
     * Stores a message authored by {@code personId}. In group rooms a person's message is stored as mentioning the
     * bot, because Webex only shows (and only fires webhooks for) group messages that mention the bot.
     */
    synchronized Map<String, Object> addMessage(String personId, String roomId, String text, String markdown,
                                                String parentId, List<?> attachments) {
        return addMessage(personId, roomId, text, markdown, parentId, attachments, null);
    }

    /** As above, with the URLs of the message's files ({@code files}, as Webex lists them). */
    synchronized Map<String, Object> addMessage(String personId, String roomId, String text, String markdown,
                                                String parentId, List<?> attachments, List<String> fileUrls) {
        Map<String, Object> room = rooms.get(roomId);
        Map<String, Object> author = people.get(personId);
        if (room == null || author == null) {
            throw new IllegalArgumentException("unknown room or person");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", SimIds.newId("MESSAGE"));
        if (parentId != null) {
            m.put("parentId", parentId);
        }
        m.put("roomId", roomId);
        m.put("roomType", room.get("type"));
        if (text != null) {
            m.put("text", text);
        }
        if (markdown != null) {
            m.put("markdown", markdown);
        }
        if (attachments != null && !attachments.isEmpty()) {
            m.put("attachments", attachments);
        }
        if (fileUrls != null && !fileUrls.isEmpty()) {
            m.put("files", List.copyOf(fileUrls));
        }
        m.put("personId", personId);
        m.put("personEmail", ((List<?>) author.get("emails")).get(0));
        if ("group".equals(room.get("type")) && !botId.equals(personId)) {
            m.put("mentionedPeople", List.of(botId));
            // A text starting with the bot's first name is what a client sends for an @mention: Webex flattens the
            // mention to the name in text and keeps it as <spark-mention> in html.
            String first = String.valueOf(people.get(botId).get("nickName"));
            if (text != null && (text.equals(first) || text.startsWith(first + " "))) {
                m.put("html", "<p><spark-mention data-object-type=\"person\" data-object-id=\"" + botId + "\">" + first
                        + "</spark-mention>" + text.substring(first.length()) + "</p>");
            }
        }
        m.put("created", SimIds.now());
        room.put("lastActivity", m.get("created"));
        messages.put((String) m.get("id"), m);
        notifyAll(); // wakes awaitBotMessages / the control endpoint waiting for replies
        return copy(m);
    }

    synchronized Map<String, Object> message(String id) {
        return copy(messages.get(id));
    }

    synchronized List<Map<String, Object>> messagesBy(String personId) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> m : messages.values()) {
            if (personId.equals(m.get("personId"))) {
                out.add(copy(m));
            }
        }
        return out;
    }

    synchronized List<Map<String, Object>> messagesIn(String roomId) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> m : messages.values()) {
            if (roomId.equals(m.get("roomId"))) {
                out.add(copy(m));
            }
        }
        return out;
    }

    /** Blocks until the supplier returns a non-null value or the timeout passes; re-checked on every store change. */
    synchronized <T> T await(Supplier<T> check, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value;
        while ((value = check.get()) == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return value;
    }

    // ---- files ---------------------------------------------------------------------------------------------

    /**
     * A file as the simulator serves it. {@code servedType} and {@code announcedLength} are faults for tests: the
     * Content-Type of the GET when it differs from the file's, the Content-Length a HEAD announces when it lies.
     */
    record StoredFile(String id, String name, String contentType, byte[] content, String servedType, Long announcedLength) {
    }

    /** Stores a file and returns its content id. */
    synchronized String addFile(String name, String contentType, byte[] content) {
        String id = SimIds.newId("CONTENT");
        files.put(id, new StoredFile(id, name, contentType, content.clone(), null, null));
        return id;
    }

    synchronized StoredFile file(String id) {
        return files.get(id);
    }

    /** Makes the file misbehave: null leaves that part as it is. */
    synchronized boolean fileFault(String id, String servedType, Long announcedLength) {
        StoredFile f = files.get(id);
        if (f == null) {
            return false;
        }
        files.put(id, new StoredFile(id, f.name(), f.contentType(), f.content(),
                servedType != null ? servedType : f.servedType(),
                announcedLength != null ? announcedLength : f.announcedLength()));
        return true;
    }

    // ---- attachment actions -----------------------------------------------------------------------------

    synchronized Map<String, Object> addAttachmentAction(String personId, String messageId, Map<String, Object> inputs) {
        Map<String, Object> msg = messages.get(messageId);
        if (msg == null) {
            throw new IllegalArgumentException("unknown message");
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", SimIds.newId("ATTACHMENT_ACTION"));
        a.put("type", "submit");
        a.put("messageId", messageId);
        a.put("inputs", inputs == null ? Map.of() : new LinkedHashMap<>(inputs));
        a.put("personId", personId);
        a.put("roomId", msg.get("roomId"));
        a.put("created", SimIds.now());
        actions.put((String) a.get("id"), a);
        return copy(a);
    }

    synchronized Map<String, Object> attachmentAction(String id) {
        return copy(actions.get(id));
    }

    // ---- listings for the playground ---------------------------------------------------------------------

    synchronized List<Map<String, Object>> allPeople() {
        return copies(people.values());
    }

    synchronized List<Map<String, Object>> allRooms() {
        return copies(rooms.values());
    }

    /** A copy of each, in their order. */
    static List<Map<String, Object>> copies(Collection<Map<String, Object>> all) {
        List<Map<String, Object>> out = new ArrayList<>(all.size());
        all.forEach(m -> out.add(copy(m)));
        return out;
    }

    /** A copy a caller may change (every getter of the simulator's data returns one). */
    static Map<String, Object> copy(Map<String, Object> m) {
        return m == null ? null : new LinkedHashMap<>(m);
    }
}
