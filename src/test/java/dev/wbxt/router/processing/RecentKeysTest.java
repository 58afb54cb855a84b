package dev.wbxt.router.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** RecentKeys holds what a LinkedHashSet trimmed from its head would hold, in the same order. */
class RecentKeysTest {

    @Test
    void theNewestKeysAreKeptInTheOrderAdded() throws Exception {
        RecentKeys keys = new RecentKeys(3);
        assertTrue(keys.add("a"));
        assertFalse(keys.add("a"), "a key is held once");
        assertTrue(keys.add("b"));
        assertTrue(keys.add("c"));
        assertTrue(keys.add("d"));
        assertFalse(keys.contains("a"), "beyond the capacity the oldest is forgotten");
        assertTrue(keys.remove("c"));
        assertFalse(keys.remove("c"));
        assertTrue(keys.add("c"), "a removed key comes back as the newest");
        assertEquals(List.of("b", "d", "c"), lines(keys));
        keys.clear();
        assertEquals(0, keys.size());
        assertFalse(keys.contains("b"));
        assertThrows(IllegalArgumentException.class, () -> new RecentKeys(0));
    }

    @Test
    void keysWithTheSameHashAreToldApartByTheirBytes() {
        RecentKeys keys = new RecentKeys(10);
        assertEquals("Aa".hashCode(), "BB".hashCode()); // the same bytes' hash as well: the same slot
        assertTrue(keys.add("Aa"));
        assertFalse(keys.contains("BB"));
        assertTrue(keys.add("BB"));
        assertTrue(keys.remove("Aa"));
        assertTrue(keys.contains("BB"), "removing one moves the other back into its slot");
        assertTrue(keys.add("ü-é"));
        assertTrue(keys.contains("ü-é"));
    }

    @Test
    void randomAddsAndRemovesMatchALinkedHashSet() throws Exception {
        for (int capacity : new int[] {1, 7, 100, 3000}) {
            Random random = new Random(capacity);
            RecentKeys keys = new RecentKeys(capacity);
            LinkedHashSet<String> model = new LinkedHashSet<>();
            int universe = capacity * 3 + 5;
            for (int step = 0; step < 40_000; step++) {
                String key = "messages:created:" + random.nextInt(universe);
                switch (random.nextInt(10)) {
                    case 0, 1 -> assertEquals(model.remove(key), keys.remove(key), "remove " + key);
                    case 2, 3 -> assertEquals(model.contains(key), keys.contains(key), "contains " + key);
                    default -> {
                        boolean added = model.add(key);
                        for (Iterator<String> oldest = model.iterator(); model.size() > capacity; ) {
                            oldest.next();
                            oldest.remove();
                        }
                        assertEquals(added, keys.add(key), "add " + key);
                    }
                }
                assertEquals(model.size(), keys.size());
            }
            assertEquals(new ArrayList<>(model), lines(keys), "capacity " + capacity);
        }
    }

    private static List<String> lines(RecentKeys keys) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        keys.writeLines(out);
        String text = out.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
}
