package dev.addons.core.internal.process;

import dev.addons.api.InvalidSpecException;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.RuntimeFactory;
import dev.addons.core.runtime.ServerRuntime;
import java.util.Optional;

/** Makes the {@code process} runtime: engine binaries run as child processes on this host. */
public final class ProcessRuntimeFactory implements RuntimeFactory {
    @Override
    public String name() {
        return ProcessRuntime.NAME;
    }

    @Override
    public ServerRuntime create(RuntimeContext context) {
        return new ProcessRuntime(context.home(), context.cache(), spares(context));
    }

    private static int spares(RuntimeContext context) {
        Optional<String> setting = context.setting(ProcessRuntime.SPARES_SETTING);
        if (setting.isEmpty()) {
            return ProcessRuntime.DEFAULT_SPARES;
        }
        String value = setting.get().strip();
        try {
            int spares = Integer.parseInt(value);
            if (spares >= 0 && spares <= ProcessRuntime.MAX_SPARES) {
                return spares;
            }
        } catch (NumberFormatException e) {
            // Said below.
        }
        throw new InvalidSpecException(ProcessRuntime.SPARES_SETTING + " must be a whole number from 0 to "
                + ProcessRuntime.MAX_SPARES + " (copies of each data template made ahead), not '" + value + "'");
    }
}
