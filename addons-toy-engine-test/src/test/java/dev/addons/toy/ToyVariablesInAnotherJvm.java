package dev.addons.toy;

import dev.addons.core.Environment;
import java.util.List;

/**
 * A program of an app, as it reads its addons: {@link Environment#current()} (from
 * {@code ADDONS_HOME} and {@code ADDONS_APP}), then its ordinary client with {@code TOY_URL}.
 * Prints the names of the toy's variables, then what the key named by its argument holds.
 */
public final class ToyVariablesInAnotherJvm {
    private ToyVariablesInAnotherJvm() {
    }

    public static void main(String[] args) throws Exception {
        Environment environment = Environment.current();
        System.out.println(environment.variables().keySet().stream().filter(name -> name.startsWith("TOY_")).sorted()
                .toList());
        try (ToyClient client = ToyClient.connect(environment.require("TOY_URL"))) {
            System.out.println(client.get(args[0]).orElse("(nothing)"));
        }
    }
}
