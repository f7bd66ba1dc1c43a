package dev.addons.junit;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.TenantCopyCapability;
import dev.addons.core.Addons;
import dev.addons.core.App;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.ReflectionSupport;

/** What {@link WithAddons#template()} needs: the checks, the preparation and the copies. Stateless. */
final class Templates {

    private Templates() {
    }

    /** Whether {@code spec} names a SQL addon; an unknown one is not (its creation reports it). */
    static boolean isSql(Addons addons, AddonSpec spec) {
        return isSql(addons, spec.addon());
    }

    /**
     * Whether {@code addon} (a name or alias) is a SQL addon: its provider declares a JDBC URL.
     * An unknown one is not.
     */
    static boolean isSql(Addons addons, String addon) {
        return addons.providers().find(addon).flatMap(AddonProvider::jdbcUrl).isPresent();
    }

    /** The declaration of the template's app: {@code declaration}'s SQL addons, each on a shared server. */
    static Declaration check(Addons addons, Declaration declaration) {
        List<AddonSpec> sql = declaration.specs().stream().filter(s -> isSql(addons, s)).toList();
        String where = "@WithAddons(template = " + declaration.template().getSimpleName() + ".class) on "
                + declaration.declaredOn().getName();
        if (sql.isEmpty()) {
            List<AddonProvider> available = addons.providers().sql();
            String example = available.stream()
                    .filter(p -> p.capability(TenantCopyCapability.class).isPresent()).findFirst()
                    .or(() -> available.stream().findFirst()).map(p -> p.descriptor().name()).orElse("NAME");
            throw new ExtensionConfigurationException(where + ": a template is a SQL addon's database, and the"
                    + " class declares " + declaration.describe() + ": add @WithAddon(name = \"" + example + "\","
                    + " variant = \"shared\")");
        }
        for (AddonSpec spec : sql) {
            if (!"shared".equals(spec.variant())) {
                throw new ExtensionConfigurationException(where + ": copies are made on a shared server, and "
                        + spec.addon() + " is on variant " + spec.variantIfSet().orElse("small (the default)")
                        + ": declare it with variant = \"shared\"");
            }
        }
        return declaration.forTemplate(sql);
    }

    /** A new instance of {@code declaration}'s template, or its misuse reported. */
    static AddonTemplate instantiate(Declaration declaration) {
        try {
            return ReflectionSupport.newInstance(declaration.template());
        } catch (RuntimeException e) {
            throw new ExtensionConfigurationException("@WithAddons(template = "
                    + declaration.template().getSimpleName() + ".class) on " + declaration.declaredOn().getName()
                    + ": cannot make one (" + e + "); give it a public no-arg constructor", e);
        }
    }

    /** Runs {@code template}'s preparation on the set of its app (whose declaration is {@link #check}'s). */
    static void prepare(Declaration declaration, AddonTemplate template, AddonSet set) {
        try {
            template.prepare(set.environment());
        } catch (Exception e) {
            throw new AddonException(declaration.declaredOn().getName() + ".prepare failed on the template "
                    + set.app() + ": " + e, e);
        }
    }

    /** Creates {@code spec}'s addon for {@code app} as a copy of {@code templateApp}'s. */
    static AddonRecord copy(Addons addons, String app, Declaration declaration, AddonSpec spec, String templateApp) {
        try {
            App template = addons.app(templateApp, AddonSet.ENVIRONMENT);
            return addons.app(app, AddonSet.ENVIRONMENT).createCopy(spec.addon(), template);
        } catch (UnsupportedOperationAddonException e) {
            throw new ExtensionConfigurationException("@WithAddons(template = "
                    + declaration.template().getSimpleName() + ".class) on " + declaration.declaredOn().getName()
                    + ": " + e.getMessage(), e);
        }
    }
}
