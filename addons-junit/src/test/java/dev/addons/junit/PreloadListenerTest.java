package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherSessionListener;

/** The launcher finds {@link PreloadListener} through its services file, as it finds any session listener. */
class PreloadListenerTest {

    @Test
    void theLauncherFindsTheListener() {
        assertThat(ServiceLoader.load(LauncherSessionListener.class).stream().map(ServiceLoader.Provider::type))
                .contains(PreloadListener.class);
    }
}
