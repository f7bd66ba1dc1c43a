package dev.addons.junit;

import dev.addons.core.Environment;

/**
 * Prepares the database that every scope of a {@link WithAddons#template()} gets a copy of: the
 * schema and the data its tests start from. Called once per test run, on an app of its own, before
 * the first copy; needs a public no-arg constructor. Each scope's SQL addon is then a copy of the
 * prepared database on the same shared server ({@code CREATE DATABASE ... TEMPLATE} for
 * PostgreSQL), so a class or a test gets a fresh, prepared database for the cost of a file copy.
 * Close the connections you open: copying ends the sessions left on the template.
 *
 * <p>With the configuration parameter {@code addons.junit.reuse=true} the prepared database is kept
 * for later runs (other JVMs), which copy from it without preparing again as long as this class's
 * code and {@link #fingerprint()} stay the same.
 */
@FunctionalInterface
public interface AddonTemplate {

    /** Fills the template's database; {@code environment} has its variables ({@code DATABASE_URL}, ...). */
    void prepare(Environment environment) throws Exception;

    /**
     * What the preparation depends on besides this class's code, when runs keep the prepared
     * database ({@code addons.junit.reuse=true}): a kept one is prepared again when this changes.
     * Return, say, a digest of the migration scripts {@link #prepare} runs. Default: nothing else.
     */
    default String fingerprint() throws Exception {
        return "";
    }
}
