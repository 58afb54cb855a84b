package dev.wbxt.router.webex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;

import io.vertx.core.net.ProxyOptions;
import org.junit.jupiter.api.Test;

/** HTTPS_PROXY, HTTP_PROXY and NO_PROXY read as curl reads them. */
class OutboundProxyTest {

    @Test
    void httpsTargetsUseHttpsProxyAndHttpTargetsHttpProxy() {
        OutboundProxy proxy = OutboundProxy.parse("http://user:p%40ss@proxy.corp:3128", "plain.corp", "");
        ProxyOptions https = proxy.forTarget(URI.create("https://webexapis.com/v1")).orElseThrow();
        assertEquals("proxy.corp", https.getHost());
        assertEquals(3128, https.getPort());
        assertEquals("user", https.getUsername());
        assertEquals("p@ss", https.getPassword());
        assertEquals(https.getHost(), proxy.forTarget(URI.create("wss://mercury.wbx2.com/x")).orElseThrow().getHost());
        ProxyOptions http = proxy.forTarget(URI.create("ws://127.0.0.1:9007/mercury")).orElseThrow();
        assertEquals("plain.corp", http.getHost());
        assertEquals(1080, http.getPort(), "curl's default proxy port");
    }

    @Test
    void noProxyMatchesHostsAndTheirSubdomains() {
        OutboundProxy proxy = OutboundProxy.parse("http://proxy:3128", "", " .wbx2.com, localhost,127.0.0.1");
        assertTrue(proxy.forTarget(URI.create("https://wdm-a.wbx2.com/wdm")).isEmpty());
        assertTrue(proxy.forTarget(URI.create("https://wbx2.com/")).isEmpty());
        assertTrue(proxy.forTarget(URI.create("https://127.0.0.1:1/")).isEmpty());
        assertFalse(proxy.forTarget(URI.create("https://webexapis.com/v1")).isEmpty());
        assertFalse(proxy.forTarget(URI.create("https://notwbx2.com/")).isEmpty());
        assertTrue(OutboundProxy.parse("http://proxy:3128", "", "*").forTarget(URI.create("https://webexapis.com")).isEmpty());
    }

    @Test
    void thePropertyWinsOverTheLowerCaseEnvironmentVariable() {
        Map<String, String> env = Map.of("https_proxy", "http://env:1", "no_proxy", "example.com");
        OutboundProxy fromEnv = OutboundProxy.read(key -> "", env::get);
        assertEquals("env", fromEnv.forTarget(URI.create("https://webexapis.com")).orElseThrow().getHost());
        assertTrue(fromEnv.forTarget(URI.create("https://example.com")).isEmpty());
        OutboundProxy fromProperty = OutboundProxy.read(key -> "https.proxy".equals(key) ? "http://prop:2" : "", env::get);
        assertEquals("prop", fromProperty.forTarget(URI.create("https://webexapis.com")).orElseThrow().getHost());
        assertTrue(OutboundProxy.read(key -> "", key -> null).isEmpty());
    }

    @Test
    void neitherTheDescriptionNorAnErrorShowsTheCredentials() {
        OutboundProxy proxy = OutboundProxy.parse("http://bot:hunter2@proxy:3128", "", "");
        assertFalse(proxy.toString().contains("hunter2"), proxy.toString());
        assertFalse(proxy.toString().contains("bot"), proxy.toString());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> OutboundProxy.parse("https://bot:hunter2@proxy:3128", "", ""));
        assertFalse(wrong.getMessage().contains("hunter2"), wrong.getMessage());
        assertTrue(wrong.getMessage().startsWith("https.proxy (HTTPS_PROXY) must be http://"), wrong.getMessage());
    }
}
