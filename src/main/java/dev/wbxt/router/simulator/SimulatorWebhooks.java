package dev.wbxt.router.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's registered webhooks, as Webex keeps them (create, read, list, PUT, delete, a status set by tests).
 * A monitor of its own: nothing waits on a webhook change, unlike the store's messages (SimulatorStore); every
 * getter returns copies.
 */
final class SimulatorWebhooks {
    private final Map<String, Map<String, Object>> webhooks = new LinkedHashMap<>();
    private final String orgId;
    private final String appId;
    private final String botId;

    /** Webhooks created by the bot {@code botId} of application {@code appId} in organization {@code orgId}. */
    SimulatorWebhooks(String orgId, String appId, String botId) {
        this.orgId = orgId;
        this.appId = appId;
        this.botId = botId;
    }

    synchronized Map<String, Object> addWebhook(Map<String, Object> req) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("id", SimIds.newId("WEBHOOK"));
        w.put("name", req.get("name"));
        w.put("targetUrl", req.get("targetUrl"));
        w.put("resource", req.get("resource"));
        w.put("event", req.get("event"));
        if (req.get("filter") != null) {
            w.put("filter", req.get("filter"));
        }
        if (req.get("secret") != null) {
            w.put("secret", req.get("secret"));
        }
        w.put("orgId", orgId);
        w.put("createdBy", botId);
        w.put("appId", appId);
        w.put("ownedBy", "creator");
        w.put("status", "active");
        w.put("created", SimIds.now());
        webhooks.put((String) w.get("id"), w);
        return copy(w);
    }

    synchronized Map<String, Object> webhook(String id) {
        return copy(webhooks.get(id));
    }

    synchronized List<Map<String, Object>> webhooks() {
        return SimulatorStore.copies(webhooks.values());
    }

    /** PUT semantics of Webex: name and targetUrl replaced; secret and status only when given. */
    synchronized Map<String, Object> updateWebhook(String id, Map<String, Object> req) {
        Map<String, Object> w = webhooks.get(id);
        if (w == null) {
            return null;
        }
        w.put("name", req.get("name"));
        w.put("targetUrl", req.get("targetUrl"));
        if (req.get("secret") != null) {
            w.put("secret", req.get("secret"));
        }
        if (req.get("status") != null) {
            w.put("status", req.get("status"));
        }
        return copy(w);
    }

    synchronized boolean deleteWebhook(String id) {
        return webhooks.remove(id) != null;
    }

    synchronized boolean setWebhookStatus(String id, String status) {
        Map<String, Object> w = webhooks.get(id);
        if (w == null) {
            return false;
        }
        w.put("status", status);
        return true;
    }

    private static Map<String, Object> copy(Map<String, Object> m) {
        return SimulatorStore.copy(m);
    }
}
