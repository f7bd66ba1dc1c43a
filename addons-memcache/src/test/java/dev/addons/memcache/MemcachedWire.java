package dev.addons.memcache;

import dev.addons.api.Endpoint;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A raw connection to a memcached, for attacks no client library would make: binary protocol
 * requests with or without SASL, and text protocol lines. Closed when the test is done with it.
 */
final class MemcachedWire implements AutoCloseable {
    static final byte GET = 0x00;
    static final byte SET = 0x01;
    static final byte SASL_LIST_MECHS = 0x20;
    static final byte SASL_AUTH = 0x21;
    /** The binary protocol's status for an authentication error. */
    static final int AUTH_ERROR = 0x20;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private MemcachedWire(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    static MemcachedWire open(Endpoint endpoint) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 5000);
        socket.setSoTimeout(5000);
        return new MemcachedWire(socket);
    }

    /** An answer: its status ({@code -1} when the server closed the connection instead) and value. */
    record Answer(int status, String value) {
        static final Answer CLOSED = new Answer(-1, "");
    }

    Answer call(byte opcode, String key, String value) throws IOException {
        return call(opcode, key, value, opcode == SET ? new byte[8] : new byte[0]);
    }

    Answer plain(String user, String password) throws IOException {
        return call(SASL_AUTH, "PLAIN", "\0" + user + "\0" + password);
    }

    private Answer call(byte opcode, String key, String value, byte[] extras) throws IOException {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        ByteBuffer request = ByteBuffer.allocate(24 + extras.length + k.length + v.length)
                .put((byte) 0x80).put(opcode).putShort((short) k.length).put((byte) extras.length).put((byte) 0)
                .putShort((short) 0).putInt(extras.length + k.length + v.length).putInt(0).putLong(0)
                .put(extras).put(k).put(v);
        try {
            out.write(request.array());
            out.flush();
            byte[] header = new byte[24];
            in.readFully(header);
            ByteBuffer answer = ByteBuffer.wrap(header);
            byte[] body = new byte[answer.getInt(8)];
            in.readFully(body);
            int skip = (answer.getShort(2) & 0xffff) + (answer.get(4) & 0xff);
            return new Answer(answer.getShort(6) & 0xffff,
                    new String(body, skip, body.length - skip, StandardCharsets.UTF_8));
        } catch (EOFException | SocketException e) {
            return Answer.CLOSED;
        }
    }

    /**
     * Sends a text protocol line and returns what comes back until the server closes the
     * connection; throws {@link java.net.SocketTimeoutException} when it neither answers nor closes.
     */
    String textUntilClosed(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[1024];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                answer.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            }
        } catch (SocketException e) {
            // Reset rather than closed: closed all the same.
        }
        return answer.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
