package dev.addons.examples.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The rules between modules that STYLE.md sets, checked with ArchUnit on the classes every module
 * of the build compiled ({@code target/classes} and {@code target/test-classes} of each module the
 * root pom lists): only addons-core and its test support, addons-testkit, use
 * {@code dev.addons.core.internal}; an engine module's own code uses nothing of addons but
 * addons-api; addons-api uses the JDK alone. examples is built after every other module (see its
 * pom), so their classes are there; a module without compiled classes fails the test rather than
 * being skipped.
 */
class ArchitectureTest {
    private static final String CORE_INTERNALS = "dev.addons.core.internal.";
    private static final List<String> ENGINES = List.of("addons-postgres", "addons-mysql", "addons-redis",
            "addons-rabbitmq", "addons-memcache");
    /**
     * Modules that may use addons-core's internals: core itself, and the testkit, core's test
     * support (never published, test scope only), which runs the runtimes and reads the state store
     * below the facade for every engine's tests. Other modules' tests go through the testkit.
     */
    private static final Set<String> MAY_USE_CORE_INTERNALS = Set.of("addons-core", "addons-testkit");
    private static final Map<String, CompiledModule> MODULES = new LinkedHashMap<>();

    /** One module's compiled classes: its own code, and that with its tests. */
    private record CompiledModule(String name, JavaClasses main, JavaClasses mainAndTests) {
    }

    @BeforeAll
    static void importEveryModule() throws Exception {
        Path root = Path.of(System.getProperty("addons.root", "..")).toAbsolutePath().normalize();
        for (String module : modules(root.resolve("pom.xml"))) {
            Path classes = root.resolve(module).resolve("target/classes");
            Path testClasses = root.resolve(module).resolve("target/test-classes");
            // A test-only module (addons-toy-engine-test) has test classes alone.
            List<Path> compiled = Stream.of(classes, testClasses).filter(Files::isDirectory).toList();
            assertThat(compiled).as("%s's compiled classes: build every module first (mvn -pl examples -am)", module)
                    .isNotEmpty();
            ClassFileImporter importer = new ClassFileImporter();
            JavaClasses main = importer.importPaths(Files.isDirectory(classes) ? List.of(classes) : List.of());
            JavaClasses mainAndTests = importer.importPaths(compiled);
            assertThat(mainAndTests).as("%s's classes in %s", module, compiled).isNotEmpty();
            MODULES.put(module, new CompiledModule(module, main, mainAndTests));
        }
        assertThat(MODULES).containsKeys("addons-api", "addons-core", "addons-testkit");
        assertThat(MODULES).containsKeys(ENGINES.toArray(String[]::new));
    }

    @Test
    void noModuleButCoreAndTheTestkitUsesCoreInternalsInItsCodeOrItsTests() {
        List<String> violations = new ArrayList<>();
        for (CompiledModule module : MODULES.values()) {
            if (!MAY_USE_CORE_INTERNALS.contains(module.name())) {
                violations.addAll(violations(module.name(), noCoreInternals(), module.mainAndTests()));
            }
        }
        assertThat(violations).as("uses of dev.addons.core.internal outside addons-core and addons-testkit")
                .isEmpty();
    }

    @Test
    void anEngineModulesOwnCodeUsesNothingOfAddonsButTheApi() {
        List<String> violations = new ArrayList<>();
        for (String engine : ENGINES) {
            CompiledModule module = MODULES.get(engine);
            violations.addAll(violations(engine, onlyTheApiOfAddons(module.main()), module.main()));
        }
        assertThat(violations).as("engine modules' classes using addons classes other than addons-api's")
                .isEmpty();
    }

    @Test
    void theApiUsesTheJdkAlone() {
        assertThat(violations("addons-api", jdkOnly(), MODULES.get("addons-api").main()))
                .as("addons-api's classes using classes outside the JDK").isEmpty();
    }

    /** Each rule finds what it forbids where it is allowed, so a rule that matches nothing cannot pass unnoticed. */
    @Test
    void eachRuleFindsWhatItForbidsInModulesItDoesNotApplyTo() {
        assertThat(violations("addons-testkit", noCoreInternals(), MODULES.get("addons-testkit").main()))
                .as("the testkit's uses of core internals").isNotEmpty();
        JavaClasses junit = MODULES.get("addons-junit").main();
        assertThat(violations("addons-junit", onlyTheApiOfAddons(junit), junit))
                .as("addons-junit's uses of addons-core").isNotEmpty();
        assertThat(violations("addons-core", jdkOnly(), MODULES.get("addons-core").main()))
                .as("addons-core's uses of libraries").isNotEmpty();
    }

    private static ArchRule noCoreInternals() {
        return rule("use no class of " + CORE_INTERNALS + ".", dependency -> {
            String target = dependency.getTargetClass().getBaseComponentType().getName();
            return !target.startsWith(CORE_INTERNALS);
        });
    }

    /** Nothing of {@code dev.addons} but addons-api and the module's own classes. */
    private static ArchRule onlyTheApiOfAddons(JavaClasses own) {
        Set<String> ownNames = own.stream().map(JavaClass::getName).collect(Collectors.toSet());
        return rule("use no class of dev.addons but addons-api's and their module's own", dependency -> {
            String target = dependency.getTargetClass().getBaseComponentType().getName();
            return !target.startsWith("dev.addons.") || target.startsWith("dev.addons.api.")
                    || ownNames.contains(target);
        });
    }

    /** The JDK: the packages of the boot layer's modules, which on the class path are the platform's alone. */
    private static ArchRule jdkOnly() {
        Set<String> jdk = ModuleLayer.boot().modules().stream().flatMap(m -> m.getPackages().stream())
                .collect(Collectors.toSet());
        Set<String> own = MODULES.get("addons-api").main().stream().map(JavaClass::getPackageName)
                .collect(Collectors.toSet());
        return rule("use nothing outside the JDK", dependency -> {
            JavaClass target = dependency.getTargetClass().getBaseComponentType();
            return target.isPrimitive() || jdk.contains(target.getPackageName()) || own.contains(target.getPackageName());
        });
    }

    private static ArchRule rule(String description, Predicate<Dependency> allowed) {
        return ArchRuleDefinition.classes().should(new ArchCondition<JavaClass>(description) {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                for (Dependency dependency : item.getDirectDependenciesFromSelf()) {
                    if (!allowed.test(dependency)) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        }.as(description)).as("classes should " + description);
    }

    private static List<String> violations(String module, ArchRule rule, JavaClasses classes) {
        EvaluationResult result = rule.evaluate(classes);
        return result.getFailureReport().getDetails().stream().map(detail -> module + ": " + detail).toList();
    }

    /** Whether the module at {@code pom} has no code (packaging {@code pom}, as addons-bom). */
    private static boolean isPomOnly(Path pom) throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
                .getDocumentElement();
        return children(project, "packaging").stream().anyMatch(p -> p.getTextContent().strip().equals("pom"));
    }

    /**
     * The modules with code of the default build: {@code <modules>} of the root pom, not those of
     * its profiles, without the pom-only ones.
     */
    private static List<String> modules(Path rootPom) throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(rootPom.toFile())
                .getDocumentElement();
        List<String> modules = new ArrayList<>();
        for (Element list : children(project, "modules")) {
            for (Element module : children(list, "module")) {
                String name = module.getTextContent().strip();
                if (!isPomOnly(rootPom.resolveSibling(name).resolve("pom.xml"))) {
                    modules.add(name);
                }
            }
        }
        return modules;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE && nodes.item(i).getNodeName().equals(name)) {
                found.add((Element) nodes.item(i));
            }
        }
        return found;
    }
}
