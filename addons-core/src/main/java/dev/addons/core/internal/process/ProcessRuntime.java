package dev.addons.core.internal.process;

/** PLACEHOLDER until the process-runtime branch is merged. */
public class ProcessRuntime implements dev.addons.core.runtime.ServerRuntime {
    public ProcessRuntime(java.nio.file.Path home) {
        throw new UnsupportedOperationException("placeholder");
    }
    public String name() { return "process"; }
    public dev.addons.core.runtime.Availability availability(dev.addons.api.spi.ServerDefinition d) { return null; }
    public dev.addons.core.runtime.RunningServer start(String id, dev.addons.api.spi.ServerDefinition d,
            dev.addons.core.runtime.ProgressListener p) { return null; }
    public boolean isRunning(dev.addons.core.runtime.RunningServer s) { return false; }
    public void destroy(dev.addons.core.runtime.RunningServer s) { }
    public void close() { }
}
