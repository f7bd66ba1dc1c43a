package dev.addons.core.internal.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Builds small tar archives (xz or gzip) and jars holding them, for tests. */
final class TestArchive {
    private final List<TarArchiveEntry> entries = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();

    /** A distribution with an executable {@code bin/hello} and a library behind a symbolic link. */
    static TestArchive hello() {
        return new TestArchive()
                .directory("bin/")
                .file("bin/hello", 0755, "#!/bin/sh\necho hello\n")
                .file("lib/libhello.so.1", 0644, "not really a library")
                .symlink("lib/libhello.so", "libhello.so.1");
    }

    TestArchive directory(String name) {
        return add(new TarArchiveEntry(name), new byte[0]);
    }

    TestArchive file(String name, int mode, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(mode);
        entry.setSize(bytes.length);
        return add(entry, bytes);
    }

    TestArchive symlink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(target);
        return add(entry, new byte[0]);
    }

    private TestArchive add(TarArchiveEntry entry, byte[] content) {
        entries.add(entry);
        contents.add(content);
        return this;
    }

    byte[] xz() {
        return compress(out -> new XZOutputStream(out, new LZMA2Options()));
    }

    byte[] gzip() {
        return compress(GZIPOutputStream::new);
    }

    /** A jar with {@code archive} as its entry {@code name}. */
    static byte[] jar(String name, byte[] archive) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry(name));
            zip.write(archive);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private interface Compressor {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    private byte[] compress(Compressor compressor) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(compressor.wrap(bytes))) {
            for (int i = 0; i < entries.size(); i++) {
                tar.putArchiveEntry(entries.get(i));
                tar.write(contents.get(i));
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
