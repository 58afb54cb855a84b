package dev.wbxt.router.webex;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** {@code webex:<operation>?id=<webex id>}: producer only (Webex pushes events through webhooks, not this). */
public class WebexEndpoint extends DefaultEndpoint {
    private final WebexOperation operation;
    /** The resource id for get/update/delete operations; the {@code WebexId} header overrides it. */
    private String id;
    /** Page size ({@code max}) for listWebhooks; all pages are fetched either way. */
    private Integer max;
    /** Query parameters of listMessages / listRooms (see the README table). */
    private String roomId;
    private String mentionedPeople;
    private String parentId;
    private String before;
    private String type;
    private String sortBy;

    public WebexEndpoint(String uri, WebexComponent component, WebexOperation operation) {
        super(uri, component);
        this.operation = operation;
    }

    @Override
    public Producer createProducer() {
        return new WebexProducer(this);
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

    /** The list query of this endpoint, unset options left out. */
    java.util.Map<String, String> query() {
        java.util.Map<String, String> q = new java.util.LinkedHashMap<>();
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
