package dev.addons.rabbitmq;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AmqpHandshakeTest {

    /** A connection.start frame: type 1, channel 0, class 10, method 10, protocol 0-9, empty tables. */
    private static final byte[] CONNECTION_START = {
        1, 0, 0, 0, 0, 0, 14, 0, 10, 0, 10, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xCE};

    @Test
    void acceptsABrokerThatAnswersTheHeaderWithConnectionStart() throws Exception {
        try (ServerSocket broker = listen(); Answer answer = answer(broker, CONNECTION_START)) {
            assertThatCode(() -> AmqpHandshake.expectConnectionStart(endpoint(broker), 2_000))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void refusesAServerThatAnswersSomethingElse() throws Exception {
        try (ServerSocket http = listen();
                Answer answer = answer(http, "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes())) {
            assertThatThrownBy(() -> AmqpHandshake.expectConnectionStart(endpoint(http), 2_000))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("did not answer the AMQP 0-9-1 header with a method frame");
        }
    }

    @Test
    void refusesAnotherMethodThanConnectionStart() throws Exception {
        byte[] close = CONNECTION_START.clone();
        close[10] = 50; // connection.close
        try (ServerSocket broker = listen(); Answer answer = answer(broker, close)) {
            assertThatThrownBy(() -> AmqpHandshake.expectConnectionStart(endpoint(broker), 2_000))
                    .isInstanceOf(IOException.class)
                    .hasMessageEndingWith("answered the AMQP 0-9-1 header with method 10.50 (protocol 0-9,"
                            + " frame end 206), not connection.start");
        }
    }

    private static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    }

    private static Endpoint endpoint(ServerSocket socket) {
        return new Endpoint("127.0.0.1", socket.getLocalPort());
    }

    /** Accepts one connection, reads the 8-byte header and writes {@code bytes}. */
    private static Answer answer(ServerSocket server, byte[] bytes) {
        return new Answer(CompletableFuture.runAsync(() -> {
            try (Socket client = server.accept(); InputStream in = client.getInputStream()) {
                in.readNBytes(8);
                client.getOutputStream().write(bytes);
                client.getOutputStream().flush();
                in.read(); // until the client closes
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
    }

    private record Answer(CompletableFuture<Void> done) implements AutoCloseable {
        @Override
        public void close() {
            done.join();
        }
    }
}
