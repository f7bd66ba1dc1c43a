package dev.addons.container;

import dev.addons.api.Endpoint;
import dev.addons.core.runtime.RunningServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link RunningServer} as {@code key=value} lines, for tests that start a server in another JVM
 * and check or destroy it in their own: {@code port=...} and {@code attribute.<key>=...}. (As
 * addons-core's tests have it for the process runtime.)
 */
final class RunningServerLines {
    private RunningServerLines() {
    }

    /** Prints {@code server} on stdout. */
    static void print(RunningServer server) {
        System.out.println("port=" + server.endpoint().port());
        server.attributes().forEach((key, value) -> System.out.println("attribute." + key + "=" + value));
    }

    /** The server {@link #print} printed, listening on 127.0.0.1. */
    static RunningServer parse(String serverId, String runtime, List<String> lines) {
        Map<String, String> attributes = new HashMap<>();
        lines.stream().filter(line -> line.startsWith("attribute."))
                .forEach(line -> attributes.put(line.substring(10, line.indexOf('=')),
                        line.substring(line.indexOf('=') + 1)));
        int port = lines.stream().filter(line -> line.startsWith("port=")).map(line -> line.substring(5))
                .mapToInt(Integer::parseInt).findFirst().orElseThrow();
        return new RunningServer(serverId, runtime, new Endpoint("127.0.0.1", port), attributes);
    }
}
