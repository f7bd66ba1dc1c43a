package dev.addons.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonSpec;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.test.context.MergedContextConfiguration;

class ParallelContextsTest {

    @Test
    void contextsStartingTogetherGetAddonsOfTheirOwnWhichEndWithTheirContext() throws Exception {
        AddonsContextCustomizer customizer = new AddonsContextCustomizer(
                List.of(new AddonSpec("valkey", null, "7")), "process");
        MergedContextConfiguration config = new MergedContextConfiguration(ParallelContextsTest.class,
                new String[0], new Class<?>[0], new String[0], null);
        CompletableFuture<GenericApplicationContext> first = CompletableFuture.supplyAsync(() -> start(customizer, config));
        CompletableFuture<GenericApplicationContext> second = CompletableFuture.supplyAsync(() -> start(customizer, config));
        Path firstHome;
        Path secondHome;
        try (GenericApplicationContext a = first.join(); GenericApplicationContext b = second.join()) {
            RedisConnectionDetails.Standalone one = a.getBean(RedisConnectionDetails.class).getStandalone();
            RedisConnectionDetails.Standalone two = b.getBean(RedisConnectionDetails.class).getStandalone();
            assertThat(one.getPort()).isNotEqualTo(two.getPort());
            assertThat(accepts(one.getPort())).isTrue();
            assertThat(accepts(two.getPort())).isTrue();
            firstHome = a.getBean(TestAddons.class).home();
            secondHome = b.getBean(TestAddons.class).home();
            assertThat(firstHome).isNotEqualTo(secondHome);
        }
        assertThat(firstHome).doesNotExist();
        assertThat(secondHome).doesNotExist();
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(firstHome.toString()) || c.contains(secondHome.toString())))
                .as("processes of the closed contexts' homes").isEmpty();
        assertThat(Files.exists(firstHome)).isFalse();
    }

    private static GenericApplicationContext start(AddonsContextCustomizer customizer, MergedContextConfiguration config) {
        GenericApplicationContext context = new GenericApplicationContext();
        customizer.customizeContext(context, config);
        context.refresh();
        return context;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
