package io.convrouter.app;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import io.convrouter.audit.DecisionLog;
import io.convrouter.dispatch.AssignmentRecorder;
import io.convrouter.dispatch.Dispatched;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.events.RoutingEvent;
import io.convrouter.store.Durability;
import io.convrouter.workbench.Workbench;

/**
 * Drives the dispatcher's timers in real time: offers that expire, reclaims, relaxation steps,
 * sticky windows, overflow and wrap-up ends all fire from {@link Dispatcher#tick()}; queue wait
 * alerts are checked every few seconds.
 */
@Configuration(proxyBeanMethods = false)
public class DispatchConfiguration {
    private static final Logger log = LoggerFactory.getLogger(DispatchConfiguration.class);

    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskScheduler dispatchTimers(Dispatcher dispatcher, DecisionLog decisions, Durability durability,
                                           Clock clock, Workbench workbench,
                                           RoutingConfiguration.RoutingEventsRef events,
                                           @Value("${routing.dispatch-tick-interval:250ms}") Duration tick,
                                           @Value("${routing.wait-alert-interval:5s}") Duration alerts) {
        AssignmentRecorder recorder = new AssignmentRecorder(decisions, events.events(), clock);
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("dispatch-timers-");
        scheduler.setPoolSize(1);
        scheduler.setWaitForTasksToCompleteOnShutdown(true);
        scheduler.setAwaitTerminationSeconds(10);
        scheduler.initialize();
        if (!tick.isZero()) {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    Dispatched d = dispatcher.tick();
                    if (!d.isEmpty()) {
                        recorder.record(d, "a dispatch timer fired");
                        durability.awaitDurable();
                    }
                } catch (RuntimeException e) {
                    log.warn("dispatch timers failed: {}", e.toString());
                }
            }, tick);
        }
        if (!alerts.isZero()) {
            Map<String, Double> targets = new LinkedHashMap<>();
            workbench.queues().values().forEach(q -> targets.put(q.id(), q.serviceLevelTarget()));
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    dispatcher.waitAlerts(targets).forEach((queue, over) -> events.events().publish(new RoutingEvent(
                            RoutingEvent.QUEUE_WAIT_ALERT, null, null, clock.instant(),
                            Map.of("queue", queue, "over", over, "thresholdSeconds",
                                    workbench.dispatchOf(queue).waitAlertSeconds()))));
                } catch (RuntimeException e) {
                    log.warn("queue wait alerts failed: {}", e.toString());
                }
            }, alerts);
        }
        return scheduler;
    }
}
