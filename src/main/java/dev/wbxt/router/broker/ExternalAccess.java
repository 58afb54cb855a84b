package dev.wbxt.router.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Set;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnection;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import dev.wbxt.router.config.Settings;
import org.apache.camel.CamelContext;

/**
 * Lets enterprise consumers subscribe to the events topic of the embedded broker from outside the process
 * ({@code broker.external.*}, off by default): one TCP acceptor speaking AMQP 1.0 and the Artemis core protocol,
 * with security on. The service itself (in-VM connections) is trusted as before; a network client must log in
 * with {@code broker.external.username}/{@code password} and may only read the topic (subscribe, durable or not,
 * and browse): it can neither send, nor read the service's own queues.
 */
public record ExternalAccess(String host, int port, String username, String password, String topic) {
    static final String INTERNAL = "wbxt-internal";
    static final String SUBSCRIBER = "wbxt-subscriber";
    private static final Set<CheckType> SUBSCRIBER_RIGHTS = EnumSet.of(CheckType.CONSUME, CheckType.BROWSE,
            CheckType.CREATE_NON_DURABLE_QUEUE, CheckType.DELETE_NON_DURABLE_QUEUE,
            CheckType.CREATE_DURABLE_QUEUE, CheckType.DELETE_DURABLE_QUEUE);

    /** The external access configured with {@code broker.external.*}, or null when it is off. */
    public static ExternalAccess read(CamelContext context) {
        Settings p = Settings.of(context);
        if (!p.flag("broker.external.enabled")) {
            return null;
        }
        String user = p.text("broker.external.username");
        String password = p.text("broker.external.password");
        if (user.isEmpty() || password.isEmpty()) {
            throw Settings.wrong("broker.external.enabled", "needs broker.external.username and "
                    + "broker.external.password (BROKER_EXTERNAL_USERNAME, BROKER_EXTERNAL_PASSWORD): the broker is not "
                    + "opened to the network without credentials");
        }
        int port = p.port("broker.external.port");
        if (port == 0) {
            throw Settings.wrong("broker.external.port", "must be a port number (1-65535), not 0");
        }
        String topic = p.text("forward.topic");
        if (topic.isEmpty()) {
            throw Settings.wrong("broker.external.enabled", "needs forward.topic (FORWARD_TOPIC): it is the one address "
                    + "a subscriber may read");
        }
        return new ExternalAccess(p.text("broker.external.host"), port, user, password, topic);
    }

    /** Adds the acceptor and the topic's address (subscribers may not create it), turns security on. */
    void apply(Configuration cfg) throws Exception {
        cfg.addAcceptorConfiguration("external", "tcp://" + host + ":" + port + "?protocols=CORE,AMQP");
        cfg.addAddressConfiguration(new CoreAddressConfiguration().setName(topic).addRoutingType(RoutingType.MULTICAST));
        cfg.setSecurityEnabled(true);
    }

    ActiveMQSecurityManager5 securityManager() {
        return new SecurityManager();
    }

    @Override
    public String toString() { // never the password
        return "ExternalAccess[" + host + ":" + port + ", user " + username + ", topic " + topic + "]";
    }

    private final class SecurityManager implements ActiveMQSecurityManager5 {
        @Override
        public Subject authenticate(String user, String pass, RemotingConnection connection, String domain) {
            if (connection != null && connection.getTransportConnection() instanceof InVMConnection) {
                return subject(INTERNAL, INTERNAL);
            }
            if (user != null && pass != null && username.equals(user) && MessageDigest.isEqual(
                    password.getBytes(StandardCharsets.UTF_8), pass.getBytes(StandardCharsets.UTF_8))) {
                return subject(user, SUBSCRIBER);
            }
            return null;
        }

        @Override
        public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
            if (subject == null) {
                return false;
            }
            if (!subject.getPrincipals(RolePrincipal.class).stream().map(RolePrincipal::getName).toList()
                    .contains(SUBSCRIBER)) {
                return true; // the service itself
            }
            String base = address == null ? "" : address.split("::", 2)[0]; // FQQN: address::queue
            return SUBSCRIBER_RIGHTS.contains(checkType) && topic.equals(base);
        }

        @Override
        public boolean validateUser(String user, String pass) {
            return false; // authenticate(...) above is what Artemis calls
        }

        @Override
        public boolean validateUserAndRole(String user, String pass, Set<Role> roles, CheckType checkType) {
            return false;
        }

        private static Subject subject(String user, String role) {
            Subject subject = new Subject();
            subject.getPrincipals().add(new UserPrincipal(user));
            subject.getPrincipals().add(new RolePrincipal(role));
            return subject;
        }
    }
}
