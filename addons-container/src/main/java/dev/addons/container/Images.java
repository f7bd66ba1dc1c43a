package dev.addons.container;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.ProgressListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.testcontainers.utility.DockerImageName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an image can be had, and having it: a local image is used as it is; otherwise it is
 * pulled before anything else is created. References are read, and refused when malformed, by
 * Testcontainers' {@link DockerImageName}, as Docker reads them. Telling whether a missing image is pullable must stay
 * cheap and bounded (it is asked for every version {@code list-available} shows), so it asks the
 * image's registry whether it answers at all ({@code GET https://<registry>/v2/}, a few seconds at
 * most, remembered for a minute); the pull itself says whether the registry has the tag. Thread-safe.
 */
final class Images {
    private static final Logger LOG = LoggerFactory.getLogger(Images.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration PROBE_MEMORY = Duration.ofMinutes(1);
    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(15);
    /** How Docker and Podman say a registry has no such image (Podman: "manifest unknown", "name unknown"). */
    private static final java.util.regex.Pattern NOT_FOUND = java.util.regex.Pattern.compile(
            "manifest unknown|name unknown|not found|does not exist|repository .* not found|pull access denied",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    private final DockerApi docker;
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    Images(DockerApi docker) {
        this.docker = docker;
    }

    /** INSTALLED when local, DOWNLOADABLE when its registry answers, else UNAVAILABLE naming the image. */
    Availability availability(String image) {
        DockerImageName name;
        try {
            name = parse(image);
        } catch (InvalidSpecException e) {
            return new Availability(Availability.State.UNAVAILABLE, e.getMessage());
        }
        if (isLocal(image)) {
            return new Availability(Availability.State.INSTALLED, "local image " + image);
        }
        String registry = registryOf(name);
        Optional<String> unreachable = probe(registry);
        if (unreachable.isEmpty()) {
            return new Availability(Availability.State.DOWNLOADABLE, "image " + image + ", pulled from " + registry
                    + " on first use");
        }
        return new Availability(Availability.State.UNAVAILABLE, notAvailable(image, "its registry " + registry
                + " cannot be reached (" + unreachable.get() + ")"));
    }

    /**
     * Makes the image local, pulling it when it is not; throws {@link ProvisioningException}
     * naming it, or {@link InvalidSpecException} when the reference is malformed.
     */
    void require(String image, String serverId, ProgressListener progress) {
        DockerImageName name = parse(image);
        if (isLocal(image)) {
            return;
        }
        LOG.info("{} - Pulling image {} ...", serverId, image);
        progress.step(serverId, "pulling image " + image);
        long begin = System.nanoTime();
        try (Pull pull = docker.client().pullImageCmd(name.getUnversionedPart()).withTag(name.getVersionPart())
                .exec(new Pull())) {
            if (!pull.awaitCompletion(PULL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ProvisioningException(notAvailable(image, "its pull did not finish within " + PULL_TIMEOUT));
            }
            if (pull.error != null) {
                throw new ProvisioningException(notAvailable(image, "it could not be pulled: " + pull.error));
            }
        } catch (DockerException | IOException e) {
            throw new ProvisioningException(notAvailable(image, "it could not be pulled: " + firstLine(e)), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("Interrupted while pulling image " + image, e);
        } catch (RuntimeException e) {
            // docker-java reports a failed pull as a plain RuntimeException from the stream.
            throw new ProvisioningException(notAvailable(image, "it could not be pulled: " + firstLine(e)), e);
        }
        if (!isLocal(image)) {
            throw new ProvisioningException(notAvailable(image, "its pull ended without the image"));
        }
        LOG.info("{} - Pulled image {} in {} ms", serverId, image, (System.nanoTime() - begin) / 1_000_000);
    }

    /**
     * {@link #require}, telling a reference no registry has (an unknown tag or repository) by an
     * {@link InvalidSpecException}: a wrong name, not a passing failure.
     */
    void obtain(String image, String subject, ProgressListener progress) {
        try {
            require(image, subject, progress);
        } catch (ProvisioningException e) {
            if (NOT_FOUND.matcher(e.getMessage()).find()) {
                throw new InvalidSpecException(e.getMessage(), e);
            }
            throw e;
        }
    }

    private boolean isLocal(String image) {
        try {
            docker.client().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Empty when the registry answers; else why not. */
    private Optional<String> probe(String registry) {
        Probe known = probes.get(registry);
        if (known != null && known.at.plus(PROBE_MEMORY).isAfter(Instant.now())) {
            return known.unreachable;
        }
        Optional<String> unreachable;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + registry + "/v2/"))
                    .timeout(PROBE_TIMEOUT).GET().build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            LOG.debug("Registry {} answered {}", registry, status);
            unreachable = Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            unreachable = Optional.of(firstLine(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unreachable = Optional.of("interrupted");
        }
        probes.put(registry, new Probe(Instant.now(), unreachable));
        return unreachable;
    }

    private static String notAvailable(String image, String why) {
        return "image " + image + " is not present locally and " + why
                + ": build, load or pull it where the Docker API runs, or check the name";
    }

    /**
     * {@code image} read as Docker reads it; throws {@link InvalidSpecException} naming it and
     * what is allowed when it is malformed.
     */
    static DockerImageName parse(String image) {
        try {
            DockerImageName name = DockerImageName.parse(image);
            name.assertValid();
            return name;
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("image '" + image + "' is not a valid image reference (" + e.getMessage()
                    + "): use [registry/]repository:tag or [registry/]repository@sha256:digest, the repository in"
                    + " lower case", e);
        }
    }

    /** The registry host of a reference, as Docker reads it: Docker Hub's when it names none. */
    static String registryOf(DockerImageName image) {
        String registry = image.getRegistry();
        return registry.isEmpty() || registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    private record Probe(Instant at, Optional<String> unreachable) {
    }

    /** A pull's progress; remembers the error the engine reports in the stream (with status 200). */
    private static final class Pull extends ResultCallback.Adapter<PullResponseItem> {
        private volatile String error;

        @Override
        public void onNext(PullResponseItem item) {
            if (item.isErrorIndicated()) {
                String message = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                        ? item.getErrorDetail().getMessage() : "the engine reported an error";
                error = message.lines().findFirst().orElse(message);
            }
        }
    }
}
