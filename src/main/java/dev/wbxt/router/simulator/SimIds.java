package dev.wbxt.router.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;

/** Ids and timestamps in the exact shapes real Webex uses, so code under test cannot tell the difference. */
final class SimIds {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private SimIds() {
    }

    /** Unpadded base64url of {@code ciscospark://us/KIND/<uuid>}, as Webex ids are. */
    static String newId(String kind) {
        String raw = "ciscospark://us/" + kind + "/" + UUID.randomUUID();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static String trackingId() {
        return "SIM_" + UUID.randomUUID();
    }

    /** ISO-8601 UTC with milliseconds, like {@code 2015-10-18T14:26:16.000Z}. */
    static String now() {
        return TIME.format(Instant.now());
    }
}
