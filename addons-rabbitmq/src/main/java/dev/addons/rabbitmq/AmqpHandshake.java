package dev.addons.rabbitmq;

import dev.addons.api.Endpoint;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * The opening of an AMQP 0-9-1 connection, without a client library: send the protocol header
 * and expect the broker's {@code connection.start} (a method frame on channel 0, class 10, method
 * 10, protocol 0-9). That proves the broker accepts connections and speaks the protocol; the
 * socket is closed before logging in. Stateless and thread-safe.
 */
final class AmqpHandshake {

    private static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
    private static final int METHOD_FRAME = 1;
    private static final int FRAME_END = 0xCE;
    private static final int CONNECTION_CLASS = 10;
    private static final int START_METHOD = 10;
    private static final int MAX_FRAME = 1 << 20;

    private AmqpHandshake() {
    }

    /** Throws {@link IOException} unless the broker at {@code endpoint} answers with {@code connection.start}. */
    static void expectConnectionStart(Endpoint endpoint, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(PROTOCOL_HEADER);
            out.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            int type = in.readUnsignedByte();
            int channel = in.readUnsignedShort();
            int size = in.readInt();
            if (type != METHOD_FRAME || channel != 0 || size < 6 || size > MAX_FRAME) {
                throw new IOException(endpoint + " did not answer the AMQP 0-9-1 header with a method frame"
                        + " (frame type " + type + ", channel " + channel + ", size " + size + ")");
            }
            byte[] payload = new byte[size];
            in.readFully(payload);
            int end = in.readUnsignedByte();
            ByteBuffer method = ByteBuffer.wrap(payload);
            int classId = Short.toUnsignedInt(method.getShort());
            int methodId = Short.toUnsignedInt(method.getShort());
            int major = method.get();
            int minor = method.get();
            if (end != FRAME_END || classId != CONNECTION_CLASS || methodId != START_METHOD || major != 0
                    || minor != 9) {
                throw new IOException(endpoint + " answered the AMQP 0-9-1 header with method " + classId + "."
                        + methodId + " (protocol " + major + "-" + minor + ", frame end " + end
                        + "), not connection.start");
            }
        }
    }
}
