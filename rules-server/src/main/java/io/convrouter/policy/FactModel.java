package io.convrouter.policy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.convrouter.classify.facts.Conversation;
import io.convrouter.classify.facts.Customer;
import io.convrouter.classify.facts.Entry;
import io.convrouter.classify.facts.RoutingPlan;

/** The fact types rules may constrain, and the fields and methods each offers. */
final class FactModel {
    static final Map<String, Class<?>> TYPES = Map.of(
            "Conversation", Conversation.class,
            "Customer", Customer.class,
            "Entry", Entry.class,
            "RoutingPlan", RoutingPlan.class,
            "CustomerHistory", io.convrouter.classify.facts.CustomerHistory.class,
            "BotHandoff", io.convrouter.classify.facts.BotHandoff.class);

    private FactModel() {}

    static Optional<Class<?>> type(String simpleName) {
        return Optional.ofNullable(TYPES.get(simpleName));
    }

    /** Property names (from getters) and public method names a constraint may use. */
    static Set<String> members(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Method m : type.getMethods()) {
            if (m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String n = m.getName();
            if (n.startsWith("get") && n.length() > 3 && m.getParameterCount() == 0) {
                names.add(Character.toLowerCase(n.charAt(3)) + n.substring(4));
            } else if (n.startsWith("is") && n.length() > 2 && m.getParameterCount() == 0) {
                names.add(Character.toLowerCase(n.charAt(2)) + n.substring(3));
            }
            names.add(n);
        }
        return names;
    }

    /** Fields only (for messages): what a constraint can compare. */
    static Set<String> fields(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Method m : type.getMethods()) {
            String n = m.getName();
            if (m.getDeclaringClass() == Object.class || m.getParameterCount() != 0) continue;
            if (n.startsWith("get") && n.length() > 3 && !n.equals("getClass")) {
                names.add(Character.toLowerCase(n.charAt(3)) + n.substring(4));
            } else if (n.startsWith("is") && n.length() > 2) {
                names.add(Character.toLowerCase(n.charAt(2)) + n.substring(3));
            }
        }
        return names;
    }

    /** Public methods that take arguments (such as mentions(...)), for messages. */
    static Set<String> methods(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Method m : type.getMethods()) {
            if (m.getDeclaringClass() != Object.class && m.getParameterCount() > 0
                    && !m.getName().startsWith("set") && !Modifier.isStatic(m.getModifiers())) {
                names.add(m.getName() + "(...)");
            }
        }
        return names;
    }
}
