package dev.wbxt.router.webex;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Calls the Webex REST API as the bot: messages (with files), rooms, people, attachment actions and webhooks. Producer only: Webex
 * events arrive as webhooks. This text is the component's description in its generated metadata.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "webex", title = "Webex", syntax = "webex:operation", producerOnly = true,
        category = { Category.CHAT, Category.CLOUD, Category.API }, headersClass = WebexConstants.class)
public class WebexEndpoint extends DefaultEndpoint {
    @UriPath(description = "The Webex REST operation to call (the values of WebexOperation).")
    @Metadata(required = true)
    private final WebexOperation operation;
    @UriParam(description = "The resource id for get, update and delete operations; the WebexId header is used when"
            + " it is not set.")
    private String id;
    @UriParam(description = "Page size (max) of the list operations; all pages are fetched either way.")
    private Integer max;
    @UriParam(description = "listMessages: the room whose messages are listed.")
    private String roomId;
    @UriParam(description = "listMessages: only messages mentioning these people (me: the bot).")
    private String mentionedPeople;
    @UriParam(description = "listMessages: only the replies of this parent message.")
    private String parentId;
    @UriParam(description = "listMessages: only messages sent before this ISO-8601 time.")
    private String before;
    @UriParam(description = "listRooms: only rooms of this type (direct or group).")
    private String type;
    @UriParam(description = "listRooms: sort by id, lastactivity or created.")
    private String sortBy;
    @UriParam(description = "getFileInfo, getFile: the file's URL, an entry of a message's files (only the API's own"
            + " <api-url>/contents/<id> URLs are called); the WebexFileUrl header, else the body, when not set.")
    private String url;
    @UriParam(description = "getFile: the media types taken, comma-separated (image/*, application/pdf); another type"
            + " is refused before it is fetched. Empty: any.")
    private String accept;

    public WebexEndpoint(String uri, WebexComponent component, WebexOperation operation) {
        super(uri, component);
        this.operation = operation;
    }

    /** The plain producer, or one that also shows each call to the component's observer when one is set. */
    @Override
    public Producer createProducer() {
        WebexProducer producer = new WebexProducer(this);
        WebexCallObserver observer = getComponent().getCallObserver();
        return observer == null ? producer : new ObservedWebexProducer(producer, observer);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("webex: has no consumer; Webex events arrive as webhooks");
    }

    @Override
    public WebexComponent getComponent() {
        return (WebexComponent) super.getComponent();
    }

    public WebexOperation getOperation() {
        return operation;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Integer getMax() {
        return max;
    }

    public void setMax(Integer max) {
        this.max = max;
    }

    public String getRoomId() {
        return roomId;
    }

    public void setRoomId(String roomId) {
        this.roomId = roomId;
    }

    public String getMentionedPeople() {
        return mentionedPeople;
    }

    public void setMentionedPeople(String mentionedPeople) {
        this.mentionedPeople = mentionedPeople;
    }

    public String getParentId() {
        return parentId;
    }

    public void setParentId(String parentId) {
        this.parentId = parentId;
    }

    public String getBefore() {
        return before;
    }

    public void setBefore(String before) {
        this.before = before;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getSortBy() {
        return sortBy;
    }

    public void setSortBy(String sortBy) {
        this.sortBy = sortBy;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getAccept() {
        return accept;
    }

    public void setAccept(String accept) {
        this.accept = accept;
    }

    /** The accept option as a list of media ranges; empty when unset. */
    java.util.List<String> acceptList() {
        return accept == null || accept.isBlank() ? java.util.List.of()
                : java.util.Arrays.stream(accept.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    /** The list query of this endpoint, unset options left out. */
    Map<String, String> query() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("roomId", roomId);
        q.put("mentionedPeople", mentionedPeople);
        q.put("parentId", parentId);
        q.put("before", before);
        q.put("type", type);
        q.put("sortBy", sortBy);
        q.values().removeIf(v -> v == null || v.isEmpty());
        return q;
    }
}
