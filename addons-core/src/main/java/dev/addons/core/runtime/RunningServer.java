package dev.addons.core.runtime;

import dev.addons.api.Endpoint;
import java.util.Map;
import java.util.Objects;

/**
 * A started server as its runtime records it: enough to reach it, check it and destroy it from
 * any later process. Holds no secret.
 *
 * @param serverId   its id within the addons home
 * @param runtime    the name of the runtime that runs it
 * @param endpoint   where clients connect (loopback for local runtimes)
 * @param attributes the runtime's own facts (pid, directories, container id...)
 * @param extraEndpoints where clients reach the server's extra ports, by name
 */
public record RunningServer(String serverId, String runtime, Endpoint endpoint, Map<String, String> attributes,
        Map<String, Endpoint> extraEndpoints) {
    public RunningServer {
        Objects.requireNonNull(serverId, "serverId == null");
        Objects.requireNonNull(runtime, "runtime == null");
        Objects.requireNonNull(endpoint, "endpoint == null");
        attributes = Map.copyOf(attributes);
        extraEndpoints = extraEndpoints == null ? Map.of() : Map.copyOf(extraEndpoints);
    }

    /** A server with one port. */
    public RunningServer(String serverId, String runtime, Endpoint endpoint, Map<String, String> attributes) {
        this(serverId, runtime, endpoint, attributes, Map.of());
    }

    /** The attribute {@code key}; throws {@link IllegalStateException} when it is missing. */
    public String attribute(String key) {
        String value = attributes.get(key);
        if (value == null) {
            throw new IllegalStateException("server " + serverId + " has no attribute '" + key + "'");
        }
        return value;
    }
}
