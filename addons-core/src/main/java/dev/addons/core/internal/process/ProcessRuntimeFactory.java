package dev.addons.core.internal.process;

import dev.addons.api.InvalidSpecException;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.RuntimeFactory;
import dev.addons.core.runtime.RuntimeProbe;
import dev.addons.core.runtime.ServerRuntime;
import java.util.Optional;

/**
 * Makes the {@code process} runtime: engine binaries run as child processes on this host. It
 * needs nothing else, so {@code auto} takes it when no runtime of higher priority is available.
 */
public final class ProcessRuntimeFactory implements RuntimeFactory {
    @Override
    public String name() {
        return ProcessRuntime.NAME;
    }

    /** 0: the last resort of {@code auto}. */
    @Override
    public int priority() {
        return 0;
    }

    /**
     * Always available; a bad setting ({@code process.spares}, {@code process.shortLived},
     * {@code process.warm...}) throws as {@link #create} does.
     */
    @Override
    public RuntimeProbe probe(RuntimeContext context) {
        return RuntimeProbe.available(create(context), "engine binaries run on this host");
    }

    @Override
    public ServerRuntime create(RuntimeContext context) {
        return new ProcessRuntime(context.home(), context.cache(), spares(context), WarmSizes.of(context),
                shortLived(context));
    }

    private static boolean shortLived(RuntimeContext context) {
        Optional<String> setting = context.setting(ProcessRuntime.SHORT_LIVED_SETTING);
        if (setting.isEmpty()) {
            return false;
        }
        String value = setting.get().strip();
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new InvalidSpecException(ProcessRuntime.SHORT_LIVED_SETTING + " must be true or false (whether the"
                + " program is busy until it exits), not '" + value + "'");
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
