package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PortOwnersTest {
    /** Lines as the kernel writes them: a header, then IPv4 sockets; then tcp6's header and sockets. */
    private static final List<String> TABLES = List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 "
                    + "0000000000000000 100 0 0 10 0",
            "   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000   998        0 31338 1 "
                    + "0000000000000000 100 0 0 10 0",
            "   2: 0100007F:1F90 0100007F:D2F4 01 00000000:00000000 00:00000000 00000000     0        0 40000 1 "
                    + "0000000000000000 20 4 30 10 -1",
            "   3: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 50000 1 "
                    + "0000000000000000 100 0 0 10 0",
            "  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
                    + "tm->when retrnsmt   uid  timeout inode",
            "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 "
                    + "00:00000000 00000000   998        0 31339 1 0000000000000000 100 0 0 10 0");

    @Test
    void findsTheInodesOfTheSocketsListeningOnAPortOnAnyAddressOfEitherTable() {
        assertThat(PortOwners.listeningInodes(TABLES, 8080)).containsExactlyInAnyOrder(31337L, 31338L, 31339L);
        assertThat(PortOwners.listeningInodes(TABLES, 3306)).containsExactly(50000L);
        assertThat(PortOwners.listeningInodes(TABLES, 5432)).as("nobody listens; an established one is no listener")
                .isEmpty();
        assertThat(PortOwners.listeningInodes(List.of("garbage", "", "   0: nothing:here"), 8080)).isEmpty();
    }

    @Test
    void readsTheInodeOfASocketLinkOnly() {
        assertThat(PortOwners.socketInode("socket:[31337]")).contains(31337L);
        assertThat(PortOwners.socketInode("pipe:[31337]")).isEmpty();
        assertThat(PortOwners.socketInode("/dev/null")).isEmpty();
        assertThat(PortOwners.socketInode("socket:[x]")).isEmpty();
    }

    @Test
    void aProcessListeningOnThePortIsItsOnlyListener() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            List<Long> inodes = List.copyOf(PortOwners.listeningInodes(PortOwners.tables(), socket.getLocalPort()));

            assertThat(inodes).hasSize(1);
            assertThat(PortOwners.socketsOf(ProcessHandle.current())).contains(inodes.get(0));
            assertThat(PortOwners.holderOf(inodes.get(0))).isEqualTo(OptionalLong.of(ProcessHandle.current().pid()));
            assertThat(PortOwners.whyNotOnlyListener(List.of(socket.getLocalPort()), ProcessHandle.current()))
                    .isEmpty();
        }
    }

    @Test
    void aPortNobodyListensOnHasNoOtherListenerAndOneAnotherProcessHasIsTaken() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int free;
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                free = closed.getLocalPort();
            }
            assertThat(PortOwners.whyNotOnlyListener(List.of(free), child.toHandle()))
                    .as("a connection would be refused: nothing to send anything to").isEmpty();

            assertThatThrownBy(() -> PortOwners.whyNotOnlyListener(List.of(socket.getLocalPort()), child.toHandle()))
                    .isInstanceOf(PortOwners.Taken.class)
                    .hasMessage("port " + socket.getLocalPort() + " is listened on by another program (pid "
                            + ProcessHandle.current().pid() + "), not by the server started on it");
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    @Test
    void aHelperPortMayBeAnotherProcessButMustBeListenedOnAndAnExtraPortIsTakenByItsName() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int free;
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                free = closed.getLocalPort();
            }
            int other = socket.getLocalPort();

            assertThat(PortOwners.whyNotOnlyListener(List.of(new PortOwners.Port(other, "epmd", true)),
                    child.toHandle())).isEmpty();
            assertThat(PortOwners.whyNotOnlyListener(List.of(new PortOwners.Port(free, "epmd", true)),
                    child.toHandle())).contains("nothing listens on port " + free + " (epmd), which a helper serves, yet");
            assertThatThrownBy(() -> PortOwners.whyNotOnlyListener(List.of(new PortOwners.Port(free, "epmd", true),
                    new PortOwners.Port(other, "management", false)), child.toHandle()))
                    .as("another program on a port the engine serves ends it, whatever else is not ready yet")
                    .isInstanceOf(PortOwners.Taken.class)
                    .hasMessage("port " + other + " (management) is listened on by another program (pid "
                            + ProcessHandle.current().pid() + "), not by the server started on it");
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }
}
