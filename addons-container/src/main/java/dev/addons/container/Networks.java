package dev.addons.container;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.addons.core.runtime.HomeLocks;
import dev.addons.core.runtime.Placement;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The networks of one home: one per app (all its environments) and one for the shared servers,
 * made with the first container that needs one and removed with the last. On Podman each is made
 * with the {@code isolate} option, as Podman's bridge networks otherwise route to each other
 * (Docker's are isolated from each other by default). A network's creation with its first
 * container, and its removal, hold a lock (threads and processes on this home), so a network is
 * never removed between another start's check and its container's creation. Thread-safe.
 */
final class Networks {
    private static final Logger LOG = LoggerFactory.getLogger(Networks.class);

    private final DockerApi docker;
    private final ContainerNames names;

    Networks(DockerApi docker, ContainerNames names) {
        this.docker = docker;
        this.names = names;
    }

    /** Runs {@code work} (e.g. a container's creation) with the placement's network made and locked. */
    <T> T withNetwork(Placement placement, Supplier<T> work) {
        String network = names.network(placement);
        return locked(network, () -> {
            if (!exists(network)) {
                Map<String, String> options = docker.isPodman() ? Map.of("isolate", "true") : Map.of();
                docker.client().createNetworkCmd().withName(network).withDriver("bridge")
                        .withLabels(names.networkLabels(placement)).withOptions(options).exec();
                LOG.info("{} - Created network {}", names.home(), network);
            }
            return work.get();
        });
    }

    /** Removes the placement's network when no container of this home is on it any more. */
    void removeIfUnused(Placement placement) {
        removeIfUnused(names.network(placement), names.networkLabels(placement));
    }

    /**
     * Removes every network of this home that no container of the home is on any more (left by a
     * process that died between a container's removal and its network's). Returns how many.
     */
    int removeUnused() {
        int removed = 0;
        List<com.github.dockerjava.api.model.Network> home = docker.client().listNetworksCmd()
                .withFilter("label", List.of(ContainerNames.filter(ContainerNames.HOME, names.home().toString())))
                .exec();
        for (com.github.dockerjava.api.model.Network network : home) {
            if (removeIfUnused(network.getName(), network.getLabels())) {
                removed++;
            }
        }
        return removed;
    }

    /** Removes {@code network} unless a container with the network's labels exists; returns whether it did. */
    private boolean removeIfUnused(String network, Map<String, String> labels) {
        return locked(network, () -> {
            List<Container> users = docker.client().listContainersCmd().withShowAll(true)
                    .withLabelFilter(labels).exec();
            if (!users.isEmpty() || !exists(network)) {
                return false;
            }
            try {
                docker.client().removeNetworkCmd(network).exec();
                LOG.info("{} - Removed network {}", names.home(), network);
                return true;
            } catch (NotFoundException e) {
                LOG.debug("{} - Network {} was gone already", names.home(), network);
            } catch (ConflictException e) {
                LOG.warn("{} - Network {} is still used by a container not made by addons; leaving it", names.home(),
                        network);
            }
            return false;
        });
    }

    private boolean exists(String network) {
        try {
            docker.client().inspectNetworkCmd().withNetworkId(network).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private <T> T locked(String network, Supplier<T> work) {
        return HomeLocks.with(names.home(), "network-" + network, work);
    }
}
