package dev.addons.spring.boot;

import java.util.Map;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The condition of {@link ConditionalOnAddonProperty}. Stateless. */
final class OnAddonPropertyCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnAddonProperty.class.getName());
        String property = (String) attributes.get("value");
        AddonConnections connections = connections(context);
        return connections.providing(property)
                .map(a -> ConditionOutcome.match("addon " + a.addon() + " maps " + property))
                .orElseGet(() -> ConditionOutcome.noMatch("no addon maps " + property + " (" + connections + ")"));
    }

    /**
     * The test's connections when the test integration registered them (an instance already, so
     * asking makes no bean early), else this process's app's, read now (a cheap read of records).
     */
    static AddonConnections connections(ConditionContext context) {
        ConfigurableListableBeanFactory beans = context.getBeanFactory();
        if (beans != null && beans.containsSingleton(AddonConnections.BEAN_NAME)
                && beans.getSingleton(AddonConnections.BEAN_NAME) instanceof AddonConnections registered) {
            return registered;
        }
        ClassLoader loader = context.getClassLoader();
        return loader == null ? AddonConnections.current() : AddonConnections.current(loader);
    }
}
