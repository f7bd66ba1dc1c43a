package dev.addons.spring.boot;

import dev.addons.api.AddonRecord;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.RecordedAddons;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Spring Boot Actuator's view of the app's addons, as the {@code addons} health component: one
 * detail per addon (status, variant, version, runtime, and what was found), UP when every addon
 * is healthy, DOWN otherwise. With an {@link App} (the test integration registers one) each addon
 * is checked live ({@link App#health()}: its server runs and accepts connections); otherwise the
 * statuses come from the addons home's records for {@code ADDONS_APP} in {@code ADDONS_ENV}
 * ({@link RecordedAddons}, a cheap read), healthy meaning {@code active}. UNKNOWN when the process
 * names no app. Details never hold a secret. Thread-safe.
 *
 * @since 0.1.0
 */
public final class AddonsHealthIndicator extends AbstractHealthIndicator {
    private final Supplier<List<AddonHealth>> check;

    private AddonsHealthIndicator(Supplier<List<AddonHealth>> check) {
        super("Checking the addons failed");
        this.check = check;
    }

    /** Live checks of {@code app}'s addons. */
    public static AddonsHealthIndicator of(App app) {
        Objects.requireNonNull(app, "app == null");
        return new AddonsHealthIndicator(() -> app.health().stream()
                .map(h -> new AddonHealth(h.addon(), h.healthy(), h.detail())).toList());
    }

    /**
     * The recorded statuses of the app named by {@code ADDONS_APP} in {@code ADDONS_ENV} (default
     * {@code production}) in the default addons home; empty (UNKNOWN) when {@code ADDONS_APP} is not set.
     */
    public static AddonsHealthIndicator recorded(Map<String, String> processEnvironment) {
        String app = processEnvironment.get("ADDONS_APP");
        String environment = processEnvironment.getOrDefault("ADDONS_ENV", Addons.DEFAULT_ENVIRONMENT);
        if (app == null || app.isBlank()) {
            return new AddonsHealthIndicator(null);
        }
        return new AddonsHealthIndicator(() -> RecordedAddons.open(Addons.defaultHome()).list(app, environment)
                .stream().map(r -> new AddonHealth(r, r.status() == Status.ACTIVE,
                        r.message().isEmpty() ? "recorded as " + r.status().name().toLowerCase(java.util.Locale.ROOT)
                                : r.message()))
                .toList());
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (check == null) {
            builder.unknown().withDetail("reason", "no app: ADDONS_APP is not set");
            return;
        }
        List<AddonHealth> found = check.get();
        boolean healthy = true;
        for (AddonHealth addon : found) {
            healthy &= addon.healthy();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("status", addon.record().status().name().toLowerCase(java.util.Locale.ROOT));
            detail.put("healthy", addon.healthy());
            detail.put("variant", addon.record().variant());
            detail.put("version", addon.record().version());
            detail.put("runtime", addon.record().runtime());
            detail.put("detail", addon.detail());
            builder.withDetail(addon.record().addon(), detail);
        }
        if (healthy) {
            builder.up();
        } else {
            builder.down();
        }
    }

    private record AddonHealth(AddonRecord record, boolean healthy, String detail) {
    }
}
