package dev.addons.junit;

import dev.addons.core.Addons;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.discovery.MethodSelector;
import org.junit.platform.engine.discovery.NestedClassSelector;
import org.junit.platform.engine.discovery.NestedMethodSelector;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;

/**
 * Starts loading addons ({@link Addons#preload()}: the providers, the runtimes, the readers of a
 * home's records) on a daemon thread when the JUnit Platform starts discovering tests that may
 * use it: in a new test JVM that work, a few hundred milliseconds, then overlaps discovery instead
 * of delaying a class's first addons. "May use it": a selected class (or method's class) that
 * declares addons, or one nested in it, or a selection whose classes are not known before
 * discovery (a package, the class path); a JVM running only classes without addons loads nothing.
 * Registered through the launcher's services file, so it runs wherever addons-junit is on the
 * test class path and the launcher (which build tools bring) loads discovery listeners. A failure
 * is left for the extension to meet and report where it needs what failed. Thread-safe.
 */
public final class PreloadListener implements LauncherDiscoveryListener {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    /** Made by the launcher through its services file. */
    public PreloadListener() {
    }

    @Override
    public void launcherDiscoveryStarted(LauncherDiscoveryRequest request) {
        if (!STARTED.get() && mayUseAddons(request) && !STARTED.getAndSet(true)) {
            Thread preload = new Thread(PreloadListener::preload, "addons-preload");
            preload.setDaemon(true);
            preload.start();
        }
    }

    /** Whether the tests {@code request} selects may declare addons. */
    static boolean mayUseAddons(LauncherDiscoveryRequest request) {
        for (DiscoverySelector selector : request.getSelectorsByType(DiscoverySelector.class)) {
            Class<?> type;
            try {
                if (selector instanceof ClassSelector c) {
                    type = c.getJavaClass();
                } else if (selector instanceof MethodSelector m) {
                    type = m.getJavaClass();
                } else if (selector instanceof NestedClassSelector n) {
                    type = n.getNestedClass();
                } else if (selector instanceof NestedMethodSelector n) {
                    type = n.getNestedClass();
                } else {
                    return true;
                }
            } catch (RuntimeException | LinkageError e) {
                continue; // discovery reports a class it cannot load
            }
            if (declaresAddons(type)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code type}, a class it is nested in, or one nested in it carries the annotations
     * (inherited ones too); read from the annotations alone, as this runs on the launcher's thread.
     */
    private static boolean declaresAddons(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (annotated(c)) {
                return true;
            }
        }
        return nestedDeclares(type);
    }

    private static boolean nestedDeclares(Class<?> type) {
        for (Class<?> nested : type.getDeclaredClasses()) {
            if (annotated(nested) || nestedDeclares(nested)) {
                return true;
            }
        }
        return false;
    }

    private static boolean annotated(Class<?> c) {
        return AnnotationSupport.isAnnotated(c, WithAddon.class) || AnnotationSupport.isAnnotated(c, WithAddons.class);
    }

    private static void preload() {
        try {
            Addons.preload();
        } catch (RuntimeException | LinkageError e) {
            // The extension meets it again and reports it.
        }
    }
}
