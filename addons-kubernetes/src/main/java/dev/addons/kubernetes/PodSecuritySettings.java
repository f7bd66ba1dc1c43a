package dev.addons.kubernetes;

import dev.addons.api.InvalidSpecException;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.core.runtime.RuntimeContext;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The settings that change how servers' pods run, for images other than the official ones (a
 * custom image of another user, an Alpine variant): {@code kubernetes.runAs} ({@code <uid>:<gid>})
 * and {@code kubernetes.readOnlyRootFilesystem} ({@code true} or {@code false}), each for every
 * engine or, suffixed with an engine's name ({@code kubernetes.runAs.postgresql}), for that
 * engine only, which wins. Read once from the runtime's settings and {@code addons.}-prefixed
 * system properties, every value checked then. Immutable.
 *
 * @param runAs            the user of every engine; {@code null} when not set
 * @param runAsByEngine    the user of each engine named
 * @param readOnly         whether every engine's root file system is read-only; {@code null} when not set
 * @param readOnlyByEngine the same for each engine named
 */
record PodSecuritySettings(RunAs runAs, Map<String, RunAs> runAsByEngine, Boolean readOnly,
        Map<String, Boolean> readOnlyByEngine) {
    static final String RUN_AS = "kubernetes.runAs";
    static final String READ_ONLY = "kubernetes.readOnlyRootFilesystem";
    /** None set: the official images' users and file systems. */
    static final PodSecuritySettings NONE = new PodSecuritySettings(null, Map.of(), null, Map.of());

    private static final Pattern ENGINE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    PodSecuritySettings {
        runAsByEngine = Map.copyOf(runAsByEngine);
        readOnlyByEngine = Map.copyOf(readOnlyByEngine);
    }

    static PodSecuritySettings from(RuntimeContext context) {
        TreeSet<String> names = new TreeSet<>(context.settings().keySet());
        System.getProperties().stringPropertyNames().stream()
                .filter(property -> property.startsWith(RuntimeContext.PROPERTY_PREFIX))
                .map(property -> property.substring(RuntimeContext.PROPERTY_PREFIX.length()))
                .forEach(names::add);
        RunAs runAs = null;
        Boolean readOnly = null;
        Map<String, RunAs> runAsByEngine = new TreeMap<>();
        Map<String, Boolean> readOnlyByEngine = new TreeMap<>();
        for (String name : names) {
            Optional<String> value = context.setting(name);
            if (value.isEmpty()) {
                continue;
            }
            if (name.equals(RUN_AS)) {
                runAs = RunAs.parse(name, value.get());
            } else if (name.startsWith(RUN_AS + ".")) {
                runAsByEngine.put(engine(name, RUN_AS), RunAs.parse(name, value.get()));
            } else if (name.equals(READ_ONLY)) {
                readOnly = bool(name, value.get());
            } else if (name.startsWith(READ_ONLY + ".")) {
                readOnlyByEngine.put(engine(name, READ_ONLY), bool(name, value.get()));
            }
        }
        return new PodSecuritySettings(runAs, runAsByEngine, readOnly, readOnlyByEngine);
    }

    /**
     * How a server of {@code engine} runs {@code recipe}'s image: the official image's way with
     * these settings over it; for an engine addons has no image of, as the user these settings
     * name (refused by name when they name none), on a writable root file system unless set.
     */
    PodSecurity podSecurity(String engine, ContainerRecipe recipe) {
        RunAs user = runAsByEngine.getOrDefault(engine, runAs);
        Boolean readOnlyRoot = readOnlyByEngine.getOrDefault(engine, readOnly);
        Optional<PodSecurity> official = PodSecurity.official(engine);
        if (official.isEmpty()) {
            if (user == null) {
                throw new InvalidSpecException("The kubernetes runtime knows no user to run image " + recipe.image()
                        + " of engine '" + engine + "' as: set " + RUN_AS + "." + engine + " to its non-root"
                        + " <uid>:<gid>, such as 1000:1000");
            }
            return PodSecurity.other(recipe, user, readOnlyRoot != null && readOnlyRoot);
        }
        PodSecurity security = official.get();
        if (user != null) {
            security = security.withRunAs(user);
        }
        if (readOnlyRoot != null) {
            security = security.withReadOnlyRootFilesystem(readOnlyRoot);
        }
        return security;
    }

    private static String engine(String name, String setting) {
        String engine = name.substring(setting.length() + 1);
        if (!ENGINE.matcher(engine).matches()) {
            throw new InvalidSpecException(name + ": '" + engine + "' is not an engine's name: use the addon"
                    + " provider's name in lower case, such as " + setting + ".postgresql");
        }
        return engine;
    }

    private static boolean bool(String name, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidSpecException(name + " '" + value + "' is not allowed: use true or false");
        };
    }
}
