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

    /** What {@code ps e} shows of a process: its command line and environment. */
    static String commandLineAndEnvironment(ProcessHandle process) {
        return read(process, "cmdline") + "\0" + read(process, "environ");
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

    /**
     * The addresses the processes listen on for TCP, e.g. {@code 127.0.0.1:5672} or
     * {@code [::1]:4369}: their socket inodes matched against {@code /proc/net/tcp} and {@code tcp6}.
     */
    static List<String> listeningAddresses(List<ProcessHandle> processes) throws IOException {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        for (ProcessHandle process : processes) {
            try (var fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
                fds.forEach(fd -> {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException gone) {
                        // the descriptor was closed meanwhile
                    }
                });
            } catch (IOException gone) {
                // the process exited meanwhile
            }
        }
        List<String> addresses = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals("0A") && inodes.contains(fields[9])) {
                    addresses.add(address(fields[1]));
                }
            }
        }
        return addresses;
    }

    /** A local address of /proc/net/tcp[6]: little-endian hex words, then the port in hex. */
    private static String address(String hex) {
        String[] parts = hex.split(":");
        int port = Integer.parseInt(parts[1], 16);
        if (parts[0].length() == 8) {
            long ip = Long.parseLong(parts[0], 16);
            return (ip & 0xFF) + "." + (ip >> 8 & 0xFF) + "." + (ip >> 16 & 0xFF) + "." + (ip >> 24 & 0xFF) + ":" + port;
        }
        String ip = switch (parts[0]) {
            case "00000000000000000000000001000000" -> "::1";
            case "00000000000000000000000000000000" -> "::";
            default -> parts[0];
        };
        return "[" + ip + "]:" + port;
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
