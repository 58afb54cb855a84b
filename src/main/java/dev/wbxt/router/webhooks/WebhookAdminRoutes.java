package dev.wbxt.router.webhooks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wbxt.router.admin.AdminAuth;
import dev.wbxt.router.admin.AdminRouteBuilder;

/**
 * {@code GET /admin/webhooks} (the bot's webhooks, secrets masked), {@code POST /admin/webhooks/sync} (reconcile the
 * configured target now; an operator's explicit sync reactivates inactive webhooks at once), and
 * {@code DELETE /admin/webhooks?target=URL} (remove every webhook of that target).
 */
public class WebhookAdminRoutes extends AdminRouteBuilder {
    private final WebhookReconciler reconciler;
    private final String targetUrl;
    private final String secret;
    private final List<WebhookReconciler.Spec> specs;

    public WebhookAdminRoutes(AdminAuth auth, WebhookReconciler reconciler, String targetUrl, String secret,
                              List<WebhookReconciler.Spec> specs) {
        super(auth);
        this.reconciler = reconciler;
        this.targetUrl = targetUrl;
        this.secret = secret;
        this.specs = specs;
    }

    @Override
    protected void configureAdmin() {
        admin("GET", "/webhooks", "admin-webhooks-list").process(e -> reply(e, 200,
                Map.of("items", reconciler.list().stream().map(WebhookReconciler::shown).toList())));
        admin("POST", "/webhooks/sync", "admin-webhooks-sync").process(e -> {
            Map<String, Object> req = requestBody(e);
            String target = req.get("target") == null ? targetUrl : String.valueOf(req.get("target"));
            if (target.isBlank()) {
                throw new IllegalArgumentException("no target: set WEBEX_WEBHOOK_TARGET_URL or send {\"target\": URL}");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("target", target);
            out.putAll(reconciler.reconcile(target, secret, specs, System.currentTimeMillis(), true).toMap());
            reply(e, 200, out);
        });
        admin("DELETE", "/webhooks", "admin-webhooks-delete").process(e -> {
            String target = e.getMessage().getHeader("target", String.class);
            if (target == null || target.isBlank()) {
                throw new IllegalArgumentException("the target query parameter is required: DELETE /admin/webhooks?target=URL");
            }
            reply(e, 200, Map.of("target", target, "deleted", reconciler.deleteAll(target)));
        });
    }
}
