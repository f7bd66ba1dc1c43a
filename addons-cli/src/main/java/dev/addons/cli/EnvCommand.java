package dev.addons.cli;

import dev.addons.api.Credentials;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code addons env -a APP}: the variables the app's active addons hand over. Sensitive values
 * are shown as {@code <redacted>} unless {@code --reveal} is given.
 */
@Command(name = "env", description = "Print the variables an app's active addons hand over."
        + " Sensitive values are shown as <redacted> unless --reveal is given.")
final class EnvCommand extends AddonsCommand {
    @Mixin
    AppOptions target;

    @Option(names = "--reveal", description = "Show sensitive values (passwords, URLs holding them).")
    boolean reveal;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "dotenv",
            description = "dotenv (NAME=value lines, the default) or json (an object); --json means json.")
    String format;

    @Override
    public Integer call() {
        boolean json = main.json() || "json".equals(format);
        if (!json && !"dotenv".equals(format)) {
            throw new ParameterException(spec.commandLine(),
                    "--format must be dotenv or json, not '" + format + "'");
        }
        Credentials credentials = variables(target);
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
}
