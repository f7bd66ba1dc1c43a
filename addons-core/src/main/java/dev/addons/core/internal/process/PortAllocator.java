package dev.addons.core.internal.process;

import dev.addons.core.runtime.ServerPorts;

/**
 * Free TCP ports on the loopback address, below the kernel's ephemeral range ({@link ServerPorts}).
 * A port is free when it is handed out; another program may take it before the server binds it,
 * which the runtime detects and retries.
 */
final class PortAllocator {
    /** The address every server of the process runtime listens on. */
    static final String LOOPBACK_HOST = "127.0.0.1";

    private PortAllocator() {
    }

    /** A port on 127.0.0.1 that nothing listens on at the moment: see {@link ServerPorts#free()}. */
    static int freePort() {
        return ServerPorts.free();
    }

    /** Whether {@code port} on 127.0.0.1 can be bound now, i.e. no other program holds it. */
    static boolean isFree(int port) {
        return ServerPorts.isFree(port);
    }
}
