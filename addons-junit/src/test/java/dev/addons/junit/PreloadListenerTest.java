package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

/**
 * The launcher finds {@link PreloadListener} through its services file, and it preloads only for
 * selections that may declare addons.
 */
class PreloadListenerTest {

    @Test
    void theLauncherFindsTheListener() {
        assertThat(ServiceLoader.load(LauncherDiscoveryListener.class).stream().map(ServiceLoader.Provider::type))
                .contains(PreloadListener.class);
    }

    @Test
    void classesThatDeclareAddonsOrHoldOneThatDoesArePreloadedFor() {
        assertThat(mayUseAddons(selectClass(Plain.class), selectClass(Declares.class))).isTrue();
        assertThat(mayUseAddons(selectMethod(Declares.class, "test"))).isTrue();
        assertThat(mayUseAddons(selectClass(Holds.class))).isTrue();
        assertThat(mayUseAddons(selectClass(Inherits.class))).isTrue();
    }

    @Test
    void classesWithoutAddonsAreNot() {
        assertThat(mayUseAddons(selectClass(Plain.class), selectMethod(Plain.class, "test"))).isFalse();
        assertThat(mayUseAddons(selectClass("no.such.Type"))).isFalse();
    }

    @Test
    void aSelectionWhoseClassesAreUnknownBeforeDiscoveryIs() {
        assertThat(mayUseAddons(selectPackage("dev.addons.junit"))).isTrue();
    }

    private static boolean mayUseAddons(DiscoverySelector... selectors) {
        return PreloadListener.mayUseAddons(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build());
    }

    static class Plain {
        @Test
        void test() {
        }
    }

    @WithAddon(name = "valkey")
    static class Declares {
        @Test
        void test() {
        }
    }

    static class Inherits extends Declares {
    }

    static class Holds {
        @Nested
        @WithAddon(name = "valkey")
        class Inner {
            @Test
            void test() {
            }
        }
    }
}
