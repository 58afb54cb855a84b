package dev.wbxt.router.processing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The newest {@code capacity} keys, oldest first: a set with a bound, as a {@link java.util.LinkedHashSet} trimmed
 * from its head, laid out for the garbage collector rather than for generality. Not thread-safe.
 * <p>
 * Why not a LinkedHashSet: the replied-events record holds 100,000 keys for minutes, so its table sits in the old
 * generation while every event writes a new entry into a random bucket of it and unlinks the oldest. Each such write
 * dirties a card of the old generation, and every young collection scans the dirty cards for references to young
 * objects. At 1,000 events/s the serial collector's young pause was 4.7-5.0 ms with a LinkedHashSet, 3.7 ms with
 * this (BENCHMARKS.md "The young collections"); a key took about 185 bytes (entry, String, bytes, bucket), 140 here.
 * <p>
 * Here a key is its UTF-8 bytes, kept in a ring in the order added (written sequentially: a few cards per
 * collection), and found through an index of primitive longs (a 32-bit hash and the key's place in the ring, linear
 * probing), which the collector never scans. A lookup compares the bytes themselves: exact, no false positive.
 */
final class RecentKeys {
    private final int capacity;
    private byte[][] ring;      // keys in the order added; null where a key was removed
    private int head;           // the oldest place in the ring
    private int used;           // places from head on, removed ones included
    private int size;           // keys held
    private final long[] index; // (hash << 32) | (place + 1); 0 is empty
    private final int mask;

    RecentKeys(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.ring = new byte[Math.min(capacity + 1, 1024)][];
        int slots = Integer.highestOneBit(Math.max(4, capacity + 1) * 2 - 1) << 1; // load at most 1/2
        this.index = new long[slots];
        this.mask = slots - 1;
    }

    int size() {
        return size;
    }

    boolean contains(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return find(bytes, hash(bytes)) >= 0;
    }

    /** Adds the key as the newest, forgetting the oldest beyond the capacity; false if it is held already. */
    boolean add(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int hash = hash(bytes);
        if (find(bytes, hash) >= 0) {
            return false;
        }
        if (used == ring.length) {
            makeRoom();
        }
        int place = (head + used) % ring.length;
        ring[place] = bytes;
        used++;
        size++;
        insert(hash, place);
        while (size > capacity) {
            removeOldest();
        }
        return true;
    }

    /** Forgets the key; false if it was not held. */
    boolean remove(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int slot = find(bytes, hash(bytes));
        if (slot < 0) {
            return false;
        }
        ring[place(index[slot])] = null;
        delete(slot);
        size--;
        return true;
    }

    void clear() {
        Arrays.fill(ring, null);
        Arrays.fill(index, 0L);
        head = 0;
        used = 0;
        size = 0;
    }

    /** Writes each key held, the oldest first, as one UTF-8 line. */
    void writeLines(OutputStream out) throws IOException {
        for (int i = 0; i < used; i++) {
            byte[] key = ring[(head + i) % ring.length];
            if (key != null) {
                out.write(key);
                out.write('\n');
            }
        }
    }

    private void removeOldest() {
        byte[] oldest;
        while ((oldest = ring[head]) == null) { // places of removed keys
            advanceHead();
        }
        delete(find(oldest, hash(oldest)));
        ring[head] = null;
        advanceHead();
        size--;
    }

    private void advanceHead() {
        head = (head + 1) % ring.length;
        used--;
    }

    /**
     * The ring is full: drops the places of removed keys, or grows it (up to the capacity plus one) when there are
     * none; the keys keep their order, and the index is built again for their new places.
     */
    private void makeRoom() {
        byte[][] keys = new byte[size < ring.length ? ring.length : Math.min(capacity + 1, ring.length * 2)][];
        int n = 0;
        for (int i = 0; i < used; i++) {
            byte[] key = ring[(head + i) % ring.length];
            if (key != null) {
                keys[n++] = key;
            }
        }
        ring = keys;
        head = 0;
        used = n;
        Arrays.fill(index, 0L);
        for (int place = 0; place < n; place++) {
            insert(hash(keys[place]), place);
        }
    }

    /** The index slot of the key, or -1. */
    private int find(byte[] key, int hash) {
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            long entry = index[slot];
            if (entry == 0L) {
                return -1;
            }
            if ((int) (entry >>> 32) == hash && Arrays.equals(ring[place(entry)], key)) {
                return slot;
            }
        }
    }

    private void insert(int hash, int place) {
        int slot = hash & mask;
        while (index[slot] != 0L) {
            slot = (slot + 1) & mask;
        }
        index[slot] = ((long) hash << 32) | (place + 1L);
    }

    /** Empties a slot, moving back the entries after it that linear probing placed past it (no tombstones). */
    private void delete(int slot) {
        int gap = slot;
        for (int next = (gap + 1) & mask; index[next] != 0L; next = (next + 1) & mask) {
            int home = (int) (index[next] >>> 32) & mask;
            // the entry at next may move to gap when gap lies on its probe path: cyclically in [home, next)
            if (((next - home) & mask) >= ((next - gap) & mask)) {
                index[gap] = index[next];
                gap = next;
            }
        }
        index[gap] = 0L;
    }

    private static int place(long entry) {
        return (int) entry - 1;
    }

    /** The bytes' hash, mixed (murmur3's finalizer) so that the low bits pick the slot evenly. */
    private static int hash(byte[] key) {
        int h = Arrays.hashCode(key);
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
