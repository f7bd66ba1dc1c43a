package dev.addons.junit;

import dev.addons.api.Credentials;
import dev.addons.core.Environment;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterContext;

/**
 * The parameters the extension injects, from a scope's {@link AddonSet}:
 * <ul>
 *   <li>{@link Environment}: the app's environment, as a program reads it;</li>
 *   <li>{@link Credentials} or {@code Map<String, String>}: all variables;</li>
 *   <li>{@code @AddonVariable("NAME") String}: one variable;</li>
 *   <li>{@link DataSource}: a HikariCP pool on the SQL addon's database (an addon whose provider
 *       declares a JDBC URL; its JDBC driver on the test class path), one per scope, closed when
 *       the scope ends (not by the tests).</li>
 * </ul>
 * Misuse is reported with {@link ExtensionConfigurationException}, naming the parameter, the value
 * and what is allowed. Stateless.
 */
final class Injection {
    private static final Set<Class<?>> TYPES = Set.of(Environment.class, Credentials.class, Map.class,
            DataSource.class);

    private Injection() {
    }

    static boolean supports(ParameterContext parameter) {
        return parameter.isAnnotated(AddonVariable.class) || TYPES.contains(parameter.getParameter().getType());
    }

    static Object resolve(ParameterContext parameter, AddonSet set) {
        Parameter p = parameter.getParameter();
        if (parameter.isAnnotated(AddonVariable.class)) {
            return variable(parameter, parameter.findAnnotation(AddonVariable.class).orElseThrow().value(), set);
        }
        Class<?> type = p.getType();
        if (type == Environment.class) {
            return set.environment();
        }
        if (type == Credentials.class) {
            return set.credentials();
        }
        if (type == Map.class) {
            if (!isMapOfStrings(p.getParameterizedType())) {
                throw new ExtensionConfigurationException(describe(parameter) + " cannot be injected: a Map of "
                        + "variables is a Map<String, String>, not " + p.getParameterizedType().getTypeName());
            }
            return set.variables();
        }
        return dataSource(parameter, set);
    }

    /** {@code parameter 'url' (String) of OrdersTest.stores(String)}, for messages. */
    static String describe(ParameterContext parameter) {
        Parameter p = parameter.getParameter();
        Executable executable = parameter.getDeclaringExecutable();
        String params = Arrays.stream(executable.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", "));
        String name = executable instanceof java.lang.reflect.Constructor<?>
                ? executable.getDeclaringClass().getSimpleName()
                : executable.getDeclaringClass().getSimpleName() + "." + executable.getName();
        return "parameter '" + p.getName() + "' (" + p.getType().getSimpleName() + ") of " + name + "(" + params + ")";
    }

    private static String variable(ParameterContext parameter, String name, AddonSet set) {
        String annotation = "@AddonVariable(\"" + name + "\") on " + describe(parameter);
        if (parameter.getParameter().getType() != String.class) {
            throw new ExtensionConfigurationException(annotation + ": a variable is injected into a String only");
        }
        return set.credentials().get(name).orElseThrow(() -> new ExtensionConfigurationException(annotation
                + ": no addon of " + set.declaration().declaredOn().getSimpleName() + " " + set.declaration().describe()
                + " provides " + name + ". Provided: " + new TreeSet<>(set.variables().keySet())));
    }

    private static DataSource dataSource(ParameterContext parameter, AddonSet set) {
        List<String> sql = set.sqlAddons();
        if (sql.size() != 1) {
            String declared = set.declaration().declaredOn().getSimpleName() + " declares "
                    + set.declaration().describe();
            List<String> available = set.sqlAddonsAvailable();
            throw new ExtensionConfigurationException(describe(parameter) + " cannot be injected: a DataSource needs"
                    + (sql.isEmpty() ? " a SQL addon (" + (available.isEmpty() ? "none is on the class path"
                            : String.join(" or ", available)) + "), and " + declared
                            : " exactly one SQL addon, and " + declared
                            + "; inject @AddonVariable(\"DATABASE_URL\") or Credentials instead"));
        }
        return set.dataSource(sql.get(0));
    }

    private static boolean isMapOfStrings(Type type) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments()[0] == String.class
                && p.getActualTypeArguments()[1] == String.class;
    }
}
