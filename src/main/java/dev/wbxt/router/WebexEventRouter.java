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
        Main main = new Main(WebexEventRouter.class);
        // The defaults travel inside the jar; ./application.properties, when present, overrides them.
        main.setDefaultPropertyPlaceholderLocation(
                "classpath:application.properties;optional=true,file:application.properties;optional=true");
        int exitCode;
        try {
            exitCode = main.run(args);
        } catch (Exception e) {
            exitCode = 1;
        }
        if (exitCode != 0 && main.getCamelContext() == null || exitCode != 0) {
            System.err.println("webex-event-router did not start: see the error above");
        }
        System.exit(exitCode);
    }
}
