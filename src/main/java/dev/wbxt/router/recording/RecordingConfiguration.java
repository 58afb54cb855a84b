package dev.wbxt.router.recording;

import dev.wbxt.router.ops.RouterMetrics;
import dev.wbxt.router.webex.WebexComponent;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.support.CamelContextHelper;

/**
 * The recording (README "Recording and replay"): with {@code recording.enabled=true}, every processed event goes to
 * the recording file; with a {@link RecordingSink} bound as {@value #SINK} (a replay's), to that sink. Otherwise
 * nothing is installed: no route policy, no observer on the {@code webex:} component, no thread, so the processing
 * of an event is exactly what it is without the feature. Runs after the other configurations (it needs the
 * envelope of ForwardConfiguration and the metrics of RouterConfiguration).
 */
@Configuration
public class RecordingConfiguration implements CamelConfiguration {
    /** The registry name of a sink that takes the recording's place (a replay binds one). */
    public static final String SINK = "wbxtRecordingSink";

    @Override
    public void configure(CamelContext context) throws Exception {
        RecordingSettings settings = RecordingSettings.read(context);
        RecordingSink sink = context.getRegistry().lookupByNameAndType(SINK, RecordingSink.class);
        if (sink == null && !settings.enabled()) {
            return;
        }
        if (sink == null) {
            RecordingFile file = new RecordingFile(settings,
                    CamelContextHelper.mandatoryLookup(context, "routerMetrics", RouterMetrics.class).recording());
            context.addService(file); // started before the routes, stopped after them: what they processed is written
            sink = file;
        }
        Recorder recorder = new Recorder(context, sink);
        context.addRoutePolicyFactory(recorder);
        context.getComponent("webex", WebexComponent.class).setCallObserver(recorder);
    }
}
