package dev.addons.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import redis.clients.jedis.Jedis;

/**
 * The first successful query of an engine, made with the variables only (as an app that reads
 * its environment would), retried every 10 ms until it succeeds or the deadline passes.
 */
final class FirstQuery {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private FirstQuery() {
    }

    /** Blocks until a query of {@code engine} succeeds; throws the last failure after the deadline. */
    static void await(String engine, Map<String, String> vars) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try {
                once(engine, vars);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    static void once(String engine, Map<String, String> vars) throws Exception {
        switch (engine) {
            case "postgresql" -> sql("jdbc:postgresql://" + vars.get("PGHOST") + ":" + vars.get("PGPORT") + "/"
                    + vars.get("PGDATABASE"), vars.get("PGUSER"), vars.get("PGPASSWORD"));
            case "mysql" -> sql("jdbc:mysql://" + vars.get("MYSQL_HOST") + ":" + vars.get("MYSQL_PORT") + "/"
                    + vars.get("MYSQL_DATABASE"), vars.get("MYSQL_USER"), vars.get("MYSQL_PASSWORD"));
            case "valkey" -> valkey(vars.get("VALKEY_URL"));
            case "rabbitmq" -> rabbitmq(vars.get("RABBITMQ_URL"));
            case "memcached" -> memcached(vars.get("MEMCACHE_HOST"), Integer.parseInt(vars.get("MEMCACHE_PORT")),
                    vars.get("MEMCACHE_USERNAME"), vars.get("MEMCACHE_PASSWORD"));
            default -> throw new IllegalArgumentException("no first query for " + engine);
        }
    }

    private static void sql(String url, String user, String password) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password == null ? "" : password);
        properties.setProperty("connectTimeout", "5");
        try (java.sql.Connection connection = DriverManager.getConnection(url, properties);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT 1")) {
            rows.next();
        }
    }

    private static void valkey(String url) {
        try (Jedis jedis = new Jedis(java.net.URI.create(url))) {
            if (!"PONG".equals(jedis.ping())) {
                throw new IllegalStateException("PING did not answer PONG");
            }
        }
    }

    private static void rabbitmq(String url) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(url);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(5000);
        try (Connection connection = factory.newConnection("addons-bench"); Channel channel = connection.createChannel()) {
            channel.queueDeclare("", false, true, true, null);
        }
    }

    /**
     * {@code version}: with a user (an addon's server, SASL on) over the binary protocol after SASL
     * PLAIN, the only protocol memcached then speaks; without (a peer's plain server) over the text one.
     */
    private static void memcached(String host, int port, String user, String password) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            if (user != null) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                binary(out, in, (byte) 0x21, "PLAIN", "\0" + user + "\0" + password);
                binary(out, in, (byte) 0x0b, "", "");
                return;
            }
            out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            if (line == null || !line.startsWith("VERSION")) {
                throw new IllegalStateException("memcached answered " + line);
            }
        }
    }

    /** One binary protocol request; throws unless its answer's status is 0 (success). */
    private static void binary(OutputStream out, DataInputStream in, byte opcode, String key, String value)
            throws IOException {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        out.write(ByteBuffer.allocate(24 + k.length + v.length).put((byte) 0x80).put(opcode).putShort((short) k.length)
                .putInt(0).putInt(k.length + v.length).putInt(0).putLong(0).put(k).put(v).array());
        out.flush();
        byte[] header = new byte[24];
        in.readFully(header);
        in.readFully(new byte[ByteBuffer.wrap(header).getInt(8)]);
        int status = ByteBuffer.wrap(header).getShort(6) & 0xffff;
        if (status != 0) {
            throw new IllegalStateException("memcached answered opcode " + opcode + " with status " + status);
        }
    }
}
