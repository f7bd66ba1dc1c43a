package dev.addons.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerPortsTest {
    @Test
    void choosesPortsBelowTheEphemeralRangeThatNothingListensOn() {
        int lowestEphemeral = ServerPorts.ephemeralRange()[0];
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = ServerPorts.free();
            assertThat(port).isBetween(20000, lowestEphemeral - 1);
            assertThat(ServerPorts.isFree(port)).isTrue();
            ports.add(port);
        }
        assertThat(ports).as("chosen at random, not one port again and again").hasSizeGreaterThan(1);
    }

    @Test
    void aPortSomethingListensOnIsNotFree() throws IOException {
        try (ServerSocket socket = new ServerSocket(ServerPorts.free(), 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(ServerPorts.isFree(socket.getLocalPort())).isFalse();
        }
    }

    @Test
    void readsTheKernelsEphemeralRange() {
        int[] range = ServerPorts.ephemeralRange();
        assertThat(range[0]).isLessThan(range[1]);
        assertThat(range[0]).isGreaterThan(1023);
    }
}
