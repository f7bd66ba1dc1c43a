package dev.addons.container;

import dev.addons.core.runtime.Placement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names and labels of one addons home's containers, volumes and networks. Names start with
 * {@code addons-<home id>-}, the home id being a short hash of the home's path, so that homes on
 * one engine never collide: the container {@code addons-<id>-<serverId>}, its volume
 * {@code addons-<id>-<serverId>-data}, and the network {@code addons-<id>-app-<app>} of each app
 * (every environment of the app), or {@code addons-<id>-shared} of the home's shared servers.
 * Labels ({@link #HOME}, {@link #SERVER}, ...) say whose each one is, so that a later process finds
 * them by label. Immutable.
 */
final class ContainerNames {
    /** Label: the addons home's absolute path. */
    static final String HOME = "dev.addons.home";
    /** Label: the server's id within its home. */
    static final String SERVER = "dev.addons.server";
    /** Label: the addon's name, e.g. postgresql. */
    static final String ADDON = "dev.addons.addon";
    /** Label: the app (dedicated servers and app networks only). */
    static final String APP = "dev.addons.app";
    /** Label: the app's environment (dedicated servers only). */
    static final String ENVIRONMENT = "dev.addons.environment";
    /** Label: {@code true} on shared servers and the shared network. */
    static final String SHARED = "dev.addons.shared";

    private final Path home;
    private final String prefix;

    ContainerNames(Path home) {
        this.home = home.toAbsolutePath().normalize();
        this.prefix = "addons-" + hash(this.home.toString()) + "-";
    }

    String container(String serverId) {
        return prefix + serverId;
    }

    String volume(String serverId) {
        return prefix + serverId + "-data";
    }

    String network(Placement placement) {
        return placement.isShared() ? prefix + "shared" : prefix + "app-" + placement.app();
    }

    /** The labels of a server's container and volume. */
    Map<String, String> serverLabels(String serverId, Placement placement) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(HOME, home.toString());
        labels.put(SERVER, serverId);
        labels.put(ADDON, placement.addon());
        if (placement.isShared()) {
            labels.put(SHARED, "true");
        } else {
            labels.put(APP, placement.app());
            labels.put(ENVIRONMENT, placement.environment());
        }
        return labels;
    }

    /** The labels of a network. */
    Map<String, String> networkLabels(Placement placement) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(HOME, home.toString());
        if (placement.isShared()) {
            labels.put(SHARED, "true");
        } else {
            labels.put(APP, placement.app());
        }
        return labels;
    }

    /** A label filter value, {@code key=value}, as the Docker API takes it. */
    static String filter(String key, String value) {
        return key + "=" + value;
    }

    Path home() {
        return home;
    }

    private static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
