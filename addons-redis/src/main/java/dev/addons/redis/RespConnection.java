package dev.addons.redis;

import dev.addons.api.Endpoint;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal RESP2 client for the provider's own few commands ({@code AUTH}, {@code PING},
 * {@code INFO}, {@code SAVE}, and {@code SYNC} for backups): one blocking connection with timeouts, commands sent as arrays of bulk strings,
 * replies read as simple strings, errors, integers, bulk strings and arrays. A client library
 * would bring a connection pool and dozens of transitive classes for three commands, and would
 * tie apps to its version. Arguments (a password) never appear in an exception. Not
 * thread-safe: one connection per use, closed with try-with-resources.
 */
final class RespConnection implements AutoCloseable {
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_BULK = 16 * 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RespConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    /** A reply of type error, e.g. {@code WRONGPASS invalid username-password pair}. */
    static final class ErrorReply extends IOException {
        private static final long serialVersionUID = 1L;

        ErrorReply(String message) {
            super(message);
        }
    }

    /** Connects to {@code endpoint}; {@code timeout} bounds the connect and every later read. */
    static RespConnection open(Endpoint endpoint, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return new RespConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends a command and returns its reply: a {@code String} (simple or bulk), a {@code Long},
     * a {@code List<Object>}, or {@code null} for a nil. Throws {@link ErrorReply} for an error.
     */
    Object call(String... command) throws IOException {
        send(command);
        return read();
    }

    /**
     * Asks for a full copy of the data set as a replica does ({@code SYNC}) and returns the
     * length of the RDB snapshot that follows on {@link #input()}. The server forks a child that
     * writes the snapshot (so it is consistent as of the fork), sending a newline each second
     * meanwhile, then {@code $<length>\r\n} and the snapshot; after it, the stream of writes a
     * replica would apply, which the caller leaves unread by closing the connection. Without
     * {@code REPLCONF capa eof} the server never sends a diskless transfer of unknown length.
     */
    long sync() throws IOException {
        send("SYNC");
        int type;
        do {
            type = in.read();
        } while (type == '\n');
        if (type < 0) {
            throw new EOFException("the server closed the connection before sending a snapshot");
        }
        String line = readLine();
        if (type == '-') {
            throw new ErrorReply(line);
        }
        if (type != '$' || line.startsWith("EOF:")) {
            throw new IOException("SYNC answered '" + (char) type + line + "', not the length of a snapshot");
        }
        long length = parseLong(line);
        if (length < 0) {
            throw new IOException("SYNC answered a snapshot length of " + length);
        }
        return length;
    }

    /** The connection's input, buffered: where a snapshot's bytes follow {@link #sync()}. */
    InputStream input() {
        return in;
    }

    private void send(String... command) throws IOException {
        StringBuilder request = new StringBuilder().append('*').append(command.length).append("\r\n");
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        for (String argument : command) {
            byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
            out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
        out.flush();
    }

    /** {@link #call} for a command whose reply is a string. */
    String callForString(String... command) throws IOException {
        Object reply = call(command);
        if (!(reply instanceof String text)) {
            throw new IOException(command[0] + " answered " + describe(reply) + ", not a string");
        }
        return text;
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("the server closed the connection");
        }
        String line = readLine();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new ErrorReply(line);
            case ':' -> parseLong(line);
            case '$' -> readBulk(parseLong(line));
            case '*' -> readArray(parseLong(line));
            default -> throw new IOException("not a RESP reply: type byte " + type);
        };
    }

    private String readBulk(long length) throws IOException {
        if (length < 0) {
            return null;
        }
        if (length > MAX_BULK) {
            throw new IOException("bulk reply of " + length + " bytes is larger than " + MAX_BULK);
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("bulk reply cut short");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private List<Object> readArray(long count) throws IOException {
        if (count < 0) {
            return null;
        }
        List<Object> items = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            items.add(read());
        }
        return items;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection mid-reply");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("reply line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
            previous = b;
        }
    }

    private static long parseLong(String line) throws IOException {
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw new IOException("not a RESP number: " + line, e);
        }
    }

    private static String describe(Object reply) {
        return reply == null ? "nil" : reply.getClass().getSimpleName();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
