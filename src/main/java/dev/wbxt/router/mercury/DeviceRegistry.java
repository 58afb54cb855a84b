package dev.wbxt.router.mercury;

import java.net.URI;
import java.util.Set;

import dev.wbxt.router.webex.OutboundProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The service's device in Webex's device registry (WDM), which hands out the websocket's URL: {@code GET
 * {devices-url}/devices} and the device of our name reused, else {@code POST {devices-url}/devices}; {@code DELETE}
 * of the device's {@code url} on a graceful stop. The device body is webex_bot's ({@code webex_websocket_client.py},
 * {@code DEVICE_DATA}) with our names. Asynchronous, on Vert.x's HTTP client, through the outbound proxy.
 */
final class DeviceRegistry implements AutoCloseable {
    static final String NAME = "webex-event-router";

    /** A registered device: its own URL (for DELETE) and the websocket's. */
    record Device(String url, String webSocketUrl) {
    }

    /** WDM answered {@code status}: a 404 of a listed device means it is gone. */
    static final class WdmException extends Exception {
        final int status;

        WdmException(String what, int status) {
            super(what + " answered " + status, null, false, false);
            this.status = status;
        }
    }

    private final HttpClient http;
    private final String devicesUrl;
    private final String bearer;
    private final OutboundProxy proxy;
    private final long timeoutMillis;

    DeviceRegistry(Vertx vertx, String devicesUrl, String token, OutboundProxy proxy, long timeoutMillis) {
        this.http = vertx.createHttpClient(new HttpClientOptions().setName("webex-devices"));
        this.devicesUrl = devicesUrl.endsWith("/") ? devicesUrl.substring(0, devicesUrl.length() - 1) : devicesUrl;
        this.bearer = "Bearer " + token;
        this.proxy = proxy;
        this.timeoutMillis = timeoutMillis;
    }

    /** Our device, reused by name unless its URL is in {@code gone} (its websocket answered 404), else a new one. */
    Future<Device> register(Set<String> gone) {
        return call(HttpMethod.GET, devicesUrl + "/devices", null).compose(list -> {
            JsonArray devices = list.getJsonArray("devices", new JsonArray());
            for (int i = 0; i < devices.size(); i++) {
                JsonObject d = devices.getJsonObject(i);
                if (NAME.equals(d.getString("name")) && !gone.contains(d.getString("url")) && d.getString("webSocketUrl") != null) {
                    return Future.succeededFuture(new Device(d.getString("url"), d.getString("webSocketUrl")));
                }
            }
            JsonObject body = new JsonObject().put("deviceName", NAME).put("deviceType", "DESKTOP")
                    .put("localizedModel", "java").put("model", "java").put("name", NAME)
                    .put("systemName", NAME).put("systemVersion", "1.0");
            return call(HttpMethod.POST, devicesUrl + "/devices", body)
                    .map(d -> new Device(d.getString("url"), d.getString("webSocketUrl")));
        });
    }

    Future<Void> delete(Device device) {
        return call(HttpMethod.DELETE, device.url(), null).mapEmpty();
    }

    private Future<JsonObject> call(HttpMethod method, String url, JsonObject body) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url)
                .putHeader("Authorization", bearer).putHeader("Accept", "application/json")
                .setIdleTimeout(timeoutMillis).setFollowRedirects(false); // the token goes to the configured host only
        proxy.forTarget(URI.create(url)).ifPresent(options::setProxyOptions);
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        String what = method + " " + URI.create(url).getPath();
        return http.request(options)
                .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
                .compose(response -> response.body().compose(bytes -> {
                    if (response.statusCode() / 100 != 2) {
                        return Future.failedFuture(new WdmException(what, response.statusCode()));
                    }
                    return Future.succeededFuture(json(bytes));
                }));
    }

    private static JsonObject json(Buffer bytes) {
        return bytes.length() == 0 ? new JsonObject() : bytes.toJsonObject();
    }

    @Override
    public void close() {
        http.close();
    }
}
