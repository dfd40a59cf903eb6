package io.convrouter.app;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.mongodb.client.MongoDatabase;

import io.convrouter.classify.ActiveRuleset;
import io.convrouter.policy.PolicyService;
import io.convrouter.reports.Reports;
import io.convrouter.store.mongo.MongoReportSource;
import io.convrouter.workbench.Workbench;

/** Managers' reports, read from the conversations and decision log in MongoDB. */
@Configuration(proxyBeanMethods = false)
public class ReportsConfiguration {

    @Bean
    Reports reports(MongoDatabase db, Workbench workbench, PolicyService policies, ActiveRuleset active, Clock clock,
                    @Value("${routing.reports.max-range-days:92}") int maxRangeDays,
                    @Value("${routing.reports.max-groups:1000}") int maxGroups) {
        return new Reports(new MongoReportSource(db),
                queue -> queue != null && workbench.queues().containsKey(queue) ? workbench.queues().get(queue).slaSeconds() : 0,
                version -> {
                    if (version == null) {
                        return active.get();
                    }
                    policies.get(version); // 404 for a version never stored
                    return policies.compiledVersion(version);
                },
                clock, Duration.ofDays(maxRangeDays), maxGroups);
    }
}
