package dev.addons.junit;

import dev.addons.core.Addons;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts loading addons ({@link Addons#preload()}: the providers, the runtimes, the readers of a
 * home's records) on a daemon thread as soon as the JUnit Platform opens its launcher session,
 * before it discovers the tests: in a new test JVM that work, a few hundred milliseconds, then
 * overlaps discovery instead of delaying a class's first addons. Registered through the
 * launcher's services file, so it runs wherever addons-junit is on the test class path and the
 * launcher (which build tools bring) loads session listeners; without one nothing changes. A
 * failure is left for the extension to meet and report where it needs what failed.
 */
public final class PreloadListener implements LauncherSessionListener {

    /** Made by the launcher through its services file. */
    public PreloadListener() {
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Thread preload = new Thread(PreloadListener::preload, "addons-preload");
        preload.setDaemon(true);
        preload.start();
    }

    private static void preload() {
        try {
            Addons.preload();
        } catch (RuntimeException | LinkageError e) {
            // The extension meets it again and reports it.
        }
    }
}
