package dev.addons.junit;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link WithAddons} and {@link WithAddon}: provisions a class's addons
 * before its first test ({@link Scope#CLASS}), before each test ({@link Scope#METHOD}) or once
 * per run ({@link Scope#RUN}), and resolves the parameters {@link Injection} describes.
 * Dedicated servers are started as throwaway ones, with the engines' settings for test servers
 * that trade durability for speed (see {@code Addons.Builder.throwawayServers}).
 *
 * <p>State lives in the extension context stores under a namespace of its own: the run's
 * {@link RunState} in the root store, each scope's addons in the store of the class or method
 * they belong to, so JUnit closes them, deprovisioning the addons, when that scope ends, whether
 * its tests passed or not. Stateless itself and safe under parallel execution: concurrent classes
 * get apps of their own, and a run's shared set is provisioned once.
 */
public final class AddonsExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(AddonsExtension.class);
    private static final String ACTIVE = "active";

    /** Made by JUnit through {@code @ExtendWith}. */
    public AddonsExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Optional<Declaration> declaration = Declaration.find(testClass);
        if (declaration.isPresent() && declaration.get().scope() != Scope.METHOD
                && declaration.get().declaredOn() == testClass) {
            classSet(context, declaration.get());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Optional<Declaration> declaration = Declaration.find(context.getRequiredTestClass());
        if (declaration.isPresent() && declaration.get().scope() == Scope.METHOD) {
            RunState run = run(context);
            context.getStore(NAMESPACE).put(ACTIVE, new Active(run.open(declaration.get()), run));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getTestClass().flatMap(Declaration::find).isPresent() && Injection.supports(parameter);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return Injection.resolve(parameter, active(parameter, context));
    }

    /** The set serving {@code context}: the nearest in the store hierarchy, else the class's, made now. */
    private static AddonSet active(ParameterContext parameter, ExtensionContext context) {
        Active active = context.getStore(NAMESPACE).get(ACTIVE, Active.class);
        if (active != null) {
            return active.set();
        }
        Declaration declaration = Declaration.find(context.getRequiredTestClass()).orElseThrow();
        if (declaration.scope() == Scope.METHOD) {
            throw new ExtensionConfigurationException(Injection.describe(parameter) + " cannot be injected: "
                    + declaration.declaredOn().getName() + " has @WithAddons(scope = METHOD), whose addons exist"
                    + " only for a test method (and its @BeforeEach and @AfterEach methods); use scope = CLASS"
                    + " to inject them into constructors and @BeforeAll methods");
        }
        // A constructor under @TestInstance(PER_CLASS) is resolved before beforeAll.
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getElement().filter(declaration.declaredOn()::equals).isPresent()) {
                return classSet(c.get(), declaration);
            }
        }
        throw new ExtensionConfigurationException(Injection.describe(parameter) + " cannot be injected here: no"
                + " context of " + declaration.declaredOn().getName() + " encloses it");
    }

    private static AddonSet classSet(ExtensionContext classContext, Declaration declaration) {
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(ACTIVE, key -> {
            RunState run = run(classContext);
            if (declaration.scope() == Scope.RUN) {
                return new Active(run.runSet(declaration), null);
            }
            return new Active(run.open(declaration), run);
        }, Active.class).set();
    }

    private static RunState run(ExtensionContext context) {
        ExtensionContext root = context.getRoot();
        return root.getStore(NAMESPACE).getOrComputeIfAbsent(RunState.class, key -> RunState.open(root),
                RunState.class);
    }

    /**
     * A scope's set in a store; closing it ends the set ({@link RunState#end}) when the scope owns
     * it, that is when {@code owner} is not {@code null} (a {@link Scope#RUN} set is the run's).
     */
    private record Active(AddonSet set, RunState owner) implements AutoCloseable {
        @Override
        public void close() {
            if (owner != null) {
                owner.end(set);
            }
        }
    }
}
