package dev.addons.bench;

import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import java.util.Map;

/**
 * addons itself: {@link dev.addons.core.App#create} of one addon for a new app, its variables
 * from {@link dev.addons.core.App#credentials}, and {@link dev.addons.core.App#destroy}. For the
 * shared variant a keeper app holds the shared server for the whole row, so that each start
 * measures joining a running server (the last tenant's destroy would stop it, and every start
 * would be a cold one).
 */
final class AddonsTarget implements Target {
    static final String ENVIRONMENT = "bench";

    private final Addons addons;
    private final String engine;
    private final AddonSpec spec;
    private final boolean keeper;
    private final String name;
    private int apps;

    AddonsTarget(Addons addons, String engine, String variant, String version) {
        this(addons, engine, variant, version, "addons");
    }

    AddonsTarget(Addons addons, String engine, String variant, String version, String name) {
        this.addons = addons;
        this.name = name;
        this.engine = engine;
        this.spec = AddonSpec.of(engine).withVariant(variant).withVersion(version);
        this.keeper = "shared".equals(variant);
        if (keeper) {
            addons.app("bench-keeper", ENVIRONMENT).create(spec);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** With a warm pool: waits for its starts under way, so that the create takes a server started ahead. */
    @Override
    public void beforeStart() throws InterruptedException {
        java.util.List<dev.addons.core.WarmPool> lacking = addons.awaitWarmPools(java.time.Duration.ofMinutes(3))
                .stream().filter(p -> p.engine().equals(engine) && p.ready() < p.size()).toList();
        if (!lacking.isEmpty()) {
            throw new IllegalStateException("the warm pool is not full once its starts ended: " + lacking);
        }
    }

    @Override
    public Instance start() {
        String app = "bench-" + (++apps);
        Map<String, String> vars;
        try {
            addons.app(app, ENVIRONMENT).create(spec);
            vars = addons.app(app, ENVIRONMENT).credentials(engine).toMap();
        } catch (RuntimeException e) {
            // a failed create leaves a FAILED record (and a half-made server is already undone): forget it
            if (!addons.app(app, ENVIRONMENT).list().isEmpty()) {
                try {
                    addons.app(app, ENVIRONMENT).destroy(engine, dev.addons.core.FinalBackup.SKIP);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return new Instance() {
            @Override
            public Map<String, String> variables() {
                return vars;
            }

            @Override
            public void close() {
                addons.app(app, ENVIRONMENT).destroy(engine, dev.addons.core.FinalBackup.SKIP);
            }
        };
    }

    @Override
    public void close() {
        if (keeper) {
            addons.app("bench-keeper", ENVIRONMENT).destroy(engine, dev.addons.core.FinalBackup.SKIP);
        }
    }
}
