"""The stage table of the per-event CPU budget (jfr_top.py --budget): which sampled stack is which stage.

Edit this table, nothing else, when classes are renamed or the engine changes. jfr_top.py prints, under the
budget, the top frames of the samples no row matched and of each stage, so a wrong or missing row shows there.

Each JFR execution sample (a Java thread running Java code) goes to the FIRST row that matches it, so the order
is the priority: stages whose frames sit deep in a stack inside another stage (a reply's Webex call inside the
processing route, a broker send inside the receiver) come before the stages whose frames are at the bottom of
every stack of a thread (the HTTP server, the queue's consumer loop). A row matches a sample when its thread
pattern (a regex searched in the Java thread's name; None: any thread) matches, and one of its frame prefixes
begins one frame of the stack. A frame is "package.Class.method" ("...Outer$Inner.lambda$run$0"), so a prefix
can be a package ("dev.wbxt.router.ingest."), a class or one method. The prefix "" matches any frame.

side: which events a stage's CPU is divided by, in µs per event: "ingest" (webhooks acknowledged 2xx in the
window) or "processing" (replies counted at the stand-in in the window). When the backlog drains inside the
window, as bench/run.sh records it, both counts are the same events.

CPU outside Java code is not sampled: the JVM's own threads are measured from /proc per thread (GC, JIT, other
JVM threads: see JVM_THREADS), and a Java thread's time in the kernel (socket and journal writes) is spread over
the stages in proportion to their samples.
"""

# A durable send through the broker, from the client's call to the journal's write: "store" on the receiver's
# threads (Vert.x's) and the broker's own, "forward" on any other thread (processing sends to the topic and to the
# destinations' queues). By thread, not by queue: no frame says which queue a send is for.
BROKER_SEND = (
    "dev.wbxt.router.ingest.StoreProducer",  # the receiver's asynchronous core-client send (artemis-store:)
    "dev.wbxt.router.ingest.GroupCommit",  # ... its batches: sent and committed on the wbxt-store-<queue> thread
    "org.apache.camel.component.jms.JmsProducer",
    "org.springframework.jms.core.JmsTemplate.send",
    "org.apache.activemq.artemis.jms.client.ActiveMQMessageProducer",
    "org.apache.activemq.artemis.core.client.impl.ClientProducerImpl",
    "org.apache.activemq.artemis.core.server.impl.ServerSessionImpl.send",
    "org.apache.activemq.artemis.core.postoffice.",
    "org.apache.activemq.artemis.core.persistence.",
    "org.apache.activemq.artemis.core.paging.",
    "org.apache.activemq.artemis.core.journal.",
    "org.apache.activemq.artemis.core.io.",
)

# Where a route goes on after an asynchronous step completed: the rest of the route runs on top of these frames, so
# a sample's stage is read from the frames above the innermost one (leaf side) only. Without this, every step after
# a Webex call counted as the Webex call (its completion callback is at the bottom of the stack).
CONTINUATIONS = (
    "dev.wbxt.router.webex.WebexProducer.lambda$process$",
)

