package dev.addons.container;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import java.util.Optional;

/**
 * Removal and state of containers and volumes by name, each idempotent: a thing already gone is
 * no error. Stateless.
 */
final class Containers {
    private Containers() {
    }

    /** Whether the container exists and runs; empty when it does not exist. */
    static Optional<Boolean> running(DockerApi docker, String container) {
        try {
            return Optional.of(Boolean.TRUE.equals(
                    docker.client().inspectContainerCmd(container).exec().getState().getRunning()));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Stops the container with its image's stop signal, killing it after {@code timeoutSeconds}. */
    static void stop(DockerApi docker, String container, int timeoutSeconds) {
        try {
            docker.client().stopContainerCmd(container).withTimeout(timeoutSeconds).exec();
        } catch (NotFoundException | NotModifiedException e) {
            // Gone or stopped already.
        }
    }

    /** Removes the container (killing it if it runs) with its anonymous volumes; returns whether it existed. */
    static boolean remove(DockerApi docker, String container) {
        try {
            docker.client().removeContainerCmd(container).withForce(true).withRemoveVolumes(true).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Removes a named volume; returns whether it existed. */
    static boolean removeVolume(DockerApi docker, String volume) {
        try {
            docker.client().removeVolumeCmd(volume).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Whether the named volume exists. */
    static boolean volumeExists(DockerApi docker, String volume) {
        try {
            docker.client().inspectVolumeCmd(volume).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** The container's last {@code lines} lines of output (stdout and stderr); empty when it is gone. */
    static String logTail(DockerApi docker, String container, int lines) {
        StringBuilder text = new StringBuilder();
        try {
            docker.client().logContainerCmd(container).withStdOut(true).withStdErr(true).withTail(lines)
                    .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                        @Override
                        public void onNext(com.github.dockerjava.api.model.Frame frame) {
                            text.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }).awaitCompletion(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (NotFoundException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return text.toString().strip();
    }
}
