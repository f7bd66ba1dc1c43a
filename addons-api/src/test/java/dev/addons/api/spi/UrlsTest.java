package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void encodesEverythingButUnreservedCharactersAndNeverWritesAPlusForASpace() {
        String awkward = "p@ss:w/rd +%?#&=é~._-";

        String encoded = Urls.encode(awkward);

        assertThat(encoded).isEqualTo("p%40ss%3Aw%2Frd%20%2B%25%3F%23%26%3D%C3%A9~._-");
        assertThat(URI.create("redis://:" + encoded + "@127.0.0.1:6379").getUserInfo()).isEqualTo(":" + awkward);
        assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo(awkward);
    }

    @Test
    void bracketsIpv6LiteralsOnly() {
        assertThat(Urls.host("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(Urls.host("localhost")).isEqualTo("localhost");
        assertThat(Urls.host("::1")).isEqualTo("[::1]");
        assertThat(Urls.host("[::1]")).isEqualTo("[::1]");
    }
}
