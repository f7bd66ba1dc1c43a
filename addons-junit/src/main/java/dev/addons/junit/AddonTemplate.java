package dev.addons.junit;

import dev.addons.core.Environment;

/**
 * Prepares the database that every scope of a {@link WithAddons#template()} gets a copy of: the
 * schema and the data its tests start from. Called once per test run, on an app of its own, before
 * the first copy; needs a public no-arg constructor. Each scope's SQL addon is then a copy of the
 * prepared database on the same shared server ({@code CREATE DATABASE ... TEMPLATE} for
 * PostgreSQL), so a class or a test gets a fresh, prepared database for the cost of a file copy.
 * Close the connections you open: copying ends the sessions left on the template.
 */
@FunctionalInterface
public interface AddonTemplate {

    /** Fills the template's database; {@code environment} has its variables ({@code DATABASE_URL}, ...). */
    void prepare(Environment environment) throws Exception;
}
