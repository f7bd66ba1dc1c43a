package dev.addons.core.internal.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on the loopback address. A port is free when it is handed out; another program
 * may take it before the server binds it, which the runtime detects and retries.
 */
final class PortAllocator {
    /** The address every server of the process runtime listens on. */
    static final String LOOPBACK_HOST = "127.0.0.1";
    private static final InetAddress LOOPBACK = loopback();

    private PortAllocator() {
    }

    private static InetAddress loopback() {
        try {
            // Not getLoopbackAddress(): that may be ::1, and servers are told to listen on 127.0.0.1.
            return InetAddress.getByAddress(LOOPBACK_HOST, new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A port on 127.0.0.1 that nothing listens on at the moment. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + LOOPBACK_HOST, e);
        }
    }

    /** Whether {@code port} on 127.0.0.1 can be bound now, i.e. no other program holds it. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
