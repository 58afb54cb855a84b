package dev.wbxt.router;

import dev.wbxt.router.ingest.EventHeaders;

import dev.wbxt.router.broker.BrokerConnection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: the receiver stores over Artemis' core client, and a JMS consumer of {@code wbxt.events} must see what the
 * JMS sender stored before: a persistent TextMessage whose text is the notification, with the string properties
 * {@code WbxtEventKey}, {@code WbxtResource}, {@code WbxtEvent}, {@code _AMQ_DUPL_ID}, the long {@code WbxtReceivedAt},
 * {@code JMSXGroupID} = the room id, and a JMS message id. The service runs without processing routes (an empty
 * routes folder), so the stored message waits in the queue to be browsed.
 */
class StoredMessageContractTest {

    @Test
    void aJmsConsumerSeesTheTextMessageTheJmsSenderStored() throws Exception {
        Path noRoutes = Files.createDirectories(Path.of("target", "test-data", "no-routes"));
        try (RouterHarness router = new RouterHarness(Map.of("routes.dir", noRoutes.toString()))) {
            router.start();
            String room = router.webex.directRoom("shape@example.com");
            Map<String, Object> message = router.newMessage("shape@example.com", room, "the stored shape");
            String body = RouterHarness.JSON.writeValueAsString(router.messageCreated(message));
            long before = System.currentTimeMillis();
            assertEquals(200, router.deliver(body).statusCode());

            try (Connection connection = new ActiveMQConnectionFactory(router.context().getRegistry()
                    .lookupByNameAndType("brokerConnection", BrokerConnection.class).login().url()).createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                connection.start();
                QueueBrowser browser = session.createBrowser(session.createQueue("wbxt.events"));
                List<Message> stored = Collections.list(browser.getEnumeration()).stream().map(m -> (Message) m).toList();
                assertEquals(1, stored.size(), "one stored event");
                TextMessage text = assertInstanceOf(TextMessage.class, stored.get(0));
                assertEquals(body, text.getText(), "the notification as received");
                String key = "messages:created:" + message.get("id");
                assertEquals(key, text.getStringProperty(EventHeaders.EVENT_KEY));
                assertEquals(key, text.getStringProperty(EventHeaders.DUPLICATE_ID), "the broker's duplicate id");
                assertEquals("messages", text.getStringProperty(EventHeaders.RESOURCE));
                assertEquals("created", text.getStringProperty(EventHeaders.EVENT));
                assertInstanceOf(Long.class, text.getObjectProperty(EventHeaders.RECEIVED_AT));
                assertTrue(text.getLongProperty(EventHeaders.RECEIVED_AT) >= before);
                assertEquals(room, text.getStringProperty(EventHeaders.GROUP_ID), "one message group per room");
                assertEquals(DeliveryMode.PERSISTENT, text.getJMSDeliveryMode());
                assertNotNull(text.getJMSMessageID());
                System.out.println("[StoredMessageContractTest] properties: "
                        + Collections.list(text.getPropertyNames()));
            }
        }
    }
}
