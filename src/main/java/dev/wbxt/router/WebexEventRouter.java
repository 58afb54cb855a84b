package dev.wbxt.router;

import org.apache.camel.main.Main;

public final class WebexEventRouter {
    public static void main(String[] args) throws Exception {
        new Main(WebexEventRouter.class).run(args);
    }
}
