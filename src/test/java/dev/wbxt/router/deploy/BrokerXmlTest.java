package dev.wbxt.router.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.util.Properties;

import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/scaled/broker.xml, the shared broker's configuration (compose mounts the same file), read by
 * Artemis' own parser of the version the router ships with (it validates against artemis-configuration.xsd):
 * what the README says an external broker must have.
 */
class BrokerXmlTest {

    @Test
    void theSharedBrokerNeverDeadLettersOrDelaysOnItsOwn() throws Exception {
        FileConfiguration config = new FileConfiguration();
        FileDeploymentManager deployment = new FileDeploymentManager(
                DeployFiles.DEPLOY.resolve("k8s/scaled/broker.xml").toUri().toString());
        deployment.addDeployable(config);
        deployment.readConfiguration();

        HierarchicalObjectRepository<AddressSettings> settings = new HierarchicalObjectRepository<>(
                config.getWildcardConfiguration());
        config.getAddressSettings().forEach(settings::addMatch);
        for (String address : new String[] {"wbxt.events", "wbxt.forward.example", "webex.events"}) {
            AddressSettings effective = settings.getMatch(address);
            // the router's own retries and dead letters (README "Reliability"), whatever the attempts
            assertEquals(0, effective.getRedeliveryDelay(), address);
            assertEquals(-1, effective.getMaxDeliveryAttempts(), address);
        }
        // a floor of free bytes, not Artemis' 90 % of the disk, which blocks every producer on a large disk
        assertEquals(-1, config.getMaxDiskUsage());
        assertEquals(256L * 1024 * 1024, config.getMinDiskFree());
        assertTrue(config.isPersistIDCache());
        assertTrue(config.isSecurityEnabled());
        Properties defaults = new Properties();
        try (InputStream in = Files.newInputStream(DeployFiles.BASEDIR.resolve("application.properties"))) {
            defaults.load(in);
        }
        assertEquals(Integer.parseInt(defaults.getProperty("broker.duplicate-cache-size")), config.getIDCacheSize(),
                "the dedupe cache of the embedded broker (BROKER_DUPLICATE_CACHE_SIZE)");
    }
}
