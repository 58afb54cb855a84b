package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wbxt.router.simulator.WebexSimulator;

/**
 * The bot's replies in the simulator, by room, each as the tag of the event it answers (the echo bot repeats the
 * user's text, which carries a unique tag such as {@code crash-a-r3-m07}): what the process-level ITs check for
 * "answered, once, in order".
 */
record BotReplies(Map<String, List<String>> repliesPerRoom) {

    /** The replies now in these rooms; a reply without a tag counts as {@code ?<message id>}. */
    static BotReplies in(WebexSimulator webex, List<String> roomIds, Pattern tag) {
        return in(webex, roomIds, tag, message -> false);
    }

    /** The same, leaving out the replies {@code ignored} picks (the answers to markers, say). */
    static BotReplies in(WebexSimulator webex, List<String> roomIds, Pattern tag,
                         Predicate<Map<String, Object>> ignored) {
        Map<String, List<String>> perRoom = new LinkedHashMap<>();
        String bot = (String) webex.bot().get("id");
        for (String room : roomIds) {
            List<String> tags = new ArrayList<>();
            for (Map<String, Object> m : webex.messagesIn(room)) {
                if (bot.equals(m.get("personId")) && !ignored.test(m)) {
                    Matcher found = tag.matcher(String.valueOf(m.get("markdown")));
                    String last = null;
                    while (found.find()) {
                        last = found.group();
                    }
                    tags.add(last == null ? "?" + m.get("id") : last);
                }
            }
            perRoom.put(room, tags);
        }
        return new BotReplies(perRoom);
    }

    Map<String, Integer> counts() {
        Map<String, Integer> counts = new TreeMap<>();
        repliesPerRoom.values().forEach(tags -> tags.forEach(t -> counts.merge(t, 1, Integer::sum)));
        return counts;
    }

    int answered() {
        return counts().size();
    }

    int duplicated() {
        return counts().values().stream().mapToInt(c -> c - 1).sum();
    }

    Map<String, Integer> duplicates() {
        Map<String, Integer> d = new TreeMap<>();
        counts().forEach((tag, n) -> {
            if (n > 1) {
                d.put(tag, n);
            }
        });
        return d;
    }

    List<String> missing(Map<String, List<String>> expectedPerRoom) {
        Map<String, Integer> counts = counts();
        return expectedPerRoom.values().stream().flatMap(List::stream).filter(t -> !counts.containsKey(t)).toList();
    }

    /** Each room's replies (the first of each event) come in the order given for it; prints the count as {@code test}. */
    void assertOrder(String test, Map<String, List<String>> expectedPerRoom) {
        int outOfOrder = 0;
        StringBuilder detail = new StringBuilder();
        for (Map.Entry<String, List<String>> room : expectedPerRoom.entrySet()) {
            List<String> firsts = repliesPerRoom.getOrDefault(room.getKey(), List.of()).stream()
                    .distinct().filter(room.getValue()::contains).toList();
            List<String> expected = List.copyOf(room.getValue());
            if (!firsts.equals(expected)) {
                outOfOrder++;
                detail.append("\n  expected ").append(expected).append("\n  replied  ").append(firsts);
            }
        }
        System.out.printf("[%s] per-room order: %d of %d rooms in order%n", test,
                expectedPerRoom.size() - outOfOrder, expectedPerRoom.size());
        assertEquals(0, outOfOrder, "replies in the order the room's events were received:" + detail);
    }
}
