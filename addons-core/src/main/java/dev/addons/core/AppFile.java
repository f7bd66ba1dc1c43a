package dev.addons.core;

import dev.addons.api.AddonSpec;
import dev.addons.core.internal.AppFileParser;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed app file: an app's name and the addons it declares.
 *
 * <pre>
 * name = "myapp"
 * runtime = "process"          # optional
 * [addons.postgresql]
 * variant = "shared"           # optional, default "small"
 * version = "15"               # optional, default: the provider's
 * server = "main-db"           # optional, with variant "shared": a registered external server
 * sleep_after = "15m"          # optional: a supervisor stops its server after 15 minutes without a
 *                              # client and starts it when one connects (s, m or h; at least 1s)
 * connections = 10             # optional, with variant "shared": the most sessions the app may have
 *                              # open at once on the shared server (default 20; postgresql 1-97,
 *                              # mysql 1-150)
 * [addons.postgresql.backups]  # optional, see {@link BackupPolicy}
 * schedule = "1d"              # automatic backups every day; default "off"
 * keep_last = 7                # default 10; 0 for no limit
 * max_age = "30d"              # default: any age
 * manual_per_day = 5           # default 10
 * </pre>
 *
 * Parsing checks the file's shape (unknown keys are rejected by name); whether the addons,
 * variants and versions exist is checked by {@link Addons#deploy} before anything is provisioned.
 *
 * @param name    the app's name
 * @param runtime the runtime asked for, or {@code null} to let addons choose
 * @param addons  declared addons by name, in file order
 * @param backups the backup policies declared, by addon name (as in {@code addons})
 */
public record AppFile(String name, String runtime, Map<String, AddonSpec> addons, Map<String, BackupPolicy> backups) {

    public AppFile {
        Objects.requireNonNull(name, "name == null");
        addons = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(addons));
        backups = Map.copyOf(backups);
    }

    /** An app file declaring no backup policy. */
    public AppFile(String name, String runtime, Map<String, AddonSpec> addons) {
        this(name, runtime, addons, Map.of());
    }

    /** Reads and checks the app file at {@code path}. Throws {@link dev.addons.api.InvalidSpecException}. */
    public static AppFile read(Path path) {
        return AppFileParser.read(path);
    }

    /** Parses app-file text; {@code source} names it in error messages. */
    public static AppFile parse(String toml, String source) {
        return AppFileParser.parse(toml, source);
    }

    public Optional<String> runtimeIfSet() {
        return Optional.ofNullable(runtime);
    }
}
