package dev.addons.junit;

/** How long the addons of a {@link WithAddons} live, and who shares them. */
public enum Scope {
    /**
     * One set for the whole test run, provisioned once by the first class that asks for it and
     * shared by every class declaring the same addons, runtime and framework properties;
     * deprovisioned when the run ends.
     */
    RUN,
    /** A set per test class (the default): its own app, provisioned before its first test. */
    CLASS,
    /**
     * A set per test method: its own app, provisioned before each test. On a {@code shared}
     * variant that is a fresh database and role on the running server, which costs milliseconds.
     */
    METHOD
}
