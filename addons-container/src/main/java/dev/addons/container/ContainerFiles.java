package dev.addons.container;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.addons.api.ProvisioningException;
import dev.addons.api.UnsupportedOperationAddonException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Tools run in a server's container and files copied in and out of it, through the Docker API:
 * {@code exec} with standard input from a file copied into the container first (the Docker API's
 * hijacked stdin is not dependable across Docker and Podman), and single files as tar archives.
 * Stateless.
 */
final class ContainerFiles {
    private static final int ERROR_TAIL_BYTES = 4096;
    /** The status a shell gives a command it cannot find. */
    private static final int NOT_FOUND = 127;

    private ContainerFiles() {
    }

    /** A file's owner and mode inside a container, from its tar header. */
    record Owner(long uid, long gid, int mode) {
        static final Owner ROOT_READABLE = new Owner(0, 0, 0644);
    }

    /**
     * Runs {@code command} in the running {@code container} and waits; its standard input comes
     * from {@code stdin} (copied into the container's /tmp first and removed afterwards).
     */
    static void exec(DockerApi docker, String container, String subject, List<String> command,
            Map<String, String> environment, InputStream stdin, OutputStream stdout) {
        List<String> env = new ArrayList<>();
        environment.forEach((key, value) -> env.add(key + "=" + value));
        String input = null;
        try {
            List<String> full = new ArrayList<>();
            if (stdin != null) {
                input = "addons-stdin-" + UUID.randomUUID();
                Path local = Files.createTempFile("addons-stdin-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    try (OutputStream out = Files.newOutputStream(local)) {
                        stdin.transferTo(out);
                    }
                    copyIn(docker, container, "/tmp", input, local, Owner.ROOT_READABLE);
                } finally {
                    Files.deleteIfExists(local);
                }
                full.addAll(List.of("sh", "-c", "exec \"$0\" \"$@\" < /tmp/" + input));
            }
            full.addAll(command);
            int status = run(docker, container, full, env, stdout, subject, command.get(0));
            if (status == NOT_FOUND) {
                throw new UnsupportedOperationAddonException("not supported here: the image of " + subject
                        + " has no '" + command.get(0) + "' on its PATH");
            }
        } catch (IOException e) {
            throw new ProvisioningException(subject + ": cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } finally {
            if (input != null) {
                try {
                    run(docker, container, List.of("rm", "-f", "/tmp/" + input), List.of(),
                            OutputStream.nullOutputStream(), subject, "rm");
                } catch (RuntimeException e) {
                    // A leftover input file in the container's /tmp, gone with the container.
                }
            }
        }
    }

