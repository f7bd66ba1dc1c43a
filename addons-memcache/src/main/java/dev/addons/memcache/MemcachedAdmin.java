package dev.addons.memcache;

import dev.addons.api.spi.ServerAccess;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The provider's one conversation with a server, over the binary protocol (the only one memcached
 * speaks with SASL on): authenticate with SASL {@code PLAIN} as the server's user, then ask
 * {@code VERSION}, answered e.g. {@code 1.6.18}. It is the readiness check, so a server is ready
 * only once its user's password is accepted, and it says which version serves a tenant. The
 * password never appears in a message. Stateless and thread-safe.
 */
final class MemcachedAdmin {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration WORK_TIMEOUT = Duration.ofSeconds(30);

    private static final byte REQUEST = (byte) 0x80;
    private static final byte RESPONSE = (byte) 0x81;
    private static final byte VERSION = 0x0b;
    private static final byte SASL_AUTH = 0x21;
    private static final int HEADER = 24;
    /** Longer bodies are not what these two commands answer. */
    private static final int MAX_BODY = 4096;

    private MemcachedAdmin() {
    }

    /** A readiness check: the server's user authenticates and {@code VERSION} is answered. */
    static void checkReady(ServerAccess server) throws IOException {
        version(server, READY_TIMEOUT);
    }

    /** The version the server reports to its authenticated user. */
    static String version(ServerAccess server) throws IOException {
        return version(server, WORK_TIMEOUT);
    }

    private static String version(ServerAccess server, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.endpoint().host(), server.endpoint().port()),
                    (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] plain = ("\0" + server.adminUser() + "\0" + server.adminPassword()).getBytes(StandardCharsets.UTF_8);
            Response auth = call(out, in, SASL_AUTH, "PLAIN".getBytes(StandardCharsets.US_ASCII), plain);
            if (auth.status() != 0) {
                throw new IOException("SASL PLAIN authentication as '" + server.adminUser() + "' was refused: "
                        + auth.describe());
            }
            Response version = call(out, in, VERSION, new byte[0], new byte[0]);
            if (version.status() != 0) {
                throw new IOException("version was refused: " + version.describe());
            }
            return version.text().strip();
        }
    }

    private static Response call(OutputStream out, DataInputStream in, byte opcode, byte[] key, byte[] value)
            throws IOException {
        ByteBuffer request = ByteBuffer.allocate(HEADER + key.length + value.length)
                .put(REQUEST).put(opcode).putShort((short) key.length)
                .put((byte) 0).put((byte) 0).putShort((short) 0)
                .putInt(key.length + value.length).putInt(0).putLong(0)
                .put(key).put(value);
        out.write(request.array());
        out.flush();
        byte[] header = new byte[HEADER];
        try {
            in.readFully(header);
        } catch (java.io.EOFException e) {
            throw new IOException("the server closed the connection instead of answering", e);
        }
        ByteBuffer answer = ByteBuffer.wrap(header);
        if (answer.get(0) != RESPONSE || answer.get(1) != opcode) {
            throw new IOException("not a memcached binary protocol answer (magic " + (answer.get(0) & 0xff)
                    + ", opcode " + (answer.get(1) & 0xff) + ")");
        }
        int status = answer.getShort(6) & 0xffff;
        int length = answer.getInt(8);
        if (length < 0 || length > MAX_BODY) {
            throw new IOException("an answer of " + length + " bytes is not what " + opcode + " answers");
        }
        int skipped = (answer.getShort(2) & 0xffff) + (answer.get(4) & 0xff);
        byte[] body = new byte[length];
        in.readFully(body);
        String text = new String(body, Math.min(skipped, length), length - Math.min(skipped, length),
                StandardCharsets.UTF_8);
        return new Response(status, text);
    }

    /** An answer's status (0: success) and its value as text. */
    private record Response(int status, String text) {
        String describe() {
            return "status 0x" + Integer.toHexString(status) + (text.isBlank() ? "" : " '" + text.strip() + "'");
        }
    }
}
