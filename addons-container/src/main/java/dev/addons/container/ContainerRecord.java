package dev.addons.container;

import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.RunningServer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the container runtime records of a server in {@link RunningServer#attributes()}: its
 * container, volume and network by name (names survive a recreated container, ids do not), the
 * image, and whom it belongs to. Read back with the check a persisted, possibly edited record
 * needs: destroy removes these by name, so they must be the names this home gives this server.
 *
 * @param serverId  the server's id
 * @param container the container's name
 * @param volume    the data volume's name
 * @param network   the network's name
 * @param image     the image reference it was created from
 * @param placement whom it belongs to
 */
record ContainerRecord(String serverId, String container, String volume, String network, String image,
        Placement placement) {

    static final String CONTAINER = "container";
    static final String VOLUME = "volume";
    static final String NETWORK = "network";
    static final String IMAGE = "image";
    static final String ADDON = "addon";
    static final String APP = "app";
    static final String ENVIRONMENT = "environment";

    /** The record of a new server of {@code names}' home. */
    static ContainerRecord of(ContainerNames names, String serverId, String image, Placement placement) {
        return new ContainerRecord(serverId, names.container(serverId), names.volume(serverId),
                names.network(placement), image, placement);
    }

    Map<String, String> attributes() {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(CONTAINER, container);
        attributes.put(VOLUME, volume);
        attributes.put(NETWORK, network);
        attributes.put(IMAGE, image);
        attributes.put(ADDON, placement.addon());
        if (!placement.isShared()) {
            attributes.put(APP, placement.app());
            attributes.put(ENVIRONMENT, placement.environment());
        }
        return attributes;
    }

    /** Reads {@code server}'s attributes; throws {@link IllegalArgumentException} when they are not this home's. */
    static ContainerRecord of(RunningServer server, ContainerNames names) {
        if (!ContainerRuntime.NAME.equals(server.runtime())) {
            throw new IllegalArgumentException("server " + server.serverId() + " belongs to the " + server.runtime()
                    + " runtime, not to the " + ContainerRuntime.NAME + " runtime");
        }
        Map<String, String> attributes = server.attributes();
        String app = attributes.get(APP);
        Placement placement = app == null ? Placement.shared(server.attribute(ADDON))
                : Placement.dedicated(app, server.attribute(ENVIRONMENT), server.attribute(ADDON));
        ContainerRecord expected = of(names, server.serverId(), server.attribute(IMAGE), placement);
        ContainerRecord recorded = new ContainerRecord(server.serverId(), server.attribute(CONTAINER),
                server.attribute(VOLUME), server.attribute(NETWORK), server.attribute(IMAGE), placement);
        if (!recorded.equals(expected)) {
            throw new IllegalArgumentException("server " + server.serverId() + " has container, volume or network "
                    + "attributes that are not the names this addons home (" + names.home() + ") gives it: "
                    + attributes);
        }
        return recorded;
    }
}
