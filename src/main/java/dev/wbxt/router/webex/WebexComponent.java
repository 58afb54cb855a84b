package dev.wbxt.router.webex;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import org.apache.camel.Endpoint;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code webex:} component: {@code webex:<operation>[?id=...]}. One {@link WebexClient} per component, so all
 * endpoints share the connection pool and the cached bot identity. Its options ({@link WebexConfiguration}) are
 * bound by camel-main from {@code camel.component.webex.*} through the generated {@code WebexComponentConfigurer}.
 */
@Component("webex")
public class WebexComponent extends DefaultComponent {
    @Metadata(description = "The Webex client's settings: API URL, bot token, timeouts, retries, circuit breaker, cache.")
    private WebexConfiguration configuration = new WebexConfiguration();
    private WebexAvailability availability;
    private WebexClient client;
    private ExecutorService answers;
    @Metadata(label = "advanced", description = "Where routes go on after a Webex answer (the service's processing "
            + "threads); none: a pool of the component's own")
    private ExecutorService executorService;

    /** Not an option: set by the service's Java wiring only (the recording), before the routes start. */
    private volatile WebexCallObserver callObserver;

    public WebexComponent() {
    }

    public WebexComponent(WebexConfiguration configuration) {
        this.configuration = configuration;
    }

    /** Whether Webex answers right now (one cheap call, none while the circuit is open). */
    public boolean isWebexAnswering() {
        return client().isAnswering();
    }

    /**
     * Whether Webex is answering, shared by every call of this component (health, metrics). Made on first use: the
     * circuit breaker reads the options, which camel-main binds after the component is created.
     */
    public synchronized WebexAvailability getAvailability() {
        if (availability == null) {
            availability = new WebexAvailability(configuration);
        }
        return availability;
    }

    /**
     * Where routes go on after a Webex answer, instead of a pool of the component's own (the service gives it its
     * processing threads: see ProcessingThreads).
     */
    public void setExecutorService(ExecutorService executorService) {
        this.executorService = executorService;
    }

    public ExecutorService getExecutorService() {
        return executorService;
    }

    /**
     * Shows every call of the producers created from now on to {@code observer} (the recording: README "Recording and
     * replay"); set before the routes start, so that every {@code webex:} step has it. Null: none (the default).
     */
    public void setCallObserver(WebexCallObserver observer) {
        this.callObserver = observer;
    }

    public WebexCallObserver getCallObserver() {
        return callObserver;
    }

    public WebexConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(WebexConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        WebexOperation op;
        try {
            op = WebexOperation.valueOf(remaining);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown webex operation '" + remaining + "'; use one of "
                    + Arrays.toString(WebexOperation.values()));
        }
        WebexEndpoint endpoint = new WebexEndpoint(uri, this, op);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** Created on first use: it needs the started CamelContext (its Vert.x instance, the meter registry). */
    public synchronized WebexClient client() {
        if (client == null) {
            client = new WebexClient(getCamelContext(), configuration, getAvailability());
        }
        return client;
    }

    /**
     * Where a route goes on after a Webex answer: the answer arrives on a Vert.x event loop, which must not run route
     * steps that may block (a broker send, a throttle). An unbounded queue, so the event loop never runs them itself:
     * Camel turns a {@code maxQueueSize} of 0 or less into a direct hand-over ({@code SynchronousQueue}), and with
     * every thread busy its caller-runs policy then ran the rest of the route on the event loop (the first benchmark
     * of this pool: a fifth of the event loops' samples were route steps, delaying every webhook's answer).
     */
    synchronized ExecutorService answers() {
        if (executorService != null) {
            return executorService;
        }
        if (answers == null) {
            int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
            answers = getCamelContext().getExecutorServiceManager().newThreadPool(this, "WebexAnswers",
                    new ThreadPoolProfileBuilder("WebexAnswers").poolSize(threads).maxPoolSize(threads)
                            .maxQueueSize(Integer.MAX_VALUE).build());
        }
        return answers;
    }

    /**
     * At start, before any route runs: the temporary files of downloads a stopped or killed run left (no exchange of
     * this run can own them) are deleted, so a crash in the middle of a download leaves nothing behind for long. (The
     * service checks that the folder can be written before it starts: RouterConfiguration.)
     */
    @Override
    protected void doStart() throws Exception {
        super.doStart();
        WebexFiles.deleteLeftovers(WebexFiles.directory(configuration));
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (client != null) {
            client.close();
            client = null;
        }
        if (answers != null) {
            getCamelContext().getExecutorServiceManager().shutdownGraceful(answers);
            answers = null;
        }
        super.doStop();
    }
}
