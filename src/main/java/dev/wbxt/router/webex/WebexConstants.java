package dev.wbxt.router.webex;

import org.apache.camel.spi.Metadata;

/** The headers of the {@code webex:} component, listed in its generated metadata ({@code headersClass}). */
public final class WebexConstants {
    @Metadata(label = "producer", description = "The Webex id of the resource a get, update or delete operation works on,"
            + " when the endpoint has no id option.", javaType = "String")
    public static final String ID = "WebexId";
    @Metadata(label = "producer", description = "The HTTP status of Webex's answer.", javaType = "int")
    public static final String STATUS_CODE = "WebexStatusCode";
    @Metadata(label = "producer", description = "Webex's TrackingID of the answer: quote it to Webex support.",
            javaType = "String")
    public static final String TRACKING_ID = "WebexTrackingId";

    @Metadata(label = "producer", description = "getFileInfo, getFile: the file's URL (an entry of a message's files),"
            + " when the endpoint has no url option.", javaType = "String")
    public static final String FILE_URL = "WebexFileUrl";

    private WebexConstants() {
    }
}
