package dev.wbxt.router.simulator;

import dev.wbxt.router.simulator.WebexSimulator.Delivery;
import dev.wbxt.router.simulator.WebexSimulator.Upload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the simulated people do, each stored and then fired as Webex fires it: a message (with files), a card
 * submit, the bot added to or removed from a room. The methods behind WebexSimulator's events and the control
 * endpoints (ControlHandler).
 */
final class SimulatedUsers {
    private final SimulatorStore store;
    private final WebhookDispatcher dispatcher;
    private final Supplier<String> apiUrl;

    SimulatedUsers(SimulatorStore store, WebhookDispatcher dispatcher, Supplier<String> apiUrl) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.apiUrl = apiUrl;
    }

    /**
     * Someone adds the bot to a new group room: fires memberships/created with the bot as {@code data.personId} and
     * the adder as {@code actorId}, as Webex does. Returns the room id.
     */
    String addBotToRoom(String title, String actorEmail) {
        String actorId = (String) store.person(actorEmail).get("id");
        String roomId = store.newGroupRoom(title, actorId);
        Map<String, Object> m = membership(roomId);
        dispatcher.dispatch("memberships", "created", actorId, m, m);
        return roomId;
    }

    /** Someone removes the bot from the room: GET /rooms stops listing it, memberships/deleted is fired. */
    void removeBotFromRoom(String roomId, String actorEmail) {
        String actorId = (String) store.person(actorEmail).get("id");
        store.botLeft(roomId, true);
        Map<String, Object> m = membership(roomId);
        dispatcher.dispatch("memberships", "deleted", actorId, m, m);
    }

    private Map<String, Object> membership(String roomId) {
        Map<String, Object> bot = store.bot();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", SimIds.newId("MEMBERSHIP"));
        data.put("roomId", roomId);
        data.put("personId", bot.get("id"));
        data.put("personEmail", ((List<?>) bot.get("emails")).get(0));
        data.put("personDisplayName", bot.get("displayName"));
        data.put("personOrgId", store.orgId());
        data.put("isModerator", false);
        data.put("isMonitor", false);
        data.put("created", SimIds.now());
        return data;
    }

    /** That person submits a card on the message; fires attachmentActions/created (without the inputs, as Webex). */
    List<Delivery> submitCard(String email, String messageId, Map<String, Object> inputs) {
        String personId = (String) store.person(email).get("id");
        Map<String, Object> a = store.addAttachmentAction(personId, messageId, inputs);
        Map<String, Object> data = new LinkedHashMap<>(a);
        data.remove("inputs");
        return dispatcher.dispatch("attachmentActions", "created", personId, data, a);
    }

    /** That person's message, stored, no webhook yet: its files are stored and listed by their content URLs. */
    Map<String, Object> post(String email, String roomId, String text, List<Upload> files) {
        String personId = author(email, roomId);
        List<String> urls = new ArrayList<>();
        for (Upload f : files) {
            urls.add(apiUrl.get() + "/contents/" + store.addFile(f.name(), f.contentType(), f.content()));
        }
        return store.addMessage(personId, roomId, text, null, null, null, urls);
    }

    /** The same with {@code files} as given, whatever they are (a hostile or broken client). */
    Map<String, Object> postWithFileUrls(String email, String roomId, String text, List<String> urls) {
        return store.addMessage(author(email, roomId), roomId, text, null, null, null, urls);
    }

    /** The id of the person with that email (created on first use), once the room is known to exist. */
    private String author(String email, String roomId) {
        String personId = (String) store.person(email).get("id");
        if (store.room(roomId) == null) {
            throw new IllegalArgumentException("unknown room " + roomId);
        }
        return personId;
    }
}
