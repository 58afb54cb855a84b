package dev.wbxt.router.simulator;

import dev.wbxt.router.simulator.WebexSimulator.Delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last webhook deliveries, numbered, for the playground's "webhooks delivered" panel: what was POSTed (the
 * payload, as sent) and what the receiver answered. Bounded: the oldest entries are dropped.
 */
final class DeliveryLog {
    static final int CAPACITY = 500;

    private final Deque<Map<String, Object>> entries = new ArrayDeque<>();
    private long next = 1;

    synchronized void add(Delivery d) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("seq", next++);
        e.put("time", SimIds.now());
        e.put("webhookId", d.webhookId());
        e.put("targetUrl", d.targetUrl());
        e.put("status", d.status());
        e.put("answer", d.body());
        e.put("payload", d.payload());
        entries.addLast(e);
        if (entries.size() > CAPACITY) {
            entries.removeFirst();
        }
    }

    /** The entries numbered above {@code after}, oldest first. */
    synchronized List<Map<String, Object>> after(long after) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> e : entries) {
            if ((Long) e.get("seq") > after) {
                out.add(new LinkedHashMap<>(e));
            }
        }
        return out;
    }
}
