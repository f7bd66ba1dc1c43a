package dev.addons.core.internal;

import dev.addons.api.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a sleeping server's port and wakes the server for the first client: listens on the
 * server's host and port, and when a client connects, takes the connections already waiting,
 * closes its listening socket (the engine must bind that port), has the server started
 * ({@link Waker}), and splices each taken connection to it (two copying threads per connection).
 * Clients see a connection that answers a little late. A new client that connects between the
 * listening socket's close and the engine's bind is refused; that window is the engine's launch
 * time (see README, "Keeping servers up"). Thread-safe; {@link #close()} is idempotent and ends
 * the listening, not the connections already spliced, which end with their client.
 */
final class PortHold implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortHold.class);
    private static final int BUFFER = 64 * 1024;
    private static final AtomicInteger SPLICES = new AtomicInteger();

    /** Starts the sleeping server; returns where it listens now. */
    @FunctionalInterface
    interface Waker {
        Endpoint wake();
    }

    private final String name;
    private final Endpoint endpoint;
    private final ServerSocketChannel listener;
    private final Waker waker;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean done;

    private PortHold(String name, Endpoint endpoint, ServerSocketChannel listener, Waker waker) {
        this.name = name;
        this.endpoint = endpoint;
        this.listener = listener;
        this.waker = waker;
        this.thread = new Thread(this::serve, "addons-sleep-" + name);
        thread.setDaemon(true);
    }

    /**
     * Listens on {@code endpoint} for {@code name}'s first client.
     *
     * @throws IOException when the port cannot be bound (another program has it)
     */
    static PortHold open(String name, Endpoint endpoint, Waker waker) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            // The engine just stopped: its port may have connections in TIME_WAIT.
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress(endpoint.host(), endpoint.port()), 128);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        PortHold hold = new PortHold(name, endpoint, listener, waker);
        hold.thread.start();
        return hold;
    }

    /** Whether it is no longer holding: it woke its server (or failed to), or was closed. */
    boolean done() {
        return done;
    }

    private void serve() {
        List<SocketChannel> clients = new ArrayList<>();
        try {
            clients.add(listener.accept());
            long accepted = System.nanoTime();
            // The clients whose handshake the kernel already completed are taken too: closing the
            // listener would reset them.
            listener.configureBlocking(false);
            for (SocketChannel next = listener.accept(); next != null; next = listener.accept()) {
                clients.add(next);
            }
            listener.close();
            long released = System.nanoTime();
            Endpoint engine = waker.wake();
            long woken = System.nanoTime();
            for (SocketChannel client : clients) {
                splice(client, engine);
            }
            LOG.info("{} - woken by a client on {} in {} ms (port free for {} ms); {} connection(s) handed over",
                    name, endpoint, (woken - accepted) / 1_000_000, (woken - released) / 1_000_000, clients.size());
        } catch (ClosedChannelException e) {
            LOG.debug("{} - no longer holding {}", name, endpoint);
            closeAll(clients);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} - could not wake it for a client on {}: {}", name, endpoint, e.toString());
            closeAll(clients);
        } finally {
            done = true;
            closeQuietly(listener);
        }
    }

    private void splice(SocketChannel client, Endpoint engine) {
        SocketChannel server;
        try {
            server = SocketChannel.open(new InetSocketAddress(engine.host(), engine.port()));
            server.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.configureBlocking(true);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            LOG.warn("{} - could not connect a client to its woken server on {}: {}", name, engine, e.toString());
            closeQuietly(client);
            return;
        }
        AtomicInteger open = new AtomicInteger(2);
        int n = SPLICES.incrementAndGet();
        start("addons-splice-" + n + "-in", client, server, open);
        start("addons-splice-" + n + "-out", server, client, open);
    }

    /** Copies until {@code from} ends, then half-closes {@code to}; the last direction to end closes both. */
    private static void start(String threadName, SocketChannel from, SocketChannel to, AtomicInteger open) {
        Thread copier = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
                to.shutdownOutput();
                if (open.decrementAndGet() == 0) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            } catch (IOException e) {
                // One side went away: the other must see it too.
                closeQuietly(from);
                closeQuietly(to);
            }
        }, threadName);
        copier.setDaemon(true);
        copier.start();
    }

    private static void closeAll(List<SocketChannel> clients) {
        clients.forEach(PortHold::closeQuietly);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.debug("Closing {} failed: {}", closeable, e.toString());
        }
    }

    /**
     * Stops listening and waits, up to two seconds, for the thread that accepted on it to let go,
     * so that the port is free when this returns; a wake under way goes on. Idempotent.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        closeQuietly(listener);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
