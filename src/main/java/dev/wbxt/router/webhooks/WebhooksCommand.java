package dev.wbxt.router.webhooks;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wbxt.router.webex.WebexClient;
import dev.wbxt.router.webex.WebexConfiguration;
import dev.wbxt.router.config.Settings;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * {@code java -jar webex-event-router.jar webhooks list|sync|delete [--target URL]}: the operator's view of the bot's
 * webhooks, without starting the service. Needs only {@code WEBEX_BOT_TOKEN} (and {@code WEBEX_API_URL},
 * {@code WEBEX_WEBHOOK_SECRET} for sync), from the environment or {@code ./application.properties}.
 * Exit codes: 0 done, 1 failed (Webex refused, no token...), 2 wrong usage.
 */
public final class WebhooksCommand {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private WebhooksCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || !List.of("list", "sync", "delete").contains(args[1])) {
            err.println("usage: webex-event-router webhooks list|sync|delete [--target URL]");
            return 2;
        }
        String target = null;
        for (int i = 2; i < args.length; i++) {
            if ("--target".equals(args[i]) && i + 1 < args.length) {
                target = args[++i];
            } else {
                err.println("webex-event-router: unknown argument " + args[i]);
                return 2;
            }
        }
        String explicit = target;
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation(
                    "classpath:application.properties;optional=true,file:application.properties;optional=true");
            context.start();
            Settings settings = Settings.of(context); // environment variables first, as Camel's properties component has it
            String token = settings.text("webex.bot-token");
            if (token.isEmpty()) {
                err.println("webex-event-router: WEBEX_BOT_TOKEN is required for the webhooks command");
                return 1;
            }
            if (target == null) {
                target = settings.text("webex.webhook-target-url");
            }
            WebexConfiguration cfg = new WebexConfiguration();
            cfg.setBotToken(token);
            cfg.setApiUrl(settings.text("webex.api-url"));
            try (WebexClient client = new WebexClient(context, cfg)) {
                WebhookReconciler reconciler = new WebhookReconciler(() -> client, null, null, 0);
                Object result;
                switch (args[1]) {
                    case "list" -> result = Map.of("items", reconciler.list().stream()
                            .filter(w -> explicit == null || explicit.equals(w.get("targetUrl")))
                            .map(WebhookReconciler::shown).toList());
                    case "sync" -> {
                        String secret = settings.text("webex.webhook-secret");
                        if (target.isEmpty() || secret.isEmpty()) {
                            err.println("webex-event-router: sync needs --target URL (or WEBEX_WEBHOOK_TARGET_URL) and "
                                    + "WEBEX_WEBHOOK_SECRET");
                            return 2;
                        }
                        result = reconciler.reconcile(target, secret, WebhooksConfiguration.specs(settings),
                                System.currentTimeMillis(), true).toMap();
                    }
                    default -> {
                        if (target.isEmpty()) {
                            err.println("webex-event-router: delete needs --target URL");
                            return 2;
                        }
                        result = Map.of("target", target, "deleted", reconciler.deleteAll(target));
                    }
                }
                out.println(JSON.writeValueAsString(result));
                return 0;
            }
        } catch (Exception e) {
            err.println("webex-event-router: webhooks " + args[1] + " failed: " + e.getMessage());
            return 1;
        }
    }
}
