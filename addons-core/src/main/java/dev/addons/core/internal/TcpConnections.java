package dev.addons.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts this host's established TCP connections by local port, from {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}: a server's clients, whatever its engine, are the established sockets
 * whose local port is the port it listens on. Reads the network namespace of this JVM, which is
 * the one the process runtime's engines run in. Stateless; thread-safe.
 */
final class TcpConnections {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    /** {@code st} of an established socket in the kernel's tables. */
    private static final String ESTABLISHED = "01";

    private TcpConnections() {
    }

    /**
     * Established connections by local port, now.
     *
     * @throws IOException when the kernel's tables cannot be read (not Linux)
     */
    static Map<Integer, Integer> byLocalPort() throws IOException {
        Map<Integer, Integer> counts = new HashMap<>();
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (NoSuchFileException e) {
                continue; // No IPv6 in this kernel.
            }
            for (int i = 1; i < lines.size(); i++) {
                // "  sl  local_address rem_address   st ...": "0: 0100007F:1F90 0100007F:D2F4 01 ..."
                String[] fields = lines.get(i).trim().split("\\s+");
                if (fields.length < 4 || !fields[3].equals(ESTABLISHED)) {
                    continue;
                }
                int colon = fields[1].lastIndexOf(':');
                int port = Integer.parseInt(fields[1].substring(colon + 1), 16);
                counts.merge(port, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Established connections whose local port is {@code port}, now. */
    static int on(int port) throws IOException {
        return byLocalPort().getOrDefault(port, 0);
    }
}
