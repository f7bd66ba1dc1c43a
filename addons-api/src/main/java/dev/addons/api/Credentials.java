package dev.addons.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The variables an addon hands to its app, in a stable order, each marked sensitive or not.
 * Immutable and thread-safe. {@link #toString()} redacts sensitive values, so a
 * {@code Credentials} can be logged safely; {@link #toMap()} reveals them and is meant for
 * building a child process's environment or a connection.
 *
 * <p>One addon's credentials may also carry the same values as a {@link ServiceBinding}
 * (servicebinding.io entries such as {@code host}, {@code username}, {@code uri}), which the
 * provider defines next to the variables so that both always agree.
 *
 * @param variables      the variables, names unique
 * @param serviceBinding the same credentials as Service Binding entries; {@link ServiceBinding#NONE}
 *                       when the provider defines none or these are several addons' variables
 */
public record Credentials(List<Variable> variables, ServiceBinding serviceBinding) {

    public Credentials {
        Objects.requireNonNull(variables, "variables == null");
        Objects.requireNonNull(serviceBinding, "serviceBinding == null");
        variables = List.copyOf(variables);
        var seen = new java.util.HashSet<String>();
        for (Variable v : variables) {
            if (!seen.add(v.name())) {
                throw new IllegalArgumentException("duplicate variable: " + v.name());
            }
        }
    }

    /** Credentials made of {@code variables}, with no service binding. */
    public Credentials(List<Variable> variables) {
        this(variables, ServiceBinding.NONE);
    }

    /** Credentials made of {@code variables}, in that order. */
    public static Credentials of(Variable... variables) {
        return new Credentials(List.of(variables));
    }

    /** The value of {@code name}, or empty when this addon sets no such variable. */
    public Optional<String> get(String name) {
        Objects.requireNonNull(name, "name == null");
        return variables.stream().filter(v -> v.name().equals(name)).map(Variable::value).findFirst();
    }

    /** Whether {@code name} is set and marked sensitive. */
    public boolean isSensitive(String name) {
        return variables.stream().anyMatch(v -> v.name().equals(name) && v.sensitive());
    }

    /** Names and real values, in order. Handle the result as a secret. */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        variables.forEach(v -> map.put(v.name(), v.value()));
        return Collections.unmodifiableMap(map);
    }

    /** Names and display values (sensitive ones redacted), in order. */
    public Map<String, String> toRedactedMap() {
        Map<String, String> map = new LinkedHashMap<>();
        variables.forEach(v -> map.put(v.name(), v.displayValue()));
        return Collections.unmodifiableMap(map);
    }

    /**
     * These variables with {@code binding} as their service binding.
     *
     * @since 0.1.0
     */
    public Credentials withServiceBinding(ServiceBinding binding) {
        return new Credentials(variables, binding);
    }

    /**
     * These variables followed by {@code other}'s. Names must not clash. The result carries no
     * service binding: one binding describes one addon.
     */
    public Credentials plus(Credentials other) {
        List<Variable> all = new ArrayList<>(variables);
        all.addAll(other.variables);
        return new Credentials(all);
    }

    @Override
    public String toString() {
        return "Credentials" + toRedactedMap();
    }
}
