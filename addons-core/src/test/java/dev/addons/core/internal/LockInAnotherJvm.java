package dev.addons.core.internal;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code FILE}: prints "waiting", takes the home lock on FILE, and prints whether FILE exists. */
public final class LockInAnotherJvm {
    private LockInAnotherJvm() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        System.out.println("waiting");
        System.out.flush();
        System.out.println(HomeLock.with(file, () -> "held, file exists: " + Files.exists(file)));
    }
}
