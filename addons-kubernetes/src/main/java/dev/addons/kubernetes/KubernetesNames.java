package dev.addons.kubernetes;

import dev.addons.core.runtime.Placement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names and labels of one addons home's objects in a namespace. Every object of a server
 * (StatefulSet, Service, Secret, PersistentVolumeClaim, NetworkPolicy) has the same name,
 * {@code addons-<home id>-<server id>} (dots as dashes, cut and suffixed with a hash past 52
 * characters, so that the pod's name stays a DNS label), the home id being a short hash of the
 * home's path, so that homes sharing a namespace never collide. Labels say whose each object is,
 * so that a later process finds them by label; the exact server id and home path are annotations,
 * as label values are too short for them. Immutable.
 */
final class KubernetesNames {
    private static final String PREFIX = "addons.dev/";
    /** Label: {@code addons}, on every object this runtime makes. */
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** Label: the engine, e.g. {@code postgresql}. */
    static final String ENGINE = "app.kubernetes.io/name";
    /** Label: a short hash of the addons home's path. */
    static final String HOME = PREFIX + "home";
    /** Label: the server's object name. */
    static final String SERVER = PREFIX + "server";
    /** Label: the addon's name. */
    static final String ADDON = PREFIX + "addon";
    /**
     * Label: the app. On a dedicated server's objects, and the label an app's own pods must carry
     * to be admitted by the server's NetworkPolicy.
     */
    static final String APP = PREFIX + "app";
    /** Label: the app's environment, on dedicated servers' objects and the app's pods. */
    static final String ENVIRONMENT = PREFIX + "environment";
    /** Annotation: the server's id within its home. */
    static final String SERVER_ID = PREFIX + "server-id";
    /** Annotation: the addons home's path. */
    static final String HOME_PATH = PREFIX + "home-path";

    /** The longest object name: a StatefulSet's pod adds {@code -0}, its revision hash more. */
    private static final int MAX_NAME = 52;

    private final String homePath;
    private final String homeId;

    KubernetesNames(Path home) {
        this.homePath = home.toAbsolutePath().normalize().toString();
        this.homeId = hash(homePath, 10);
    }

    /** The name of every object of server {@code serverId}. */
    String object(String serverId) {
        String name = "addons-" + homeId + "-" + serverId.replace('.', '-');
        if (name.length() > MAX_NAME) {
            String suffix = "-" + hash(serverId, 8);
            String head = name.substring(0, MAX_NAME - suffix.length()).replaceAll("-+$", "");
            name = head + suffix;
        }
        return name;
    }

    /** The labels that select a server's objects (and its pod). */
    Map<String, String> selector(String serverId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(HOME, homeId);
        labels.put(SERVER, object(serverId));
        return labels;
    }

    /** The labels of this home's objects. */
    Map<String, String> home() {
        return Map.of(MANAGED_BY, "addons", HOME, homeId);
    }

    /** All labels of a server's objects. */
    Map<String, String> labels(String serverId, String engine, Placement placement) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, "addons");
        labels.put(ENGINE, engine);
        labels.putAll(selector(serverId));
        labels.put(ADDON, placement.addon());
        if (!placement.isShared()) {
            labels.put(APP, placement.app());
            labels.put(ENVIRONMENT, placement.environment());
        }
        return labels;
    }

    /** The annotations of a server's objects: its exact id and the home's path. */
    Map<String, String> annotations(String serverId) {
        return Map.of(SERVER_ID, serverId, HOME_PATH, homePath);
    }

    private static String hash(String text, int length) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, length);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
