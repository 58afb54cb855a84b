package dev.wbxt.router.webex;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WebexProducer} whose every answered call is shown to a {@link WebexCallObserver}: made in place of the
 * plain producer only while an observer is set, so that without one a call costs what it always did.
 */
final class ObservedWebexProducer extends DefaultAsyncProducer {
    private static final Logger LOG = LoggerFactory.getLogger(ObservedWebexProducer.class);
    private final WebexProducer target;
    private final WebexCallObserver observer;

    ObservedWebexProducer(WebexProducer target, WebexCallObserver observer) {
        super(target.getEndpoint());
        this.target = target;
        this.observer = observer;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        WebexOperation op = target.getEndpoint().getOperation();
        String id = op.needsId() ? WebexProducer.givenId(target.getEndpoint(), exchange) : null;
        Object request = op.hasBody() ? exchange.getIn().getBody() : null; // the answer replaces the body
        return target.process(exchange, doneSync -> {
            try {
                Throwable failure = exchange.getException();
                observer.called(exchange, op, id, request, failure == null ? exchange.getMessage().getBody() : null, failure);
            } catch (RuntimeException e) { // an observer must not change what the route does
                LOG.warn("Observing the Webex call {} failed: {}", op, e.toString());
            } finally {
                callback.done(doneSync);
            }
        });
    }

    @Override
    protected void doStart() throws Exception {
        ServiceHelper.startService(target);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(target);
        super.doStop();
    }
}
