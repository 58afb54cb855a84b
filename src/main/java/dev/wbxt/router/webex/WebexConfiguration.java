package dev.wbxt.router.webex;

import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * Options of the {@code webex:} component ({@code camel.component.webex.*}) and of {@link WebexClient}. Each default
 * is written here only, as Camel components do (the field and its {@code defaultValue} for the catalog):
 * application.properties maps the older {@code webex.client.*} keys onto these options without repeating them.
 */
@UriParams
public class WebexConfiguration {
    @UriParam(defaultValue = "https://webexapis.com/v1", description = "The Webex REST API base URL (the simulator or a test server in place of Webex).")
    private String apiUrl = "https://webexapis.com/v1";
    @UriParam(label = "security", secret = true, description = "The bot's access token, sent as a Bearer token on every call; masked by Camel wherever options are shown.")
    private String botToken;
    @UriParam(label = "advanced", defaultValue = "5000", description = "How long a TCP/TLS connection to Webex may take, in ms.")
    private int connectTimeoutMillis = 5000;
    @UriParam(label = "advanced", defaultValue = "15000", description = "How long Webex may take to answer one request, in ms; a POST that timed out is not sent again.")
    private int responseTimeoutMillis = 15000;
    @UriParam(label = "advanced", defaultValue = "4", description = "Attempts in total for 5xx, timeouts and connection errors (and the cap on 429 waits).")
    private int maxAttempts = 4;
    @UriParam(label = "advanced", defaultValue = "200", description = "First wait between attempts of one call, in ms.")
    private long initialBackoffMillis = 200;
    @UriParam(label = "advanced", defaultValue = "2", description = "Each further wait is the previous one times this.")
    private double backoffMultiplier = 2.0;
    @UriParam(label = "advanced", defaultValue = "5000", description = "Longest wait between attempts of one call, in ms.")
    private long maxBackoffMillis = 5000;
    @UriParam(label = "advanced", defaultValue = "0.2", description = "Random share (0-1) taken off each backoff, so the retries of many rooms against a failing Webex spread out.")
    private double backoffJitter = 0.2;
    @UriParam(label = "advanced", defaultValue = "32", description = "Keep-alive connections to Webex at most; more calls at once wait for a free one (none is refused).")
    private int maxConnections = 32;
    @UriParam(label = "advanced", defaultValue = "60000", description = "A 429 asking to wait longer than this is not slept on: the call fails (retryable) so the caller can re-queue.")
    private long maxRetryAfterMillis = 60000;
    @UriParam(label = "advanced", defaultValue = "3", description = "Extra GETs of a message or attachment action answering 404: Webex documents a lag behind the webhook.")
    private int notFoundRetries = 3;
    @UriParam(label = "advanced", defaultValue = "500", description = "Wait before each of those extra GETs, in ms.")
    private long notFoundRetryDelayMillis = 500;
    @UriParam(label = "advanced", defaultValue = "20", description = "Calls the circuit breaker looks back on.")
    private int circuitWindow = 20;
    @UriParam(label = "advanced", defaultValue = "10", description = "Calls needed in the window before the circuit may open.")
    private int circuitMinimumCalls = 10;
    @UriParam(label = "advanced", defaultValue = "50", description = "Share of failed calls (no answer, 5xx) in the window that opens the circuit, in percent.")
    private float circuitFailureRatePercent = 50;
    @UriParam(label = "advanced", defaultValue = "5000", description = "How long the circuit stays open before a few trial calls are let through, in ms.")
    private long circuitOpenMillis = 5000;
    @UriParam(label = "advanced", defaultValue = "60000", description = "How long a fetched room or person is reused, in ms (0: never): a renamed room shows its new title after that.")
    private long cacheMillis = 60000;
    @UriParam(label = "advanced", defaultValue = "10000", description = "Rooms and people kept at most in that cache.")
    private int cacheSize = 10000;
    @UriParam(label = "advanced", defaultValue = "10485760", description = "The largest file getFile downloads and createMessage uploads, in bytes (10 MiB): a larger one is refused with the reason before any byte of it is fetched or sent. An upload is held in memory while it is sent.")
    private long maxFileBytes = 10 * 1024 * 1024;
    @UriParam(label = "advanced", description = "Where getFile writes its temporary files (webex-*.download, deleted when the exchange ends; any left by a stopped run are deleted at start); empty: webex-event-router-files under java.io.tmpdir. The service sets DATA_DIR/tmp.")
    private String fileDirectory;
    @UriParam(label = "advanced", defaultValue = "false", description = "Also fetch files Webex could not scan for malware (it answers 428, e.g. for an encrypted file): asked with allow=unscannable. Off: such a file is refused with the reason.")
    private boolean allowUnscannable;
    /** Not an option of the component: built from HTTPS_PROXY/HTTP_PROXY/NO_PROXY (RouterSettings, {@link OutboundProxy}). */
    private OutboundProxy proxy = OutboundProxy.NONE;

