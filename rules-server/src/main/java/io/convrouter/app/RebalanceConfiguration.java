package io.convrouter.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import com.mongodb.client.MongoDatabase;

import io.convrouter.audit.DecisionLog;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.dispatch.PerformanceStats;
import io.convrouter.ids.Ids;
import io.convrouter.rebalance.RebalanceService;
import io.convrouter.rebalance.Rebalancer;
import io.convrouter.store.Durability;
import io.convrouter.store.mongo.MongoRebalanceLease;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The rebalancer, scheduled as workbench-config/rebalance.yaml says. */
@Configuration(proxyBeanMethods = false)
public class RebalanceConfiguration {
    private static final Logger log = LoggerFactory.getLogger(RebalanceConfiguration.class);

    /** workbench-config/rebalance.yaml; every field optional. */
    public record Settings(boolean enabled, int intervalSeconds, int timeLimitMillis, int unimprovedSteps) {
        static final Settings DEFAULTS = new Settings(true, 10, 500, 50);
    }

    record SettingsFile(Settings rebalance) {}

    @Bean
    Settings rebalanceSettings(RoutingProperties props) {
        Path file = props.workbenchDir().resolve("rebalance.yaml");
        if (!Files.exists(file)) {
            return Settings.DEFAULTS;
        }
        ObjectMapper yaml = YAMLMapper.builder().build();
        try {
            SettingsFile f = yaml.readValue(Files.readAllBytes(file), SettingsFile.class);
            Settings s = f == null || f.rebalance() == null ? Settings.DEFAULTS : f.rebalance();
            if (s.intervalSeconds() < 1 || s.timeLimitMillis() < 10 || s.unimprovedSteps() < 1) {
                throw new IllegalStateException("rebalance.yaml: intervalSeconds must be at least 1, timeLimitMillis at"
                        + " least 10 and unimprovedSteps at least 1");
            }
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    @Bean
    RebalanceService rebalanceService(Dispatcher dispatcher, PerformanceStats stats, DecisionLog decisions,
                                      RoutingConfiguration.RoutingEventsRef events, MongoDatabase db,
                                      Durability durability, Clock clock, Settings settings) {
        return new RebalanceService(dispatcher, new Rebalancer(Duration.ofMillis(settings.timeLimitMillis()),
                settings.unimprovedSteps()), stats, decisions, events.events(),
                new MongoRebalanceLease(db), durability, clock, "server-" + Ids.newId(),
                Duration.ofSeconds(settings.intervalSeconds() * 3L));
    }

    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskScheduler rebalanceScheduler(RebalanceService rebalance, Settings settings,
            @org.springframework.beans.factory.annotation.Value("${routing.rebalance-scheduled:true}") boolean scheduled) {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("rebalance-");
        scheduler.setPoolSize(1);
        scheduler.setWaitForTasksToCompleteOnShutdown(true);
        scheduler.setAwaitTerminationSeconds(10);
        scheduler.initialize();
        if (settings.enabled() && scheduled) {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    RebalanceService.Report r = rebalance.run();
                    if (r.moves() > 0) {
                        log.info("Rebalanced: {} ({} ms, score {})", r.note(), r.solveMillis(), r.score());
                    }
                } catch (RuntimeException e) {
                    log.warn("rebalance failed: {}", e.toString());
                }
            }, Duration.ofSeconds(settings.intervalSeconds()));
        }
        return scheduler;
    }
}
