package dev.addons.core.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers to listen on, on 127.0.0.1, chosen below the kernel's ephemeral range. A
 * server keeps its port across restarts (its variables do not change); a port of the ephemeral
 * range may meanwhile become the local end of some client's connection, which the kernel hands
 * out without asking, and the restarted server could not bind it. Ports below that range are
 * only ever taken by programs that ask for them. Where the range leaves too little room below it,
 * any free port does, as the kernel chooses. Stateless.
 *
 * @since 0.2
 */
public final class ServerPorts {
    /** Linux's default ephemeral range, used where {@code /proc} does not say. */
    private static final int[] DEFAULT_EPHEMERAL = {32768, 60999};
    /** The lowest port chosen: above the ports of well-known and registered services in common use. */
    private static final int LOWEST = 20000;
    /** Fewer ports below the ephemeral range than this, and the kernel's choice is taken instead. */
    private static final int LEAST_ROOM = 2000;
    private static final int ATTEMPTS = 50;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final InetAddress LOOPBACK = loopback();

    private ServerPorts() {
    }

    private static InetAddress loopback() {
        try {
            // Not getLoopbackAddress(): that may be ::1, and servers listen on 127.0.0.1.
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A port on 127.0.0.1 that nothing listens on at the moment, below the ephemeral range where
     * there is room. Another program may still take it before the server binds it; runtimes
     * detect that and choose again.
     */
    public static int free() {
        int highest = ephemeralRange()[0] - 1;
        if (highest - LOWEST >= LEAST_ROOM) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                int port = random.nextInt(LOWEST, highest + 1);
                if (isFree(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** Whether {@code port} on 127.0.0.1 can be bound now, i.e. nothing listens on it. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The kernel's ephemeral port range, lowest and highest. */
    static int[] ephemeralRange() {
        try {
            String[] bounds = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
            return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL.clone();
        }
    }
}