    public String getApiUrl() {
        return apiUrl;
    }

    public void setApiUrl(String apiUrl) {
        this.apiUrl = apiUrl;
    }

    public String getBotToken() {
        return botToken;
    }

    public void setBotToken(String botToken) {
        this.botToken = botToken;
    }

    public int getConnectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    public void setConnectTimeoutMillis(int connectTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    public int getResponseTimeoutMillis() {
        return responseTimeoutMillis;
    }

    public void setResponseTimeoutMillis(int responseTimeoutMillis) {
        this.responseTimeoutMillis = responseTimeoutMillis;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public long getInitialBackoffMillis() {
        return initialBackoffMillis;
    }

    public void setInitialBackoffMillis(long initialBackoffMillis) {
        this.initialBackoffMillis = initialBackoffMillis;
    }

    public double getBackoffMultiplier() {
        return backoffMultiplier;
    }

    public void setBackoffMultiplier(double backoffMultiplier) {
        this.backoffMultiplier = backoffMultiplier;
    }

    public long getMaxBackoffMillis() {
        return maxBackoffMillis;
    }

    public void setMaxBackoffMillis(long maxBackoffMillis) {
        this.maxBackoffMillis = maxBackoffMillis;
    }

    public long getMaxRetryAfterMillis() {
        return maxRetryAfterMillis;
    }

    public void setMaxRetryAfterMillis(long maxRetryAfterMillis) {
        this.maxRetryAfterMillis = maxRetryAfterMillis;
    }

    public int getNotFoundRetries() {
        return notFoundRetries;
    }

    public void setNotFoundRetries(int notFoundRetries) {
        this.notFoundRetries = notFoundRetries;
    }

    public long getNotFoundRetryDelayMillis() {
        return notFoundRetryDelayMillis;
    }

    public void setNotFoundRetryDelayMillis(long notFoundRetryDelayMillis) {
        this.notFoundRetryDelayMillis = notFoundRetryDelayMillis;
    }

    public int getCircuitWindow() {
        return circuitWindow;
    }

    public void setCircuitWindow(int circuitWindow) {
        this.circuitWindow = circuitWindow;
    }

    public int getCircuitMinimumCalls() {
        return circuitMinimumCalls;
    }

    public void setCircuitMinimumCalls(int circuitMinimumCalls) {
        this.circuitMinimumCalls = circuitMinimumCalls;
    }

    public float getCircuitFailureRatePercent() {
        return circuitFailureRatePercent;
    }

    public void setCircuitFailureRatePercent(float circuitFailureRatePercent) {
        this.circuitFailureRatePercent = circuitFailureRatePercent;
    }

    public long getCircuitOpenMillis() {
        return circuitOpenMillis;
    }

    public void setCircuitOpenMillis(long circuitOpenMillis) {
        this.circuitOpenMillis = circuitOpenMillis;
    }

    public long getCacheMillis() {
        return cacheMillis;
    }

    public void setCacheMillis(long cacheMillis) {
        this.cacheMillis = cacheMillis;
    }

    public int getCacheSize() {
        return cacheSize;
    }

    public void setCacheSize(int cacheSize) {
        this.cacheSize = cacheSize;
    }

    @Override
    public String toString() { // never the token
        return "WebexConfiguration[apiUrl=" + apiUrl + ", botToken=" + (botToken == null ? "unset" : "***") + "]";
    }

    public double getBackoffJitter() {
        return backoffJitter;
    }

    public void setBackoffJitter(double backoffJitter) {
        this.backoffJitter = backoffJitter;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public long getMaxFileBytes() {
        return maxFileBytes;
    }

    public void setMaxFileBytes(long maxFileBytes) {
        this.maxFileBytes = maxFileBytes;
    }

    public String getFileDirectory() {
        return fileDirectory;
    }

    public void setFileDirectory(String fileDirectory) {
        this.fileDirectory = fileDirectory;
    }

    public boolean isAllowUnscannable() {
        return allowUnscannable;
    }

    public void setAllowUnscannable(boolean allowUnscannable) {
        this.allowUnscannable = allowUnscannable;
    }

    public OutboundProxy getProxy() {
        return proxy;
    }

    public void setProxy(OutboundProxy proxy) {
        this.proxy = proxy;
    }
}
