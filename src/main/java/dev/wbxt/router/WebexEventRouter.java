package dev.wbxt.router;

import org.apache.camel.main.Main;

/**
 * Starts the service: {@code java -jar target/webex-event-router.jar}, from the folder holding
 * {@code application.properties} and {@code routes/}. Another properties file: {@code -pl file:/path/to/file}.
 */
public final class WebexEventRouter {
    private WebexEventRouter() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(newMain().run(args));
    }

    /** The service, not started: Java wiring from {@link RouterConfiguration}, routes from {@code routes/*.yaml}. */
    public static Main newMain() {
        Main main = new Main();
        main.configure().addConfiguration(RouterConfiguration.class);
        // The defaults travel inside the jar; ./application.properties, when present, overrides them.
        main.setDefaultPropertyPlaceholderLocation(
                "classpath:application.properties;optional=true,file:application.properties;optional=true");
        return main;
    }
}