# (stage, side, thread regex or None, frame prefixes), in priority order.
STAGES = [
    # The receiver's group commit (ingest.GroupCommit): its thread sends and commits batches of events. First, so
    # that its client-side commit is not counted as a queue acknowledgement. (On the broker's threads the two
    # commits have the same frames: a store batch's commit there counts as "ack: queue commit".)
    ("store", "ingest", r"^wbxt-store", ("",)),
    ("ack: queue commit", "processing", None, (
        "org.springframework.jms.listener.AbstractMessageListenerContainer.commitIfNecessary",
        "org.springframework.jms.support.JmsUtils.commitIfNecessary",
        "org.apache.activemq.artemis.jms.client.ActiveMQSession.commit",
        "org.apache.activemq.artemis.jms.client.ActiveMQMessage.acknowledge",
        "org.apache.activemq.artemis.core.client.impl.ClientSessionImpl.commit",
        "org.apache.activemq.artemis.core.client.impl.ClientSessionImpl.acknowledge",
        "org.apache.activemq.artemis.core.client.impl.ClientMessageImpl.acknowledge",
        "org.apache.activemq.artemis.core.client.impl.ClientConsumerImpl.acknowledge",
        "org.apache.activemq.artemis.core.server.impl.ServerSessionImpl.commit",
        "org.apache.activemq.artemis.core.server.impl.ServerConsumerImpl.acknowledge",
        "org.apache.activemq.artemis.core.server.impl.ServerConsumerImpl.individualAcknowledge",
        # the room lanes (rooms:): acknowledgements by batch, committed on the wbxt-acks-<queue> thread
        "dev.wbxt.router.rooms.QueueSession",
        "org.apache.activemq.artemis.core.client.impl.ClientSessionImpl.individualAcknowledge",
        "org.apache.activemq.artemis.core.client.impl.ClientConsumerImpl.individualAcknowledge",
        "org.apache.activemq.artemis.core.client.impl.ClientMessageImpl.individualAcknowledge",
        "org.apache.activemq.artemis.core.server.impl.ServerSessionImpl.individualAcknowledge",
    )),
    ("ack: 2xx to Webex", "ingest", None, (
        "io.vertx.core.http.impl.Http1xServerResponse.end",
        "org.apache.camel.component.platform.http.vertx.VertxPlatformHttpSupport.writeResponse",
        "dev.wbxt.router.ingest.WebhookConsumer.respond",
    )),
    # A destination's delivery (91-forward.yaml's forward-destination routes, bench/soak.sh's destination): every
    # sample on its consumer's threads but their acknowledgement (above): the route, the format and signature, the
    # HTTP (or Kafka, JMS) send. Before this row its Camel frames counted as dispatch and its HTTP client as a Webex
    # call, which made the soak's dispatch and Webex calls look 3x dearer than bench/run.sh's (no destination there).
    ("deliver", "processing", r"JmsConsumer\[wbxt\.forward\.", ("",)),
    # The reply: its once-only guard and per-room limit (90-fan-out.yaml), the reply's text, its createMessage call.
    ("reply", "processing", None, (
        "org.apache.camel.processor.idempotent.IdempotentConsumer",
        "org.apache.camel.processor.AbstractThrottler",
        "org.apache.camel.processor.TotalRequestsThrottler",
        "org.apache.camel.processor.ConcurrentRequestsThrottler",
        "dev.wbxt.router.processing.ReplyThrottle",  # the per-room limit of 90-fan-out.yaml (Camel's throttle before)
        "dev.wbxt.router.processing.AppendOnlyIdempotentRepository",
        "dev.wbxt.router.bot.EchoReplies",
        "dev.wbxt.router.toolkit.",
    )),
    # Every other Webex call (me, getMessage, getRoom, getPerson): per kind, the stand-in counts them (calls.log).
    ("webex calls", "processing", None, (
        "dev.wbxt.router.webex.",
        "org.apache.camel.component.http.",
        "org.apache.hc.",
        # the Webex client on Vert.x's HttpClient: its frames on the event loops that also serve the webhooks
        "io.vertx.core.http.impl.Http1xClientConnection",
        "io.vertx.core.http.impl.HttpClientImpl",
        "io.vertx.core.http.impl.HttpClientRequestImpl",
        "io.vertx.core.http.impl.HttpClientResponseImpl",
        "io.vertx.core.net.impl.pool.",
    )),
    ("webex calls", "processing", r"^wbxt-webex-eventloop", ("",)),  # the rest of the Webex client's own event loop
    ("log", "processing", None, (
        "dev.wbxt.router.processing.EventLog",
        "org.apache.logging.",
        "org.slf4j.",
    )),
    # The forward on the lanes: the CloudEvent, and the recipientList that sends it to the topic and the destinations'
    # queues (the shipped routes' only multicast; its exchange copies and their aggregation) with BROKER_SEND below.
    ("forward", "processing", None, (
        "dev.wbxt.router.forward.",
        "org.apache.camel.processor.RecipientList",
        "org.apache.camel.processor.MulticastProcessor",
    )),
    ("store", "ingest", r"(?i)vert\.x|activemq|wbxt-store", BROKER_SEND),
    ("forward", "processing", None, BROKER_SEND),
    ("receive", "ingest", None, (
        "dev.wbxt.router.ingest.",
        "org.apache.camel.component.platform.http.",
        "io.vertx.core.http.",
        "io.vertx.ext.web.",
        "javax.crypto.",
        "com.sun.crypto.provider.",
    )),
    ("receive", "ingest", r"^vert\.x-(eventloop|worker)-thread", ("",)),  # the rest of the HTTP server's threads
    # Taking the message off the queue: the broker's delivery threads, the consumer's receive, the JMS message read.
    ("consume", "processing", None, (
        "org.springframework.jms.listener.AbstractPollingMessageListenerContainer.receiveMessage",
        "org.apache.activemq.artemis.jms.client.ActiveMQMessageConsumer",
        "org.apache.activemq.artemis.core.client.impl.ClientConsumerImpl",
        "org.apache.activemq.artemis.core.server.",
        "org.apache.camel.component.jms.JmsBinding",
        "org.apache.camel.component.jms.JmsMessage",  # JmsMessage, JmsMessageHelper: reading the JMS message
        "dev.wbxt.router.processing.PlainMessage",
        "dev.wbxt.router.rooms.RoomsConsumer.take",  # the room lanes: a delivered message handed to its room's lane
        "dev.wbxt.router.rooms.RoomEvent.of",
    )),
    # The YAML routes: Camel's routing engine, the dispatch's JSON parse, the loop guard, the resource routes.
    ("dispatch", "processing", None, (
        "org.apache.camel.",
        "dev.wbxt.router.",
        "com.fasterxml.jackson.",
    )),
    ("consume", "processing", r"JmsConsumer\[|wbxt-acks|rooms-timer", ("",)),  # the rest of the queue consumers' threads
    # The embedded broker's own threads ("Thread-N (activemq-wbxt-broker)", in-VM connector...) when no row above
    # matched: packet handling, executors waking up.
    ("broker threads, other", "processing", r"(?i)activemq", ("",)),
]

# Threads of the JVM itself (no Java samples): CPU from /proc/<pid>/task/*/stat, by the thread's name (comm, 15
# characters at most). Any other thread is a Java thread, whose CPU the samples above divide.
JVM_THREADS = [
    ("GC (GC threads, VM thread)", r"^(GC Thread|G1 |VM Thread|ZGC|Shenandoah|GC )"),
    ("JIT compiler", r"^C[12] CompilerThre"),
    # "Attach Listener" is a Java thread, but it runs jcmd's JFR.start/JFR.stop: the measurement's, not the service's.
    ("JVM: other (JFR, jcmd, service threads)",
     r"^(JFR |Attach Listener|VM Periodic|Service Thread|Monitor Deflati|Sweeper|Notification Th)"),
]
