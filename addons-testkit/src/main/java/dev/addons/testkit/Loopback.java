package dev.addons.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Checks on 127.0.0.1, where every server of the tests listens. Stateless. */
public final class Loopback {
    private Loopback() {
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port} (tried for 200 ms). */
    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
