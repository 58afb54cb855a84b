package dev.wbxt.router.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Routing by convention against a real CamelContext: its direct: routes, one added while it runs. */
class DirectRoutesTest {
    @Test
    void aNameGoesToItsRouteWhenOneConsumesItOtherwiseToTheFallback() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:resource-messages").log("m");
                    from("direct:other-resources").log("o");
                    from("direct:resource-a?timeout=5000").log("with options");
                }
            });
            camel.start();
            DirectRoutes routes = new DirectRoutes(camel);
            assertEquals("resource-messages", routes.pick("resource-", "messages", "other-resources"));
            assertEquals("resource-a", routes.pick("resource-", "a", "other-resources"), "options are not the name");
            assertEquals("other-resources", routes.pick("resource-", "meetings", "other-resources"), "no such route");
            for (String unsafe : new String[] {null, "", "../messages", "messages?x=1", "-messages", "a b", "é"}) {
                assertEquals("other-resources", routes.pick("resource-", unsafe, "other-resources"), "not a word: " + unsafe);
            }

            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:resource-meetings").routeId("meetings").log("added");
                }
            });
            assertEquals("resource-meetings", routes.pick("resource-", "meetings", "other-resources"),
                    "a route added while running is found at the next event");

            camel.getRouteController().stopRoute("meetings");
            camel.removeRoute("meetings"); // what a hot reload does before it adds the file's routes again
            assertEquals("resource-meetings", routes.pick("resource-", "meetings", "other-resources"),
                    "kept while its file reloads: the direct: producer waits for the consumer to be back");
            assertEquals(java.util.Set.of("messages", "a", "meetings"), routes.names("resource-"),
                    "the names after a prefix, the kept one too");
        }
    }
}
