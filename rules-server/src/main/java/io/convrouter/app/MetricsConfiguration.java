package io.convrouter.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.convrouter.audit.DecisionLog;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.metrics.MeteredDecisionLog;
import io.convrouter.metrics.RoutingMeters;
import io.convrouter.rebalance.RebalanceService;
import io.convrouter.workbench.Workbench;
import io.micrometer.core.instrument.MeterRegistry;

/** Routing meters for /actuator/prometheus (see io.convrouter.metrics). */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    /** Every user of the decision log gets the counted one; the store behind it is unchanged. */
    @Bean
    static BeanPostProcessor meteredDecisionLog(ObjectProvider<MeterRegistry> registry) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof DecisionLog log && !(bean instanceof MeteredDecisionLog)) {
                    MeterRegistry r = registry.getIfAvailable();
                    return r == null ? bean : new MeteredDecisionLog(log, r);
                }
                return bean;
            }
        };
    }

    @Bean
    RoutingMeters routingMeters(Workbench workbench, Dispatcher dispatcher, RebalanceService rebalance) {
        Map<String, Double> targets = new LinkedHashMap<>();
        workbench.queues().values().forEach(q -> targets.put(q.id(), q.serviceLevelTarget()));
        return new RoutingMeters(List.copyOf(targets.keySet()),
                queue -> dispatcher.queueSnapshots(Map.of(queue, targets.get(queue))).get(0), rebalance);
    }
}
