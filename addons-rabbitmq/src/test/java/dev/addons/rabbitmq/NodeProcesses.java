package dev.addons.rabbitmq;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test-only looks at a node's processes and ports from outside, as root sees them in /proc. */
final class NodeProcesses {

    private NodeProcesses() {
    }

    /** Whether the process runs; an exited one not reaped yet by init (a zombie) does not. */
    static boolean isRunning(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return process.isAlive() && state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The running processes whose command line or environment names {@code directory}: every
     * process of a node started there (beam.smp, epmd, erl_child_setup, inet_gethost, the shells)
     * inherits {@code HOME=<its run directory>}.
     */
    static List<ProcessHandle> mentioning(Path directory) {
        String marker = directory.toAbsolutePath().toString();
        try (var processes = ProcessHandle.allProcesses()) {
            return processes.filter(NodeProcesses::isRunning)
                    .filter(p -> read(p, "cmdline").contains(marker) || read(p, "environ").contains(marker))
                    .toList();
        }
    }

    /** The value of {@code name} in the process's environment, or null. */
    static String environment(ProcessHandle process, String name) {
        for (String entry : read(process, "environ").split("\0")) {
            if (entry.startsWith(name + "=")) {
                return entry.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** Whether something accepts connections on 127.0.0.1:{@code port}. */
    static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(ProcessHandle process, String file) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), file)),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
