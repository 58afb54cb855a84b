package dev.wbxt.router.mercury;

/** Whether the websocket is open, and since when it is not: read by the health check and the metrics. */
public final class SocketStatus {
    private volatile long disconnectedSince = System.currentTimeMillis();

    /** 0 while connected; otherwise when the socket closed (or the service started). */
    public long disconnectedSince() {
        return disconnectedSince;
    }

    public boolean connected() {
        return disconnectedSince == 0;
    }

    void opened() {
        disconnectedSince = 0;
    }

    void closed() {
        if (disconnectedSince == 0) {
            disconnectedSince = System.currentTimeMillis();
        }
    }
}
