package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackTest {
    private static final List<Long> THIS_JVM = List.of(ProcessHandle.current().pid());

    @Test
    void aSocketListeningOnLoopbackIsFoundWithItsAddressAndPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(Loopback.listeningAddressesOf(THIS_JVM))
                    .contains(new InetSocketAddress("127.0.0.1", socket.getLocalPort()));
        }
    }

    @Test
    void aSocketListeningOnEveryAddressIsFoundAsNotLoopbackSoTheCheckCanFail() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            assertThat(Loopback.listeningAddressesOf(THIS_JVM))
                    .filteredOn(a -> a.getPort() == socket.getLocalPort())
                    .singleElement()
                    .satisfies(a -> assertThat(a.getAddress().isAnyLocalAddress()).as(a + " is a wildcard").isTrue());
        }
    }

    @Test
    void processesListeningOnNothingHaveNoAddresses() {
        assertThat(Loopback.listeningAddressesOf(List.of())).isEmpty();
    }
}
