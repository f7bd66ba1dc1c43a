package dev.addons.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An addon's credentials as a <a href="https://servicebinding.io/spec/core/1.1.0/">Service Binding</a>
 * (servicebinding.io): entries named {@code type}, {@code provider}, {@code host}, {@code port},
 * {@code username}, {@code password}, {@code database}, {@code uri}..., each written as one file of
 * a binding directory. Every binding has a {@code type} (what the client is, e.g.
 * {@code postgresql}); the other entries are the engine's own, in the order given. Immutable and
 * thread-safe. {@link #toString()} shows entry names only, as values may be secrets.
 *
 * @param entries entry names (lower case, usable as file names) and values, in order
 * @since 0.1.0
 */
public record ServiceBinding(Map<String, String> entries) {
    /** No binding: an addon whose provider defines none, or the variables of several addons. */
    public static final ServiceBinding NONE = new ServiceBinding(Map.of());
    /** The entry every binding has. */
    public static final String TYPE = "type";
    /** The entries that hold secrets. */
    public static final Set<String> SENSITIVE = Set.of("password", "uri");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    public ServiceBinding {
        Objects.requireNonNull(entries, "entries == null");
        Map<String, String> copy = new LinkedHashMap<>();
        entries.forEach((name, value) -> {
            Objects.requireNonNull(name, "entry name == null");
            Objects.requireNonNull(value, "value of " + name + " == null");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("entry name must match " + NAME + ": " + name);
            }
            copy.put(name, value);
        });
        if (!copy.isEmpty() && !copy.containsKey(TYPE)) {
            throw new IllegalArgumentException("a service binding needs a 'type' entry; it has " + copy.keySet());
        }
        entries = Collections.unmodifiableMap(copy);
    }

    /** A binding of {@code type} with no other entry yet. */
    public static ServiceBinding of(String type) {
        return new ServiceBinding(Map.of(TYPE, Objects.requireNonNull(type, "type == null")));
    }

    /**
     * A binding of {@code type} made by addons for a server at {@code endpoint}: the entries
     * {@code type}, {@code provider} ({@code addons}), {@code host} and {@code port}.
     */
    public static ServiceBinding of(String type, Endpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint == null");
        return of(type).with("provider", "addons").with("host", endpoint.host())
                .with("port", Integer.toString(endpoint.port()));
    }

    /** This binding with the entry {@code name} set to {@code value} (added last, or replaced in place). */
    public ServiceBinding with(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(entries);
        more.put(name, value);
        return new ServiceBinding(more);
    }

    /** Whether this is {@link #NONE}. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The value of {@code name}, or empty when the binding has no such entry. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    @Override
    public String toString() {
        return "ServiceBinding" + entries.keySet();
    }
}
