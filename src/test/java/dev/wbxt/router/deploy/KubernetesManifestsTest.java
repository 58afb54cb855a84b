package dev.wbxt.router.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/k8s rendered as {@code kubectl apply -k} would send it, checked without a cluster: every object against
 * the Kubernetes API's types (fabric8's model classes: a misspelt or misplaced field is an unknown property, a
 * wrong type fails to bind), then what ties the objects together and to the image.
 */
class KubernetesManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"single", "scaled"})
    void everyObjectHasTheApiTypes(String overlay) throws Exception {
        for (JsonNode doc : DeployFiles.kustomize(overlay)) {
            String what = overlay + ": " + doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
            KubernetesResource typed = DeployFiles.YAML.convertValue(doc, KubernetesResource.class);
            assertFalse(typed instanceof GenericKubernetesResource, what + ": not a known apiVersion/kind");
            List<String> unknown = new ArrayList<>();
            unknownFields(typed, what, unknown);
            assertEquals(List.of(), unknown, "fields the Kubernetes API does not have");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"single", "scaled"})
    void theRouterPodIsWiredToTheImageAndItsSecrets(String overlay) throws Exception {
        List<JsonNode> docs = DeployFiles.kustomize(overlay);
        JsonNode workload = only(docs, overlay.equals("single") ? "StatefulSet" : "Deployment", "webex-event-router");
        JsonNode pod = workload.path("spec").path("template").path("spec");
        JsonNode router = pod.path("containers").path(0);

        assertEquals(DeployFiles.pomProperty("image.name"), router.path("image").asText(), "the image pom.xml builds");
        Map<String, Integer> ports = new HashMap<>();
        router.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertEquals(Set.copyOf(DeployFiles.imagePorts()), Set.copyOf(ports.values()), "the ports the image exposes");

        // probes on the management port, the paths of Camel's health (CONTRACT.md "Ops endpoints")
        int management = ports.get("management");
        assertEquals("/observe/health/live", probe(router, "livenessProbe", ports, management));
        assertEquals("/observe/health/ready", probe(router, "readinessProbe", ports, management));
        assertEquals("/observe/health/live", probe(router, "startupProbe", ports, management));

        // the public Service carries the webhook port only; the management port has its own Service
        JsonNode publicService = only(docs, "Service", "webex-event-router");
        assertEquals(List.of(ports.get("webhook")), targetPorts(publicService, ports));
        assertEquals(List.of(management), targetPorts(only(docs, "Service", "webex-event-router-management"), ports));

        // every secret and setting the pod reads exists, with that key
        Map<String, Set<String>> secrets = keysOf(docs, "Secret");
        Map<String, Set<String>> configMaps = keysOf(docs, "ConfigMap");
        for (JsonNode env : router.path("env")) {
            JsonNode ref = env.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode() && !ref.path("optional").asBoolean(false)) {
                assertTrue(secrets.getOrDefault(ref.path("name").asText(), Set.of()).contains(ref.path("key").asText()),
                        overlay + ": " + env.path("name").asText() + " reads a missing secret key " + ref);
            }
        }
        for (JsonNode from : router.path("envFrom")) {
            assertTrue(configMaps.containsKey(from.path("configMapRef").path("name").asText()), overlay + ": " + from);
        }
        for (String secret : List.of("WEBEX_BOT_TOKEN", "WEBEX_WEBHOOK_SECRET", "ADMIN_TOKEN")) {
            assertTrue(StreamSupport.stream(router.path("env").spliterator(), false).anyMatch(env ->
                    env.path("name").asText().equals(secret) && env.path("valueFrom").has("secretKeyRef")),
                    overlay + ": " + secret + " must come from a Secret");
        }
        configMaps.values().forEach(keys -> keys.forEach(key -> assertFalse(
                key.contains("TOKEN") || key.contains("SECRET") || key.contains("PASSWORD"),
                overlay + ": a secret in a ConfigMap: " + key)));

        // non-root, read-only root filesystem, DATA_DIR and /tmp as volumes
        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), overlay);
        assertNotEquals(0, pod.path("securityContext").path("runAsUser").asInt(0), overlay);
        assertTrue(router.path("securityContext").path("readOnlyRootFilesystem").asBoolean(), overlay);
        Set<String> mounts = new HashSet<>();
        router.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText() + "=" + m.path("name").asText()));
        assertTrue(mounts.contains("/data=data") && mounts.contains("/tmp=tmp"), overlay + ": " + mounts);
        Set<String> volumes = new HashSet<>();
        pod.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
        workload.path("spec").path("volumeClaimTemplates").forEach(v -> volumes.add(v.path("metadata").path("name").asText()));
        assertTrue(volumes.containsAll(Set.of("data", "tmp")), overlay + ": volumes " + volumes);

        // the pods' service account has no rights (the registrar is elected on the broker) and no API token mounted
        String account = pod.path("serviceAccountName").asText();
        assertFalse(only(docs, "ServiceAccount", account).path("automountServiceAccountToken").asBoolean(true));
        assertTrue(docs.stream().noneMatch(d -> d.path("kind").asText().matches("Role|RoleBinding|ClusterRole|ClusterRoleBinding")));
        if (overlay.equals("scaled")) { // N pods with their own DATA_DIR: a file lock would elect each of them
            assertTrue(docs.stream().anyMatch(d -> d.path("kind").asText().equals("ConfigMap")
                    && d.path("data").path("WEBHOOKS_CLUSTER").asText().equals("broker")), "scaled: WEBHOOKS_CLUSTER=broker");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"single", "scaled"})
    void everyImageIsPinned(String overlay) throws Exception {
        for (JsonNode doc : DeployFiles.kustomize(overlay)) {
            for (JsonNode container : doc.path("spec").path("template").path("spec").path("containers")) {
                String image = container.path("image").asText();
                String tag = image.substring(image.lastIndexOf('/') + 1);
                assertTrue(tag.contains(":") && !tag.endsWith(":latest"), overlay + ": " + image + " has no fixed tag");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"single", "scaled"})
    void theTopology(String overlay) throws Exception {
        List<JsonNode> docs = DeployFiles.kustomize(overlay);
        if (overlay.equals("single")) {
            // one replica, its journal on a claim of its own
            JsonNode router = only(docs, "StatefulSet", "webex-event-router");
            assertEquals(1, router.path("spec").path("replicas").asInt());
            assertEquals("data", router.path("spec").path("volumeClaimTemplates").path(0).path("metadata").path("name").asText());
            assertTrue(docs.stream().noneMatch(d -> d.path("kind").asText().equals("Deployment")));
            return;
        }
        // N routers on the Artemis StatefulSet, through its Service, with the broker's login from its Secret
        JsonNode router = only(docs, "Deployment", "webex-event-router");
        assertTrue(router.path("spec").path("replicas").asInt() >= 2);
        JsonNode artemis = only(docs, "StatefulSet", "artemis");
        JsonNode broker = artemis.path("spec").path("template").path("spec").path("containers").path(0);
        assertEquals("apache/activemq-artemis:" + DeployFiles.pomProperty("artemis.version"), broker.path("image").asText(),
                "the broker of the Artemis version the router is built and tested with");
        JsonNode service = only(docs, "Service", "artemis");
        String brokerUrl = StreamSupport.stream(docs.spliterator(), false)
                .filter(d -> d.path("kind").asText().equals("ConfigMap") && d.path("data").has("BROKER_URL"))
                .findFirst().orElseThrow().path("data").path("BROKER_URL").asText();
        assertEquals("tcp://artemis:" + service.path("spec").path("ports").path(0).path("port").asInt(), brokerUrl);
        JsonNode env = router.path("spec").path("template").path("spec").path("containers").path(0).path("env");
        Set<String> names = new HashSet<>();
        env.forEach(e -> names.add(e.path("name").asText()));
        assertTrue(names.containsAll(Set.of("BROKER_USERNAME", "BROKER_PASSWORD")), names.toString());
        // the broker's configuration (deploy/k8s/scaled/broker.xml, BrokerXmlTest) is mounted where the image reads it
        String brokerXml = StreamSupport.stream(docs.spliterator(), false)
                .filter(d -> d.path("kind").asText().equals("ConfigMap") && d.path("data").has("broker.xml"))
                .findFirst().orElseThrow().path("metadata").path("name").asText();
        JsonNode volume = StreamSupport.stream(artemis.path("spec").path("template").path("spec").path("volumes").spliterator(), false)
                .filter(v -> v.path("configMap").path("name").asText().equals(brokerXml)).findFirst().orElseThrow();
        assertTrue(StreamSupport.stream(broker.path("volumeMounts").spliterator(), false).anyMatch(m ->
                m.path("name").asText().equals(volume.path("name").asText())
                        && m.path("mountPath").asText().equals("/var/lib/artemis-instance/etc-override")));
    }

    private static String probe(JsonNode container, String name, Map<String, Integer> ports, int expectedPort) {
        JsonNode get = container.path(name).path("httpGet");
        JsonNode port = get.path("port");
        assertEquals(expectedPort, port.isInt() ? port.asInt() : ports.getOrDefault(port.asText(), -1), name);
        return get.path("path").asText();
    }

    private static List<Integer> targetPorts(JsonNode service, Map<String, Integer> ports) {
        List<Integer> found = new ArrayList<>();
        service.path("spec").path("ports").forEach(p -> {
            JsonNode target = p.path("targetPort");
            found.add(target.isInt() ? target.asInt() : ports.getOrDefault(target.asText(), -1));
        });
        return found;
    }

    private static Map<String, Set<String>> keysOf(List<JsonNode> docs, String kind) {
        Map<String, Set<String>> keys = new HashMap<>();
        for (JsonNode doc : docs) {
            if (doc.path("kind").asText().equals(kind)) {
                Set<String> names = new HashSet<>();
                doc.path("data").fieldNames().forEachRemaining(names::add);
                doc.path("stringData").fieldNames().forEachRemaining(names::add);
                keys.put(doc.path("metadata").path("name").asText(), names);
            }
        }
        return keys;
    }

    private static JsonNode only(List<JsonNode> docs, String kind, String name) {
        List<JsonNode> found = docs.stream().filter(d -> d.path("kind").asText().equals(kind)
                && d.path("metadata").path("name").asText().equals(name)).toList();
        assertEquals(1, found.size(), "one " + kind + "/" + name + " expected");
        return found.get(0);
    }

    /** Collects the paths of properties that fabric8's model kept as "additional": fields the API type lacks. */
    private static void unknownFields(Object value, String path, List<String> unknown) throws ReflectiveOperationException {
        if (value == null || value.getClass().isEnum()) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                unknownFields(entry.getValue(), path + "." + entry.getKey(), unknown);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object property;
            try {
                property = getter.invoke(value);
            } catch (InvocationTargetException e) {
                continue; // a derived getter that needs state the object does not have
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(property, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }
}
