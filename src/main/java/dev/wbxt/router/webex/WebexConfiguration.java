package dev.wbxt.router.webex;

/**
 * Settings of the {@code webex:} component and of {@link WebexClient}. Plain POJO so camel-main can bind
 * properties onto it and tests can shrink the back-offs to milliseconds.
 */
public class WebexConfiguration {
    private String apiUrl = "https://webexapis.com/v1";
    private String botToken;
    private int connectTimeoutMillis = 5000;
    private int responseTimeoutMillis = 15000;
    /** Attempts in total for 5xx, timeouts and connection errors (and the cap on 429 waits). */
    private int maxAttempts = 4;
    private long initialBackoffMillis = 200;
    private double backoffMultiplier = 2.0;
    private long maxBackoffMillis = 5000;
    /** Random share taken off each backoff (0-1), so the retries of many rooms against a failing Webex spread out. */
    private double backoffJitter = 0.2;
    /** Keep-alive connections to Webex at most; more calls at once wait for a free one (none is refused). */
    private int maxConnections = 32;
    /** A 429 asking to wait longer than this is not slept on: it fails (retryable) so the caller can re-queue. */
    private long maxRetryAfterMillis = 60000;
    /** Extra GETs of a message / attachment action answering 404: Webex documents a lag behind the webhook. */
    private int notFoundRetries = 3;
    private long notFoundRetryDelayMillis = 500;
    /** Circuit breaker over all calls: opens when this share of the last {@code circuitWindow} calls failed. */
    private int circuitWindow = 20;
    private int circuitMinimumCalls = 10;
    private float circuitFailureRatePercent = 50;
    /** How long the circuit stays open before a few trial calls are let through. */
    private long circuitOpenMillis = 5000;
    /** How long a fetched room or person is reused (0: never): a renamed room shows its new title after that. */
    private long cacheMillis = 60000;
    /** At most that many rooms and people are kept. */
    private int cacheSize = 10000;
    /** Not a webex.client.* setting: built from HTTPS_PROXY/HTTP_PROXY/NO_PROXY (see {@link OutboundProxy}). */
    private OutboundProxy proxy = OutboundProxy.NONE;

    public WebexConfiguration copy() {
        WebexConfiguration c = new WebexConfiguration();
        c.apiUrl = apiUrl;
        c.botToken = botToken;
        c.connectTimeoutMillis = connectTimeoutMillis;
        c.responseTimeoutMillis = responseTimeoutMillis;
        c.maxAttempts = maxAttempts;
        c.initialBackoffMillis = initialBackoffMillis;
        c.backoffMultiplier = backoffMultiplier;
        c.maxBackoffMillis = maxBackoffMillis;
        c.backoffJitter = backoffJitter;
        c.maxConnections = maxConnections;
        c.maxRetryAfterMillis = maxRetryAfterMillis;
        c.notFoundRetries = notFoundRetries;
        c.notFoundRetryDelayMillis = notFoundRetryDelayMillis;
        c.circuitWindow = circuitWindow;
        c.circuitMinimumCalls = circuitMinimumCalls;
        c.circuitFailureRatePercent = circuitFailureRatePercent;
        c.circuitOpenMillis = circuitOpenMillis;
        c.cacheMillis = cacheMillis;
        c.cacheSize = cacheSize;
        c.proxy = proxy;
        return c;
    }

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

    public OutboundProxy getProxy() {
        return proxy;
    }

    public void setProxy(OutboundProxy proxy) {
        this.proxy = proxy;
    }
}
