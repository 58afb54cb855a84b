package dev.wbxt.router.webhooks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.wbxt.router.webex.WebexClient;
import dev.wbxt.router.webex.WebexOperation;

/**
 * Makes the bot's webhooks for one target URL what the configuration says: exactly one per resource/event, with
 * the current name and secret, active. Creates what is missing, updates what differs ({@code PUT} with name,
 * targetUrl, secret), reactivates inactive ones once they have been seen inactive for {@code reactivateAfterMillis}
 * (Webex lowers the disable threshold of a webhook re-enabled within five minutes of being disabled, and does not
 * say when it disabled it: the first time we saw it inactive is the best lower bound we have), and deletes duplicates.
 * Webhooks for any other target URL are never touched; neither are webhooks of this target with a filter or for a
 * resource/event that is not configured.
 */
public class WebhookReconciler {
    public static final String NAME_PREFIX = "webex-event-router ";
    private static final String INACTIVE_SINCE = "inactiveSince.";

    /** One resource/event pair, written {@code messages/created}. */
    public record Spec(String resource, String event) {
        public static Spec parse(String text) {
            String[] parts = text.trim().split("/");
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("a webhook is written resource/event, not '" + text + "'");
            }
            return new Spec(parts[0].trim(), parts[1].trim());
        }

        String name() {
            return NAME_PREFIX + resource + "/" + event;
        }

        @Override
        public String toString() {
            return resource + "/" + event;
        }
    }

    /** What one reconciliation did, by webhook id; {@code waiting}: inactive, not reactivated yet (the 5-minute rule). */
    public record Report(int listed, List<String> created, List<String> updated, List<String> reactivated,
                         List<String> deleted, List<String> waiting, List<String> newlyInactive) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("listed", listed);
            m.put("created", created);
            m.put("updated", updated);
            m.put("reactivated", reactivated);
            m.put("deleted", deleted);
            m.put("waiting", waiting);
            m.put("newlyInactive", newlyInactive);
            return m;
        }

        public boolean changedAnything() {
            return !(created.isEmpty() && updated.isEmpty() && reactivated.isEmpty() && deleted.isEmpty());
        }
    }

    private final java.util.function.Supplier<WebexClient> webexClient;
    private final JsonFileStore state;
    private final Integer pageSize;
    private final long reactivateAfterMillis;

    /** {@code state} remembers when each webhook was first seen inactive (null: in memory only, e.g. the command line). */
    public WebhookReconciler(java.util.function.Supplier<WebexClient> webex, JsonFileStore state, Integer pageSize, long reactivateAfterMillis) {
        this.webexClient = webex;
        this.state = state;
        this.pageSize = pageSize;
        this.reactivateAfterMillis = reactivateAfterMillis;
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> list() {
        return (List<Map<String, Object>>) webex().execute(WebexOperation.listWebhooks, null, null, pageSize).body();
    }

    private WebexClient webex() {
        return webexClient.get();
    }

    /**
     * One reconciliation at {@code nowMillis}. {@code reactivateAtOnce}: an operator's explicit sync, which reactivates
     * inactive webhooks without waiting (the operator knows the receiver is up again).
     */
    public synchronized Report reconcile(String targetUrl, String secret, List<Spec> specs, long nowMillis,
                                         boolean reactivateAtOnce) {
        List<Map<String, Object>> all = list();
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> reactivated = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        List<String> newlyInactive = new ArrayList<>();
        for (Spec spec : specs) {
            List<Map<String, Object>> candidates = all.stream()
                    .filter(w -> targetUrl.equals(w.get("targetUrl")) && spec.resource().equals(w.get("resource"))
                            && spec.event().equals(w.get("event")) && isBlank(w.get("filter")))
                    .toList();
            Map<String, Object> keep = candidates.stream().filter(WebhookReconciler::active).findFirst()
                    .orElse(candidates.isEmpty() ? null : candidates.get(0));
            for (Map<String, Object> duplicate : candidates) {
                if (duplicate != keep) {
                    String id = (String) duplicate.get("id");
                    webex().deleteWebhook(id);
                    forget(id);
                    deleted.add(id);
                }
            }
            if (keep == null) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", spec.name());
                body.put("targetUrl", targetUrl);
                body.put("resource", spec.resource());
                body.put("event", spec.event());
                body.put("secret", secret);
                created.add((String) webex().createWebhook(body).get("id"));
                continue;
            }
            String id = (String) keep.get("id");
            // Webex shows the secret to its owner; when it does not, a PUT is the only way to be sure it is ours.
            boolean differs = !spec.name().equals(keep.get("name")) || !Objects.equals(secret, keep.get("secret"));
            Map<String, Object> put = new LinkedHashMap<>();
            put.put("name", spec.name());
            put.put("targetUrl", targetUrl);
            put.put("secret", secret);
            if (active(keep)) {
                forget(id);
                if (differs) {
                    webex().updateWebhook(id, put);
                    updated.add(id);
                }
                continue;
            }
            long since = firstSeenInactive(id, nowMillis, newlyInactive);
            if (reactivateAtOnce || nowMillis - since >= reactivateAfterMillis) {
                put.put("status", "active");
                webex().updateWebhook(id, put);
                forget(id);
                reactivated.add(id);
            } else {
                if (differs) {
                    webex().updateWebhook(id, put); // without status: it stays inactive until its time comes
                    updated.add(id);
                }
                waiting.add(id);
            }
        }
        return new Report(all.size(), created, updated, reactivated, deleted, waiting, newlyInactive);
    }

    /** Deletes every webhook of the bot whose target is {@code targetUrl}; returns their ids. */
    public synchronized List<String> deleteAll(String targetUrl) {
        List<String> deleted = new ArrayList<>();
        for (Map<String, Object> w : list()) {
            if (targetUrl.equals(w.get("targetUrl"))) {
                String id = (String) w.get("id");
                webex().deleteWebhook(id);
                forget(id);
                deleted.add(id);
            }
        }
        return deleted;
    }

    /** A webhook as shown to operators: everything but the secret. */
    public static Map<String, Object> shown(Map<String, Object> webhook) {
        Map<String, Object> out = new LinkedHashMap<>(webhook);
        if (out.containsKey("secret")) {
            out.put("secret", "***");
        }
        return out;
    }

    private long firstSeenInactive(String id, long now, List<String> newlyInactive) {
        Object seen = state == null ? null : state.get(INACTIVE_SINCE + id);
        if (seen instanceof Number n) {
            return n.longValue();
        }
        newlyInactive.add(id);
        if (state != null) {
            state.put(INACTIVE_SINCE + id, now);
        }
        return now;
    }

    private void forget(String id) {
        if (state != null) {
            state.remove(INACTIVE_SINCE + id);
        }
    }

    private static boolean active(Map<String, Object> w) {
        return "active".equals(w.get("status"));
    }

    private static boolean isBlank(Object value) {
        return value == null || String.valueOf(value).isBlank();
    }
}
