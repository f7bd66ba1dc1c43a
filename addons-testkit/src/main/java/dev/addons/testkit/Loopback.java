package dev.addons.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks on 127.0.0.1, where every server of the tests listens. Stateless. */
public final class Loopback {
    /** The state column of {@code /proc/net/tcp} for a listening socket. */
    private static final String LISTEN = "0A";

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

    /**
     * The addresses the processes {@code pids} listen on with TCP, IPv4 and IPv6: the LISTEN
     * sockets of {@code /proc/net/tcp} and {@code /proc/net/tcp6} (this network namespace) whose
     * inodes the processes hold open ({@code /proc/<pid>/fd/* -> socket:[inode]}). Linux only.
     */
    public static List<InetSocketAddress> listeningAddressesOf(Collection<Long> pids) {
        Set<String> inodes = new HashSet<>();
        for (long pid : pids) {
            inodes.addAll(socketInodes(pid));
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                    String[] fields = line.trim().split("\\s+");
                    if (fields[3].equals(LISTEN) && inodes.contains(fields[9])) {
                        addresses.add(socketAddress(fields[1]));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return addresses;
    }

    private static Set<String> socketInodes(long pid) {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // the process is gone meanwhile
        }
        return inodes;
    }

    /**
     * {@code 0100007F:2B67} or the IPv6 form: the address as hex of 32-bit words in host byte
     * order (little-endian here), the port as big-endian hex.
     */
    private static InetSocketAddress socketAddress(String hex) {
        String[] parts = hex.split(":");
        byte[] address = new byte[parts[0].length() / 2];
        for (int word = 0; word < address.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                address[word * 4 + i] = (byte) Integer.parseInt(parts[0].substring(at, at + 2), 16);
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), Integer.parseInt(parts[1], 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("unreadable address " + hex, e);
        }
    }
}
