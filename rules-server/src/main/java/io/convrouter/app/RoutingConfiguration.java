package io.convrouter.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.AgentService;
import io.convrouter.agents.AgentStore;
import io.convrouter.audit.DecisionLog;
import io.convrouter.classify.ActiveRuleset;
import io.convrouter.classify.Classifier;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.RulesetCompiler;
import io.convrouter.conversation.ConversationStore;
import io.convrouter.conversation.LifecycleService;
import io.convrouter.dispatch.AssignmentRecorder;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.dispatch.BusinessHours;
import io.convrouter.dispatch.DispatchSettings;
import io.convrouter.dispatch.PerformanceStats;
import io.convrouter.dispatch.StartupRecovery;
import io.convrouter.conversation.AgentStatsStore;
import io.convrouter.events.RoutingEvents;
import io.convrouter.store.mongo.MongoAgentStatsStore;
import io.convrouter.store.mongo.MongoCustomerHistoryStore;
import io.convrouter.conversation.CustomerHistoryStore;
import com.mongodb.client.MongoDatabase;
import org.springframework.beans.factory.ObjectProvider;
import io.convrouter.intake.IntakeService;
import io.convrouter.store.Durability;
import io.convrouter.workbench.Workbench;
import io.convrouter.workbench.WorkbenchLoader;

/** Builds the routing core (plain Java) from configuration and the stores. */
@Configuration(proxyBeanMethods = false)
public class RoutingConfiguration {
    private static final Logger log = LoggerFactory.getLogger(RoutingConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Workbench workbench(RoutingProperties props) {
        Workbench w = new WorkbenchLoader().load(props.workbenchDir());
        log.info("Workbench config from {}: {} channels, {} queues, {} skills, {} teams",
                props.workbenchDir().toAbsolutePath(), w.channels().size(), w.queues().size(), w.skills().size(),
                w.teams().size());
        return w;
    }

    @Bean
    RulesetCompiler rulesetCompiler(Clock clock) {
        return new RulesetCompiler(clock);
    }

    @Bean
    Classifier classifier() {
        return new Classifier();
    }

    @Bean
    MongoCustomerHistoryStore customerHistoryStore(MongoDatabase db) {
        return new MongoCustomerHistoryStore(db);
    }

    @Bean
    MongoAgentStatsStore agentStatsStore(MongoDatabase db) {
        return new MongoAgentStatsStore(db);
    }

    /** Agents' records per intent, loaded once at start and kept current as conversations close. */
    @Bean
    PerformanceStats performanceStats(AgentStatsStore store) {
        PerformanceStats stats = new PerformanceStats();
        store.forEach(r -> stats.put(r.agentId(), r.intent(), new PerformanceStats.Record(r.closed(), r.resolved(),
                r.satisfactionSum(), r.satisfactionCount())));
        return stats;
    }

    @Bean
    Dispatcher dispatcher(AgentStore agents, ConversationStore conversations, Clock clock, Workbench workbench,
                          PerformanceStats stats) {
        return new Dispatcher(agents, conversations, clock, DispatchSettings.from(workbench), stats);
    }

    /** Webhooks when configured; otherwise events go nowhere. */
    @Bean
    RoutingEventsRef routingEventsRef(ObjectProvider<RoutingEvents> events) {
        return new RoutingEventsRef(events.getIfAvailable(() -> RoutingEvents.NONE));
    }

    /** Holds whichever RoutingEvents the context has, so the core gets one without a bean conflict. */
    record RoutingEventsRef(RoutingEvents events) {}

    @Bean
    IntakeService intakeService(Workbench workbench, ActiveRuleset rulesets, Classifier classifier,
                                ConversationStore conversations, Dispatcher dispatcher, DecisionLog decisions,
                                Durability durability, Clock clock, RoutingEventsRef events,
                                CustomerHistoryStore history) {
        return new IntakeService(workbench, rulesets, classifier, conversations, dispatcher, decisions, durability,
                clock, new BusinessHours(workbench), events.events(), history);
    }

    @Bean
    LifecycleService lifecycleService(ConversationStore conversations, AgentStore agents, Dispatcher dispatcher,
                                      DecisionLog decisions, Durability durability, Clock clock, Workbench workbench,
                                      AgentStatsStore stats, RoutingEventsRef events, CustomerHistoryStore history) {
        return new LifecycleService(conversations, agents, dispatcher, decisions, durability, clock, workbench, stats,
                events.events(), history);
    }

    @Bean
    AgentService agentService(AgentStore store, Dispatcher dispatcher, DecisionLog decisions, Workbench workbench,
                              Durability durability, Clock clock) {
        return new AgentService(store, dispatcher, decisions, workbench, durability, clock);
    }

    /** Before serving: reconcile load with assignments, rebuild the queue, load the demo roster if asked. */
    @Bean
    ApplicationRunner startupRecovery(AgentStore agents, ConversationStore conversations, Dispatcher dispatcher,
                                      DecisionLog decisions, AgentService agentService, Workbench workbench,
                                      RoutingProperties props, Durability durability, Clock clock,
                                      RoutingEventsRef events) {
        return (ApplicationArguments args) -> {
            StartupRecovery.Report report = new StartupRecovery(agents, conversations, dispatcher,
                    new AssignmentRecorder(decisions, events.events(), clock), clock).run();
            durability.awaitDurable();
            log.info("Recovered state: {} waiting, {} assigned at start, {} stale reservations released, "
                            + "{} conversations requeued", report.waiting(), report.assignedAtStart(),
                    report.reservationsReleased(), report.conversationsRequeued());
            if (props.demoRoster()) {
                for (Workbench.DemoAgent a : workbench.demoAgents()) {
                    agentService.register(new AgentProfile(a.id(), a.name(), a.skills(),
                            a.languages() == null ? null : new java.util.LinkedHashSet<>(a.languages()),
                            a.teams() == null ? null : new java.util.LinkedHashSet<>(a.teams()), a.capacity()));
                    agentService.setPresence(a.id(), "online");
                }
                log.info("Demo roster loaded: {} agents online", workbench.demoAgents().size());
            }
        };
    }

    /** Every policy file under the directory, with paths relative to it. */
    static List<PolicyFile> readPolicyFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("rules directory " + dir.toAbsolutePath()
                    + " does not exist: set routing.rules-dir or start the server from the project root");
        }
        List<PolicyFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(p).toString();
                if (rel.startsWith(".") || rel.contains("/.") || rel.contains("~$")) {
                    continue; // editor lock files and hidden files are not policies
                }
                PolicyFile f = new PolicyFile(rel, Files.readAllBytes(p));
                if (f.isRulesetFile()) {
                    files.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rules directory " + dir.toAbsolutePath(), e);
        }
        return files;
    }
}
