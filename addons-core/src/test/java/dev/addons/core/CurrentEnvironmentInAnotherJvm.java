package dev.addons.core;

import java.util.TreeSet;

/** Prints the names (never the values) of the fake addons' variables {@link Environment#current()} gives. */
public final class CurrentEnvironmentInAnotherJvm {
    private CurrentEnvironmentInAnotherJvm() {
    }

    public static void main(String[] args) {
        System.out.println(new TreeSet<>(Environment.current().variables().keySet()).stream()
                .filter(name -> name.startsWith("FAKE_")).toList());
    }
}
