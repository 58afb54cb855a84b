package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A kafka: destination against a real Kafka (KRaft, broker and controller in this JVM): every event arrives as a
 * CloudEvent keyed by its room id, so a room's events land in one partition, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaDestinationTest {
    private static final String TOPIC = "webex-events";
    private KafkaRaftServer kafka;
    private String brokers;
    private RouterHarness router;

    @BeforeAll
    void start() throws Exception {
        int brokerPort = freePort();
        int controllerPort = freePort();
        Path logs = Files.createDirectories(Path.of("target", "test-kafka", UUID.randomUUID().toString()));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logs.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        new Formatter().setPrintStream(System.out).setNodeId(1).setClusterId(Uuid.randomUuid().toString())
                .addDirectory(logs.toString()).setMetadataLogDirectory(logs.toString())
                .setControllerListenerName("CONTROLLER").setReleaseVersion(MetadataVersion.LATEST_PRODUCTION).run();
        kafka = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        kafka.startup();
        brokers = "127.0.0.1:" + brokerPort;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        }
        router = new RouterHarness(Map.of(
                "camel.main.routes-include-pattern", "file:routes/*.yaml,file:src/test/resources/forward/kafka-destination.yaml",
                "test.kafka-brokers", brokers, "processing.max-attempts", "1000")).start();
        router.registerWebhooks();
    }

    @AfterAll
    void stop() throws Exception {
        if (router != null) {
            router.close();
        }
        if (kafka != null) {
            kafka.shutdown();
            kafka.awaitShutdown();
        }
    }

    @Test
    void everyEventIsAKafkaRecordKeyedByItsRoomInTheRoomsOrder() throws Exception {
        String room1 = router.webex.groupRoom("Kafka room 1");
        String room2 = router.webex.groupRoom("Kafka room 2");
        List<String> texts = List.of("k1", "k2", "k3");
        for (String text : texts) {
            router.webex.say("kafka@example.com", room1, text);
            router.webex.say("kafka@example.com", room2, text);
        }
        Properties consumerProps = new Properties();
        consumerProps.put("bootstrap.servers", brokers);
        consumerProps.put("group.id", "test-" + UUID.randomUUID());
        consumerProps.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            await("6 records on " + TOPIC).atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add); // the poll itself waits for records
                return records.size() >= 6;
            });
        }
        assertEquals(6, records.size());
        for (String room : List.of(room1, room2)) {
            List<ConsumerRecord<String, String>> ofRoom = records.stream().filter(r -> room.equals(r.key())).toList();
            assertEquals(texts, ofRoom.stream().map(r -> text(r.value())).toList(), "in the room's order");
            assertEquals(1, new HashSet<>(ofRoom.stream().map(ConsumerRecord::partition).toList()).size(), "one partition");
            Map<?, ?> ce = RouterHarness.JSON.readValue(ofRoom.get(0).value(), Map.class);
            assertEquals("com.webex.messages.created", ce.get("type"));
            assertEquals(room, ce.get("subject"));
        }
    }

    private static String text(String cloudEvent) {
        try {
            Map<?, ?> data = (Map<?, ?>) RouterHarness.JSON.readValue(cloudEvent, Map.class).get("data");
            return String.valueOf(((Map<?, ?>) data.get("message")).get("text"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
