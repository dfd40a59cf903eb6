package io.convrouter.app;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import com.mongodb.client.MongoDatabase;

import io.convrouter.audit.DecisionLog;
import io.convrouter.classify.ActiveRuleset;
import io.convrouter.classify.Classifier;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.RulesetCompiler;
import io.convrouter.policy.ExperimentReports;
import io.convrouter.policy.PolicyService;
import io.convrouter.policy.PolicyValidator;
import io.convrouter.policy.ReplayService;
import io.convrouter.policy.RulesetStatus;
import io.convrouter.policy.RulesetVersion;
import io.convrouter.store.mongo.MongoConversationStore;
import io.convrouter.store.mongo.MongoPolicyStore;
import io.convrouter.workbench.Workbench;

/**
 * Policy lifecycle wiring: versions in MongoDB, the rules directory watched for changes, and the
 * shared state followed so every instance routes with the same version.
 */
@Configuration(proxyBeanMethods = false)
public class PolicyConfiguration {
    private static final Logger log = LoggerFactory.getLogger(PolicyConfiguration.class);

    @Bean
    MongoPolicyStore policyStore(MongoDatabase db) {
        return new MongoPolicyStore(db);
    }

    @Bean
    PolicyValidator policyValidator(RulesetCompiler compiler, Classifier classifier, Workbench workbench) {
        return new PolicyValidator(compiler, classifier, workbench);
    }

    @Bean
    PolicyService policyService(MongoPolicyStore store, PolicyValidator validator, Clock clock) {
        return new PolicyService(store, validator, clock);
    }

    @Bean
    ActiveRuleset activeRuleset(PolicyService policies, RoutingProperties props) {
        ActiveRuleset active = policies.start(RoutingConfiguration.readPolicyFiles(props.rulesDir()), props.rulesAutoActivate());
        log.info("Ruleset {} active: {} rules; policies from {}", active.get().version(), active.get().ruleCount(),
                props.rulesDir().toAbsolutePath());
        return active;
    }

    @Bean
    ExperimentReports experimentReports(MongoPolicyStore store, MongoConversationStore conversations,
                                        DecisionLog decisions, Clock clock) {
        return new ExperimentReports(store, conversations::findByExperiment, decisions, clock);
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService replayExecutor() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ruleset-replay");
            t.setDaemon(true);
            return t;
        });
    }

    @Bean
    ReplayService replayService(PolicyService policies, DecisionLog decisions, Classifier classifier, Workbench workbench,
                                ExecutorService replayExecutor, Clock clock) {
        Workbench.RoutingDefaults d = workbench.routing();
        return new ReplayService(policies, decisions, classifier, new RoutingInput.Defaults(d.defaultQueue(),
                d.defaultPriority(), d.defaultSlaSeconds(), d.defaultLanguage()), replayExecutor, clock);
    }

    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskScheduler policyScheduler(PolicyService policies, RoutingProperties props, ActiveRuleset active) {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("policy-");
        scheduler.setPoolSize(1);
        // Let a running sync finish before the database client closes behind it.
        scheduler.setWaitForTasksToCompleteOnShutdown(true);
        scheduler.setAwaitTerminationSeconds(10);
        scheduler.initialize();
        if (!props.policySyncInterval().isZero()) {
            scheduler.scheduleWithFixedDelay(() -> runQuietly("policy sync", policies::syncFromStore),
                    props.policySyncInterval());
        }
        if (!props.rulesWatchInterval().isZero()) {
            DirectoryWatch watch = new DirectoryWatch(policies, props);
            scheduler.scheduleWithFixedDelay(() -> runQuietly("rules directory watch", watch::check),
                    props.rulesWatchInterval());
        }
        return scheduler;
    }

    private static void runQuietly(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", what, e.getMessage());
        }
    }

    /**
     * Turns a change in the rules directory into a candidate version (activated too, if
     * configured). A change is taken only once two checks in a row read the same files, so an
     * editor still writing a file does not produce a spurious failed version; a change whose
     * submission fails (say the database is briefly away) is tried again at the next check.
     */
    static final class DirectoryWatch {
        private final PolicyService policies;
        private final RoutingProperties props;
        private String submitted;
        private String pending;

        DirectoryWatch(PolicyService policies, RoutingProperties props) {
            this.policies = policies;
            this.props = props;
            this.submitted = RulesetCompiler.versionOf(RoutingConfiguration.readPolicyFiles(props.rulesDir()));
        }

        void check() {
            List<PolicyFile> files = RoutingConfiguration.readPolicyFiles(props.rulesDir());
            String version = RulesetCompiler.versionOf(files);
            if (version.equals(submitted) || files.isEmpty()) {
                pending = null;
                return;
            }
            if (!version.equals(pending)) {
                pending = version; // seen once: wait for the files to stay the same for one more check
                return;
            }
            RulesetVersion rv = policies.submit(files, "rules-directory", "changed in " + props.rulesDir(), "directory");
            submitted = version;
            pending = null;
            log.info("Rules directory changed: version {} is {} ({} errors, {} failing scenarios)", rv.version(),
                    rv.status().wireName(), rv.report().errors().size(), rv.report().scenariosFailed());
            if (props.rulesAutoActivate() && rv.status() == RulesetStatus.CANDIDATE) {
                policies.activate(rv.version(), "rules-directory");
            }
        }
    }
}
