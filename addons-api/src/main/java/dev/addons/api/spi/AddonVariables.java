package dev.addons.api.spi;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The names of the variables a provider's {@link AddonProvider#credentials} set, declared ahead
 * of any tenant, so that addons can tell an engine's variables apart from the other variables of
 * a process environment without knowing the engine: {@code Environment.current()} sees from them
 * that a platform injected addons, and names them when a variable is missing. Immutable and
 * thread-safe.
 *
 * @param names   every variable the credentials may set, in their order, those set only sometimes
 *                (TLS settings) included; names unique, each matching {@code [A-Z][A-Z0-9_]*}
 * @param url     the primary one: a URL that alone reaches the tenant, e.g. {@code DATABASE_URL};
 *                one of {@code names}
 * @param markers the variables whose presence in a process environment shows that a platform
 *                injected this addon: {@code url} and those an injecting platform may set without
 *                it (PostgreSQL's {@code PGHOST}, for programs that read libpq's variables); each
 *                one of {@code names}, {@code url} among them
 * @since 0.3
 */
public record AddonVariables(List<String> names, String url, Set<String> markers) {

    public AddonVariables {
        names = List.copyOf(Objects.requireNonNull(names, "names == null"));
        Objects.requireNonNull(url, "url == null");
        markers = Set.copyOf(Objects.requireNonNull(markers, "markers == null"));
        if (names.isEmpty()) {
            throw new IllegalArgumentException("names is empty");
        }
        for (String name : names) {
            if (!name.matches("[A-Z][A-Z0-9_]*")) {
                throw new IllegalArgumentException("variable name must match [A-Z][A-Z0-9_]*: " + name);
            }
        }
        if (new LinkedHashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("duplicate variable names: " + names);
        }
        if (!names.contains(url)) {
            throw new IllegalArgumentException("url " + url + " is not one of names " + names);
        }
        List<String> strangers = new ArrayList<>(markers);
        strangers.removeAll(names);
        if (!strangers.isEmpty()) {
            throw new IllegalArgumentException("markers " + strangers + " are not among names " + names);
        }
        if (!markers.contains(url)) {
            throw new IllegalArgumentException("markers " + markers + " lack url " + url);
        }
    }

    /** Variables {@code names} whose primary URL {@code url} is their only marker. */
    public static AddonVariables of(String url, List<String> names) {
        return new AddonVariables(names, url, Set.of(url));
    }

    /** These variables with {@code more} marking an injected addon besides {@link #url()}. */
    public AddonVariables withMarkers(String... more) {
        Set<String> all = new LinkedHashSet<>(markers);
        all.addAll(List.of(more));
        return new AddonVariables(names, url, all);
    }
}
