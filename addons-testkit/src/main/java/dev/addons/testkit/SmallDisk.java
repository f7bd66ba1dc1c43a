package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A small tmpfs mounted at a directory for the length of a test, to run addons out of disk space
 * on purpose. Mounting needs root (CAP_SYS_ADMIN): in CI (which runs as root) a failed mount fails
 * the test; elsewhere the test is skipped, saying why. Not thread-safe.
 */
public final class SmallDisk implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;

    private final Path mount;

    private SmallDisk(Path mount) {
        this.mount = mount;
    }

    /**
     * Mounts a tmpfs of {@code size} (tmpfs' syntax: {@code 8m}) at {@code directory}, created when
     * missing, with mode 0711 so that the engine's user (as root) passes through it.
     */
    public static SmallDisk mount(Path directory, String size) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0711", "tmpfs",
                directory.toString()).redirectErrorStream(true).start();
        String why = new String(mounting.getInputStream().readAllBytes()).strip();
        boolean mounted = mounting.waitFor() == 0;
        if ("true".equals(System.getenv("CI"))) {
            assertThat(mounted).as("mounting a small tmpfs in CI: " + why).isTrue();
        }
        assumeTrue(mounted, "cannot mount a small tmpfs here: " + why);
        return new SmallDisk(directory);
    }

    public Path path() {
        return mount;
    }

    /** Bytes still free for a new file's data. */
    public long free() throws IOException {
        return Files.getFileStore(mount).getUsableSpace();
    }

    /**
     * Fills the disk with a file of real pages (a sparse one would take none) until at most
     * {@code leave} bytes are free, and returns it: delete it to free the space again.
     */
    public Path fill(String name, long leave) throws IOException {
        Path filler = mount.resolve(name);
        byte[] chunk = new byte[CHUNK];
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE_NEW)) {
            long left;
            while ((left = free() - leave) > 0) {
                out.write(chunk, 0, (int) Math.min(CHUNK, left));
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
        return filler;
    }

    /** Unmounts the disk; what was on it is gone. */
    @Override
    public void close() throws IOException, InterruptedException {
        Process unmounting = new ProcessBuilder("umount", mount.toString()).redirectErrorStream(true).start();
        String why = new String(unmounting.getInputStream().readAllBytes()).strip();
        assertThat(unmounting.waitFor()).as("umount " + mount + ": " + why).isZero();
    }
}
