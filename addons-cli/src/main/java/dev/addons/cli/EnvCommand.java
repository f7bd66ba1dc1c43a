package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.api.Credentials;
import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.ServiceBindingDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code addons env -a APP}: the variables the app's active addons hand over. Sensitive values
 * are shown as {@code <redacted>} unless {@code --reveal} is given. With {@code --format binding
 * -o DIR} each addon's credentials are written as a servicebinding.io directory instead
 * ({@code DIR/<addon>/type}, {@code host}, {@code password}...), owner-only, and only the paths
 * and entry names are printed. With {@code --wait[=DURATION]} it first waits until every addon of
 * the app is active.
 */
@Command(name = "env", description = "Print the variables an app's active addons hand over."
        + " Sensitive values are shown as <redacted> unless --reveal is given.")
final class EnvCommand extends AddonsCommand {
    @Mixin
    AppOptions target;

    @Mixin
    WaitOption waitOption;

    @Option(names = "--reveal", description = "Show sensitive values (passwords, URLs holding them).")
    boolean reveal;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "dotenv",
            description = "dotenv (NAME=value lines, the default), json (an object; --json means json), or"
                    + " binding (servicebinding.io files DIR/<addon>/<entry>, owner-only; needs -o DIR).")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "With --format binding: the directory to write the bindings in (created owner-only).")
    Path output;

    @Override
    public Integer call() {
        if ("binding".equals(format)) {
            return writeBindings();
        }
        boolean json = main.json() || "json".equals(format);
        if (!json && !"dotenv".equals(format)) {
            throw new ParameterException(spec.commandLine(),
                    "--format must be dotenv, json or binding, not '" + format + "'");
        }
        if (output != null) {
            throw new ParameterException(spec.commandLine(), "-o is only for --format binding");
        }
        Credentials credentials = variables(target, waitOption.duration());
        Map<String, String> variables = reveal ? credentials.toMap() : credentials.toRedactedMap();
        PrintWriter out = out();
        if (json) {
            Json.print(out, variables);
        } else {
            variables.forEach((name, value) -> out.println(name + "=" + DotEnv.quote(value)));
            out.flush();
        }
        return 0;
    }

    private int writeBindings() {
        if (output == null) {
            throw new ParameterException(spec.commandLine(), "--format binding needs -o DIR");
        }
        ServiceBindingDirectory directory = bindingDirectory();
        Map<String, Map<String, Object>> written = new LinkedHashMap<>();
        try (Addons addons = open()) {
            App app = target.in(addons);
            waitOption.duration().ifPresent(wait -> app.awaitReady(wait, new Watcher(err(), false)));
            List<AddonRecord> records = app.list();
            if (records.isEmpty()) {
                err().println("addons: warning: " + target.app + " has no addons in " + target.environment());
            }
            for (AddonRecord record : records) {
                Credentials credentials = app.credentials(record.addon());
                if (credentials.serviceBinding().isEmpty()) {
                    err().println("addons: warning: " + record.addon() + " defines no service binding; skipped");
                    continue;
                }
                Path dir;
                try {
                    dir = directory.write(record.addon(), credentials.serviceBinding());
                } catch (UncheckedIOException e) {
                    throw new ParameterException(spec.commandLine(), "-o " + output + " cannot hold bindings: "
                            + e.getCause().getMessage());
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("path", dir.toString());
                entry.put("entries", List.copyOf(credentials.serviceBinding().entries().keySet()));
                written.put(record.addon(), entry);
            }
        }
        PrintWriter out = out();
        if (main.json()) {
            Json.print(out, written);
        } else {
            written.forEach((addon, entry) -> out.println(addon + ": " + entry.get("path") + " " + entry.get("entries")));
            out.flush();
        }
        return 0;
    }

    private ServiceBindingDirectory bindingDirectory() {
        try {
            return ServiceBindingDirectory.open(output);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "-o " + output + " cannot hold bindings: "
                    + (e instanceof java.nio.file.NotDirectoryException ? "it is not a directory"
                            : e.getClass() == IOException.class ? e.getMessage()
                            : e.getClass().getSimpleName() + " " + e.getMessage()));
        }
    }
}
