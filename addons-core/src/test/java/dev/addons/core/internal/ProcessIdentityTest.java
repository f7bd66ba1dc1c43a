package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProcessIdentityTest {

    @Test
    void thisProcessIsKnownByItsBootAndStartTickAndExists() {
        ProcessIdentity self = ProcessIdentity.of(ProcessHandle.current().pid()).orElseThrow();

        assertThat(self.bootId()).isEqualTo(ProcessIdentity.currentBoot().orElseThrow());
        assertThat(self.startTicks()).isPositive();
        assertThat(self.exists()).isTrue();
        assertThat(self.fromEarlierBoot()).isFalse();
    }

    @Test
    void theSamePidFromAnotherBootIsAnotherProcess() {
        ProcessIdentity self = ProcessIdentity.of(ProcessHandle.current().pid()).orElseThrow();
        ProcessIdentity beforeReboot = new ProcessIdentity(self.pid(), self.startTicks(), UUID.randomUUID().toString());

        assertThat(beforeReboot.exists()).isFalse();
        assertThat(beforeReboot.fromEarlierBoot()).isTrue();
    }

    @Test
    void theSamePidStartedAtAnotherTickIsAnotherProcess() {
        ProcessIdentity self = ProcessIdentity.of(ProcessHandle.current().pid()).orElseThrow();

        assertThat(new ProcessIdentity(self.pid(), self.startTicks() + 1, self.bootId()).exists()).isFalse();
        assertThat(new ProcessIdentity(self.pid(), self.startTicks() - 1, self.bootId()).exists()).isFalse();
    }

    @Test
    void anOwnerRecordedInAnotherBootIsNotAlive() {
        AddonState.Owner current = AddonState.Owner.current();
        AddonState.Owner beforeReboot = new AddonState.Owner(current.pid(), current.startedAt(),
                new ProcessIdentity(current.pid(), current.identity().startTicks(), UUID.randomUUID().toString()));

        assertThat(current.isAlive()).isTrue();
        assertThat(beforeReboot.isAlive()).isFalse();
    }

    @Test
    void aMalformedIdentityIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new ProcessIdentity(0, 1, "b")).hasMessage("pid out of range: 0");
        assertThatThrownBy(() -> new ProcessIdentity(1, -1, "b")).hasMessage("startTicks out of range: -1");
        assertThatThrownBy(() -> new ProcessIdentity(1, 1, " ")).hasMessage("bootId is blank");
    }
}
