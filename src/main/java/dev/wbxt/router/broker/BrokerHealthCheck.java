package dev.wbxt.router.broker;

import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** DOWN when no JMS connection to the broker can be opened: the receiver could not store anything then. */
public class BrokerHealthCheck extends AbstractHealthCheck {
    private final ConnectionFactory connectionFactory;

    public BrokerHealthCheck(ConnectionFactory connectionFactory) {
        super("wbxt", "broker");
        this.connectionFactory = connectionFactory;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = connectionFactory.createConnection()) {
            connection.getMetaData();
            builder.up();
        } catch (Exception e) {
            builder.message("broker unreachable: " + e.getMessage()).down();
        }
    }
}
