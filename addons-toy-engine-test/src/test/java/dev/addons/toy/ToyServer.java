package dev.addons.toy;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The toy engine: a key-value server speaking one line per request and one per answer (UTF-8),
 * run as its own JVM by the process runtime. It needs the JDK alone and is one class, so that its
 * launcher can copy it next to the server.
 *
 * <pre>
 * AUTH user password   OK | ERR ...     (first, on every connection)
 * PING                 PONG
 * SET key value...     OK               (the value is the rest of the line)
 * GET key              VALUE value | NIL
 * DEL key              OK
 * VERSION              VERSION n
 * ADDUSER user pass    OK               (admin only; replaces a user of that name, keeping no key)
 * DELUSER user         OK               (admin only; the user and its keys; none is no error)
 * </pre>
 *
 * <p>Each user has keys of its own. Users (their passwords' SHA-256) and keys live in memory and
 * in an append-only log in the data directory, replayed at start. The configuration file
 * ({@code --config FILE}) gives {@code host}, {@code port}, {@code data}, {@code version} and
 * {@code admin-password}, so that no secret is on the command line. It listens on the given
 * host only (the process runtime gives a loopback one) and stops on SIGTERM.
 */
public final class ToyServer {
    static final String ADMIN = "admin";
    private static final Pattern USER = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Pattern KEY = Pattern.compile("[^\\s]{1,200}");

    private final String adminHash;
    private final String version;
    private final Map<String, String> users = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> keys = new ConcurrentHashMap<>();
    private final BufferedWriter log;

    private ToyServer(String adminPassword, String version, Path data) throws IOException {
        this.adminHash = hash(adminPassword);
        this.version = version;
        Path file = data.resolve("toy.log");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                apply(line.split(" ", 4));
            }
        }
        this.log = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("--config")) {
            System.err.println("usage: ToyServer --config FILE");
            System.exit(2);
        }
        Properties config = new Properties();
        try (var in = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8)) {
            config.load(in);
        }
        ToyServer server = new ToyServer(config.getProperty("admin-password"), config.getProperty("version"),
                Path.of(config.getProperty("data")));
        InetAddress host = InetAddress.getByName(config.getProperty("host"));
        int port = Integer.parseInt(config.getProperty("port"));
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(host, port), 50);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                socket.close();
            } catch (IOException e) {
                // exiting anyway
            }
        }));
        System.err.println("toy " + server.version + " listening on " + host.getHostAddress() + ":" + port);
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                break; // closed by the shutdown hook
            }
            Thread thread = new Thread(() -> server.serve(client), "toy-client");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void serve(Socket client) {
        try (client;
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(new OutputStreamWriter(client.getOutputStream(),
                        StandardCharsets.UTF_8), true)) {
            String user = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] words = line.split(" ", 3);
                if (user == null) {
                    user = authenticate(words);
                    out.println(user == null ? "ERR authenticate first: AUTH user password" : "OK");
                } else {
                    out.println(answer(user, words));
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** The user {@code AUTH user password} logs in as, or null. */
    private String authenticate(String[] words) {
        if (words.length != 3 || !words[0].equals("AUTH")) {
            return null;
        }
        String expected = words[1].equals(ADMIN) ? adminHash : users.get(words[1]);
        return expected != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                hash(words[2]).getBytes(StandardCharsets.US_ASCII)) ? words[1] : null;
    }

    private String answer(String user, String[] words) {
        boolean admin = user.equals(ADMIN);
        switch (words[0]) {
            case "PING":
                return "PONG";
            case "VERSION":
                return "VERSION " + version;
            case "GET":
                return words.length == 2 && KEY.matcher(words[1]).matches()
                        ? keysOf(user).containsKey(words[1]) ? "VALUE " + keysOf(user).get(words[1]) : "NIL"
                        : "ERR usage: GET key";
            case "SET":
                return words.length == 3 && KEY.matcher(words[1]).matches()
                        ? write("SET", user, words[1], words[2]) : "ERR usage: SET key value";
            case "DEL":
                return words.length == 2 && KEY.matcher(words[1]).matches()
                        ? write("DEL", user, words[1], null) : "ERR usage: DEL key";
            case "ADDUSER":
                return !admin ? "ERR only admin adds users"
                        : words.length == 3 && USER.matcher(words[1]).matches() && !words[1].equals(ADMIN)
                        ? write("ADDUSER", words[1], hash(words[2]), null) : "ERR usage: ADDUSER user password";
            case "DELUSER":
                return !admin ? "ERR only admin removes users"
                        : words.length == 2 && USER.matcher(words[1]).matches()
                        ? write("DELUSER", words[1], null, null) : "ERR usage: DELUSER user";
            default:
                return "ERR unknown command: " + words[0];
        }
    }

    private Map<String, String> keysOf(String user) {
        return keys.computeIfAbsent(user, u -> new ConcurrentHashMap<>());
    }

    /** Logs the change, then makes it. */
    private synchronized String write(String operation, String subject, String argument, String value) {
        String line = operation + " " + subject + (argument == null ? "" : " " + argument)
                + (value == null ? "" : " " + value);
        try {
            log.write(line);
            log.newLine();
            log.flush();
        } catch (IOException e) {
            return "ERR cannot write the log: " + e.getMessage();
        }
        apply(line.split(" ", 4));
        return "OK";
    }

    private void apply(String[] change) {
        switch (change[0]) {
            case "ADDUSER" -> {
                users.put(change[1], change[2]);
                keys.remove(change[1]);
            }
            case "DELUSER" -> {
                users.remove(change[1]);
                keys.remove(change[1]);
            }
            case "SET" -> keysOf(change[1]).put(change[2], change[3]);
            case "DEL" -> keysOf(change[1]).remove(change[2]);
            default -> throw new IllegalStateException("corrupt log line starting " + change[0]);
        }
    }

    private static String hash(String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For the launcher: what to copy next to the server. */
    static List<String> classFiles() {
        return List.of(ToyServer.class.getSimpleName() + ".class");
    }
}
