package dev.edgetrust.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.UUID;

/**
 * One KubeEdge (beehive) message: the JSON object carried in one WebSocket text frame.
 *
 * <pre>{"header":{"msg_id","parent_msg_id","timestamp","resourceversion","sync","type"},
 *  "route":{"source","destination","group","operation","resource"},"content":...}</pre>
 */
public record Message(Header header, Route route, JsonNode content) {
  public static final String OPERATION_KEEPALIVE = "keepalive";
  public static final String OPERATION_RESPONSE = "response";

  public Message {
    header = header == null ? new Header("", null, 0, null, false, null) : header;
    route = route == null ? Route.EMPTY : route;
    content = content == null ? NullNode.getInstance() : content;
  }

  /** The header, spelled as KubeEdge's Go struct spells it; empty optional fields are left out. */
  @JsonInclude(JsonInclude.Include.NON_DEFAULT)
  public record Header(
      @JsonProperty("msg_id") @JsonInclude(JsonInclude.Include.ALWAYS) String id,
      @JsonProperty("parent_msg_id") String parentId,
      @JsonProperty("timestamp") @JsonInclude(JsonInclude.Include.ALWAYS) long timestamp,
      @JsonProperty("resourceversion") String resourceVersion,
      @JsonProperty("sync") boolean sync,
      @JsonProperty("type") String type) {
    public Header {
      id = id == null ? "" : id;
    }
  }

  /** Where a message goes and what it does. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Route(
      String source, String destination, String group, String operation, String resource) {
    public static final Route EMPTY = new Route(null, null, null, null, null);

    @JsonIgnore
    public boolean isEmpty() {
      return equals(EMPTY);
    }
  }

  /** A new message with a fresh id and the current time. */
  public static Message create(Route route, JsonNode content) {
    return new Message(
        new Header(
            UUID.randomUUID().toString(), null, System.currentTimeMillis(), null, false, null),
        route,
        content);
  }

  /** The edge's keepalive, as edgecore sends it every {@code heartbeat} seconds. */
  public static Message keepalive() {
    return create(
        new Route("websocket", null, "resource", OPERATION_KEEPALIVE, "node"),
        TextNode.valueOf("ping"));
  }

  /** A reply to {@code request}: operation {@code response}, {@code parent_msg_id} set. */
  // A reply goes back the way the request came: its source is the request's destination.
  @SuppressWarnings("ArgumentSelectionDefectChecker")
  public Message response(JsonNode replyContent) {
    return new Message(
        new Header(
            UUID.randomUUID().toString(),
            header.id(),
            System.currentTimeMillis(),
            null,
            false,
            null),
        new Route(
            route.destination(),
            route.source(),
            route.group(),
            OPERATION_RESPONSE,
            route.resource()),
        replyContent);
  }

  /**
   * True for the empty message edgecore sends just before it closes ({@code "route":{}}, no id): it
   * carries nothing and asks for nothing.
   */
  @JsonIgnore
  public boolean isEmpty() {
    return route.isEmpty() && header.id().isEmpty() && content.isNull();
  }

  @JsonIgnore
  public boolean isKeepalive() {
    return OPERATION_KEEPALIVE.equals(route.operation());
  }

  @JsonIgnore
  public boolean isResponse() {
    return OPERATION_RESPONSE.equals(route.operation());
  }
}
