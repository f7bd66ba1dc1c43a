package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void everyPasswordIsToldToTheObserversOnTheClassPath() {
        String one = Secrets.password();
        String two = Secrets.password();

        assertThat(List.of(one, two)).allMatch(p -> p.matches("[a-zA-Z0-9]{32}"));
        assertThat(one).isNotEqualTo(two);
        assertThat(Remembering.SEEN).containsSubsequence(one, two);
    }

    @Test
    void aRandomStringIsNotAPasswordAndIsToldToNoOne() {
        String random = Secrets.random(32);

        assertThat(Remembering.SEEN).doesNotContain(random);
    }

    /** The observer declared in this module's test resources. */
    public static final class Remembering implements SecretsObserver {
        static final List<String> SEEN = new CopyOnWriteArrayList<>();

        @Override
        public void generated(String password) {
            SEEN.add(password);
        }
    }
}
