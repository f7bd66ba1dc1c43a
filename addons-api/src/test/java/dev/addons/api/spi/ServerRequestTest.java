package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerRequestTest {

    @Test
    void isDurableUnlessSaidOtherwise() {
        ServerRequest durable = ServerRequest.builder("16").adminPassword("s3cret").build();

        assertThat(durable).isEqualTo(new ServerRequest("16", "s3cret", false));
        assertThat(ServerRequest.builder("16").adminPassword("s3cret").throwaway(true).build().throwaway()).isTrue();
    }

    @Test
    void refusesARequestWithoutTheAdminsPasswordNamingTheField() {
        assertThatThrownBy(() -> ServerRequest.builder("16").build())
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("adminPassword is not set: the password of 16's administrative user");
        assertThatThrownBy(() -> ServerRequest.builder("16").adminPassword(null))
                .isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("adminPassword == null");
        assertThatThrownBy(() -> ServerRequest.builder(null))
                .isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("version == null");
        assertThatThrownBy(() -> ServerRequest.builder(" "))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("version is blank: a supported version or an image reference");
    }

    @Test
    void showsNoPassword() {
        ServerRequest.Builder builder = ServerRequest.builder("16").adminPassword("s3cret");

        assertThat(builder.toString()).doesNotContain("s3cret");
        assertThat(builder.build().toString()).doesNotContain("s3cret");
    }
}
