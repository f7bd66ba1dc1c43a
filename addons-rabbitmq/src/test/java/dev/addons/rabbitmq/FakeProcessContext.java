package dev.addons.rabbitmq;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.ProcessContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Test-only {@link ProcessContext} for one node: binaries looked up in {@code binaries} (first
 * directory that has the name), {@code data} and {@code run} under {@code directory}, loopback ports
 * as given. Runs no helper command.
 */
record FakeProcessContext(List<Path> binaries, Path directory, Endpoint endpoint, Map<String, Endpoint> ports)
        implements ProcessContext {

    /** A context with the host's binaries and fixed ports 5672 (AMQP) and 15672, 25672, 4369. */
    static FakeProcessContext onHost(Path directory) {
        return new FakeProcessContext(List.of(RabbitMqBinaries.SCRIPTS, RabbitMqBinaries.ERLANG), directory,
                new Endpoint("127.0.0.1", 5672), Map.of(
                        RabbitMqProcess.MANAGEMENT, new Endpoint("127.0.0.1", 15672),
                        RabbitMqProcess.DIST, new Endpoint("127.0.0.1", 25672),
                        RabbitMqProcess.EPMD, new Endpoint("127.0.0.1", 4369)));
    }

    @Override
    public Path binary(String name) {
        return binaries.stream().map(dir -> dir.resolve(name)).filter(Files::exists).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + name + " in " + binaries));
    }

    @Override
    public Path dataDirectory() {
        return directory.resolve("data");
    }

    @Override
    public Path runDirectory() {
        return directory.resolve("run");
    }

    @Override
    public Endpoint endpoint(String portName) {
        Endpoint port = ports.get(portName);
        if (port == null) {
            throw new IllegalArgumentException("no extra port named '" + portName + "'");
        }
        return port;
    }

    @Override
    public Path writePrivateFile(String name, String content) throws IOException {
        Path file = Files.createDirectories(runDirectory()).resolve(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, content);
    }

    @Override
    public void run(List<String> command) {
        throw new AssertionError("the RabbitMQ recipe runs no helper command: " + command);
    }
}