    private static int run(DockerApi docker, String container, List<String> command, List<String> env,
            OutputStream stdout, String subject, String tool) {
        ExecCreateCmdResponse created = docker.client().execCreateCmd(container)
                .withCmd(command.toArray(String[]::new))
                .withEnv(env)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .exec();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        IOException[] writeFailure = new IOException[1];
        try (ResultCallback.Adapter<Frame> done = docker.client().execStartCmd(created.getId())
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        switch (frame.getStreamType()) {
                            case STDOUT, RAW -> {
                                if (writeFailure[0] == null) {
                                    try {
                                        stdout.write(frame.getPayload());
                                    } catch (IOException e) {
                                        writeFailure[0] = e;
                                    }
                                }
                            }
                            case STDERR -> {
                                errors.writeBytes(frame.getPayload());
                                if (errors.size() > 4 * ERROR_TAIL_BYTES) {
                                    byte[] all = errors.toByteArray();
                                    errors.reset();
                                    errors.write(all, all.length - ERROR_TAIL_BYTES, ERROR_TAIL_BYTES);
                                }
                            }
                            default -> {
                            }
                        }
                    }
                })) {
            done.awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException(subject + ": interrupted while " + tool + " ran", e);
        } catch (IOException e) {
            throw new ProvisioningException(subject + ": " + tool + ": " + e.getMessage(), e);
        }
        if (writeFailure[0] != null) {
            throw new ProvisioningException(subject + ": cannot keep the output of " + tool + ": "
                    + writeFailure[0].getMessage(), writeFailure[0]);
        }
        Long status = docker.client().inspectExecCmd(created.getId()).exec().getExitCodeLong();
        int code = status == null ? -1 : status.intValue();
        if (code != 0 && code != NOT_FOUND) {
            String tail = new String(errors.toByteArray(), StandardCharsets.UTF_8).strip();
            if (tail.length() > ERROR_TAIL_BYTES) {
                tail = tail.substring(tail.length() - ERROR_TAIL_BYTES);
            }
            throw new ProvisioningException(subject + ": " + tool + " exited with status " + code
                    + (tail.isEmpty() ? "" : ":\n" + tail));
        }
        return code;
    }

    /** Copies a local file into {@code directory} of the container (running or not) as {@code name}. */
    static void copyIn(DockerApi docker, String container, String directory, String name, Path file, Owner owner)
            throws IOException {
        copyIn(docker, container, directory, name, Files.size(file), out -> Files.copy(file, out), owner);
    }

    /** Writes {@code content} into {@code directory} of the container (created, running or not) as {@code name}. */
    static void copyIn(DockerApi docker, String container, String directory, String name, byte[] content,
            Owner owner) throws IOException {
        copyIn(docker, container, directory, name, content.length, out -> out.write(content), owner);
    }

    /** Writes a file's bytes to the tar archive. */
    @FunctionalInterface
    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static void copyIn(DockerApi docker, String container, String directory, String name, long size,
            Content content, Owner owner) throws IOException {
        Path tar = Files.createTempFile("addons-copy-", ".tar",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
                out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(size);
                entry.setUserId(owner.uid());
                entry.setGroupId(owner.gid());
                entry.setMode(0100000 | owner.mode());
                out.putArchiveEntry(entry);
                content.writeTo(out);
                out.closeArchiveEntry();
            }
            try (InputStream in = Files.newInputStream(tar)) {
                docker.client().copyArchiveToContainerCmd(container)
                        .withRemotePath(directory)
                        .withTarInputStream(in)
                        .exec();
            }
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    /**
     * Copies the file at {@code path} in the container (running or not) to {@code target}; returns
     * its owner and mode, or empty when there is no such file.
     */
    static Optional<Owner> copyOut(DockerApi docker, String container, String path, Path target) throws IOException {
        try (InputStream raw = docker.client().copyArchiveFromContainerCmd(container, path).exec();
                TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null || !entry.isFile()) {
                return Optional.empty();
            }
            Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(new Owner(entry.getLongUserId(), entry.getLongGroupId(), entry.getMode() & 07777));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * A container with {@code volume} mounted at {@code dataPath} that runs {@code command} at most
     * (see {@link #runOnce}), never the engine: a way to reach files in a volume whose server
     * container is gone. Remove it after use.
     */
    static void carrier(DockerApi docker, String image, String volume, String dataPath, String name,
            List<String> command) {
        docker.client().createContainerCmd(image)
                .withName(name)
                .withEntrypoint(command.toArray(String[]::new))
                .withCmd(List.of())
                .withHostConfig(HostConfig.newHostConfig().withBinds(new Bind(volume, new Volume(dataPath)))
                        .withNetworkMode("none"))
                .exec();
    }

    /** Starts a carrier and waits for its command to end; throws when it fails. */
    static void runOnce(DockerApi docker, String container) {
        docker.client().startContainerCmd(container).exec();
        try {
            Integer status = docker.client().waitContainerCmd(container).start().awaitStatusCode();
            if (status == null || status != 0) {
                throw new ProvisioningException("the helper container " + container + " exited with status " + status);
            }
        } catch (com.github.dockerjava.api.exception.DockerClientException e) {
            throw new ProvisioningException("the helper container " + container + " failed: " + e.getMessage(), e);
        }
    }
}
