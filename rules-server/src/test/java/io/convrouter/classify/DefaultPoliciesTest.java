package io.convrouter.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.convrouter.classify.facts.Conversation;
import io.convrouter.classify.facts.Customer;
import io.convrouter.classify.facts.CustomerHistory;
import io.convrouter.classify.facts.Entry;
import io.convrouter.classify.facts.RoutingPlan;
import io.convrouter.policy.ScenarioReader;
import io.convrouter.policy.ScenarioResult;
import io.convrouter.policy.ScenarioRunner;
import io.convrouter.policy.SheetGrid;

/**
 * The default policies shipped in {@code rules/}, compiled from the real files and run over
 * representative conversations: for each, the routing plan it gets and exactly which rules fired,
 * with the file, sheet and spreadsheet row (or DRL line) an auditor would be pointed at.
 */
class DefaultPoliciesTest {

    /** Tests run with rules-server/ as working directory; the policies live next to it. */
    private static final Path RULES_DIR = Path.of("../rules");
    private static final Instant COMPILED_AT = Instant.parse("2025-11-11T00:00:00Z");

    private static final String XLSX = "routing.drl.xlsx";
    private static final String CSV = "marketplace.drl.csv";
    private static final String DRL = "guards.drl";
    /** Ops' expectations: part of the ruleset (and its version hash), but no rules. */
    private static final String SCENARIOS = "routing.scenarios.csv";

    // Stage 1 (intent): routing.drl.xlsx, sheet Intents; first matching row wins. Shipping is above Invoice.
    static final Tuple PAYMENT_FAILED = table("Payment failed", "intent", "Intents", 12);
    static final Tuple COMPLAINT = table("Complaint", "intent", "Intents", 13);
    static final Tuple REFUND = table("Refund", "intent", "Intents", 14);
    static final Tuple SHIPPING = table("Shipping", "intent", "Intents", 15);
    static final Tuple INVOICE = table("Invoice", "intent", "Intents", 16);
    static final Tuple INSTALLATION = table("Installation and repair", "intent", "Intents", 17);
    static final Tuple PRICE = table("Price", "intent", "Intents", 18);
    // Stage 2 (route): routing.drl.xlsx, sheet Routing. Two rule names repeat the Intents sheet's.
    static final Tuple ROUTE_PAYMENT = table("Payment failures are urgent", "route", "Routing", 10);
    static final Tuple ROUTE_COMPLAINT = table("Complaints to senior agents", "route", "Routing", 11);
    static final Tuple ROUTE_REFUND = table("Refunds", "route", "Routing", 12);
    static final Tuple ROUTE_SHIPPING = table("Shipping", "route", "Routing", 13);
    static final Tuple ROUTE_INSTALLATION = table("Installation and repair", "route", "Routing", 14);
    static final Tuple ROUTE_INVOICE = table("Invoices", "route", "Routing", 15);
    static final Tuple ROUTE_PRICE = table("Pre-sales questions", "route", "Routing", 16);
    static final Tuple ANGRY = drl("Angry wording to senior agents", "route", 10);
    // Stage 3 (adjust): sheet Channels, the marketplace CSV and guards.drl first; then sheet Customers,
    // which runs last in the stage (SequentialMaxPriority -10) so who the customer is wins.
    static final Tuple LIVE_STREAM_FAST = table("Live-stream comments answered fast", "adjust", "Channels", 10);
    static final Tuple SHORT_VIDEO_FAST = table("Short-video comments answered fast", "adjust", "Channels", 11);
    static final Tuple LIVE_STREAM_SOCIAL = table("General live-stream comments to the social queue", "adjust", "Channels", 18);
    static final Tuple SHORT_VIDEO_SOCIAL = table("General short-video comments to the social queue", "adjust", "Channels", 19);
    static final Tuple TMALL = csv("Tmall store to the Tmall team", 10);
    static final Tuple JD = csv("JD store to the JD team", 11);
    static final Tuple PINDUODUO = csv("Pinduoduo store to the Pinduoduo team", 12);
    static final Tuple RETURNING = drl("Returning customer prefers the last agent", "adjust", 20);
    static final Tuple LATIN_IS_ENGLISH = drl("Latin-script text without a language is English", "adjust", 29);
    // Table "Customer tiers": a VIP fires exactly one of its two rows, depending on the channel.
    static final Tuple VIP = table("VIP to the dedicated desk", "adjust", "Customers", 13);
    static final Tuple VIP_ON_STORE_OR_COMMENTS = table(
            "VIP on store and comment channels keeps their team at VIP priority", "adjust", "Customers", 14);
    static final Tuple CAMPAIGN_PRICE = table("New campaign visitor asking about price to sales", "adjust", "Customers", 21);
    static final Tuple CAMPAIGN_PRODUCT_PAGE = table("New campaign visitor on a product page to sales", "adjust", "Customers", 28);
    // Stage 4 (guard).
    static final Tuple BLACKLIST = drl("Blacklisted customers to the bot", "guard", 38);
    // guards.drl, from the customer's history (stage adjust) and the comment filter (stage guard)
    static final Tuple UNRESOLVED_REPEAT = drl("Unresolved repeat goes back to its agent", "adjust", 68);
    static final Tuple RECENTLY_ABANDONED = drl("Recently abandoned customers do not wait again", "adjust", 79);
    static final Tuple RECENT_COMPLAINT = drl("Recent complaint goes to senior agents", "adjust", 90);
    static final Tuple COMMENT_NOISE = drl("Comment noise is dropped", "guard", 101);

    private static List<PolicyFile> files;
    private static Ruleset ruleset;
    private static final Classifier classifier = new Classifier();

    @BeforeAll
    static void compileDefaultPolicies() throws IOException {
        files = new ArrayList<>();
        try (Stream<Path> paths = Files.list(RULES_DIR)) {
            for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
                files.add(new PolicyFile(p.getFileName().toString(), Files.readAllBytes(p)));
            }
        }
        ruleset = compiler().compile(files);
    }

    private static RulesetCompiler compiler() {
        return new RulesetCompiler(Clock.fixed(COMPILED_AT, ZoneOffset.UTC));
    }

    @Test
    void theDefaultRulesetCompilesAndLocatesEveryRule() {
        // README.md is no ruleset file; the scenarios are, though no rule comes from them
        assertThat(ruleset.files()).containsExactly(DRL, CSV, XLSX, SCENARIOS);
        assertThat(ruleset.compiledAt()).isEqualTo(COMPILED_AT);
        assertThat(ruleset.version()).matches("[0-9a-f]{16}");
        assertThat(ruleset.rules()).allSatisfy((key, where) -> assertThat(where).as(key).isNotNull());
        assertThat(ruleset.rules().values())
                .extracting(RuleSource::file, RuleSource::sheet, RuleSource::row, RuleSource::line)
                .containsExactlyInAnyOrder(
                        // Intents
                        tuple(XLSX, "Intents", 12, null), tuple(XLSX, "Intents", 13, null),
                        tuple(XLSX, "Intents", 14, null), tuple(XLSX, "Intents", 15, null),
                        tuple(XLSX, "Intents", 16, null), tuple(XLSX, "Intents", 17, null),
                        tuple(XLSX, "Intents", 18, null),
                        // Routing
                        tuple(XLSX, "Routing", 10, null), tuple(XLSX, "Routing", 11, null),
                        tuple(XLSX, "Routing", 12, null), tuple(XLSX, "Routing", 13, null),
                        tuple(XLSX, "Routing", 14, null), tuple(XLSX, "Routing", 15, null),
                        tuple(XLSX, "Routing", 16, null),
                        // Customers, three RuleTables on one sheet; the first (Customer tiers) has two rows
                        tuple(XLSX, "Customers", 13, null), tuple(XLSX, "Customers", 14, null),
                        tuple(XLSX, "Customers", 21, null), tuple(XLSX, "Customers", 28, null),
                        // Channels, two RuleTables on one sheet
                        tuple(XLSX, "Channels", 10, null), tuple(XLSX, "Channels", 11, null),
                        tuple(XLSX, "Channels", 18, null), tuple(XLSX, "Channels", 19, null),
                        // the CSV table has no sheet; its row is the line of the file
                        tuple(CSV, null, 10, null), tuple(CSV, null, 11, null), tuple(CSV, null, 12, null),
                        // DRL rules by line
                        tuple(DRL, null, null, 10), tuple(DRL, null, null, 20),
                        tuple(DRL, null, null, 29), tuple(DRL, null, null, 38), tuple(DRL, null, null, 53),
                        tuple(DRL, null, null, 68), tuple(DRL, null, null, 79), tuple(DRL, null, null, 90),
                        tuple(DRL, null, null, 101));
    }

    @Test
    void theIntentRowsAreTriedInThisOrderWithShippingAboveInvoice() {
        // Sequential + ACTIVATION-GROUP: rows are tried top to bottom and the first match wins.
        List<String> byRow = ruleset.rules().entrySet().stream()
                .filter(e -> "Intents".equals(e.getValue().sheet()))
                .sorted(Map.Entry.comparingByValue(Comparator.comparing(RuleSource::row)))
                .map(e -> e.getKey().substring(e.getKey().indexOf('/') + 1))
                .toList();

        assertThat(byRow).containsExactly("Payment failed", "Complaint", "Refund", "Shipping", "Invoice",
                "Installation and repair", "Price");
    }

    @Test
    void theScenariosFileCountsTowardsTheVersionButTheCompilerIgnoresIt() {
        List<PolicyFile> rulesOnly = files.stream().filter(f -> !f.path().equals(SCENARIOS)).toList();
        Ruleset withoutScenarios = compiler().compile(rulesOnly);

        // no DRL is generated from it, and the rules, their rows and their text are the same without it
        assertThat(ruleset.generated()).extracting(Ruleset.GeneratedDrl::file, Ruleset.GeneratedDrl::sheet)
                .containsExactly(tuple(DRL, null), tuple(CSV, null), tuple(XLSX, "Intents"), tuple(XLSX, "Routing"),
                        tuple(XLSX, "Customers"), tuple(XLSX, "Channels"));
        assertThat(ruleset.rules().values()).extracting(RuleSource::file).doesNotContain(SCENARIOS);
        assertThat(withoutScenarios.rules()).isEqualTo(ruleset.rules());
        assertThat(withoutScenarios.ruleTexts()).isEqualTo(ruleset.ruleTexts());
        assertThat(withoutScenarios.files()).containsExactly(DRL, CSV, XLSX);

        // but it is hashed into the version: dropping it or editing one expectation gives another version
        assertThat(ruleset.version()).isEqualTo(RulesetCompiler.versionOf(files));
        assertThat(withoutScenarios.version()).isNotEqualTo(ruleset.version());
        List<PolicyFile> edited = files.stream()
                .map(f -> !f.path().equals(SCENARIOS) ? f : new PolicyFile(SCENARIOS,
                        new String(f.content(), StandardCharsets.UTF_8)
                                .replace("No keyword keeps the defaults", "No keyword keeps the default queue")
                                .getBytes(StandardCharsets.UTF_8)))
                .toList();
        assertThat(edited.get(files.indexOf(scenariosFile())).content()).isNotEqualTo(scenariosFile().content());
        assertThat(RulesetCompiler.versionOf(edited)).isNotEqualTo(ruleset.version());
    }

    @Test
    void everyOpsScenarioPassesAgainstTheDefaults() {
        // What the server checks on every upload: a version with a failing scenario cannot be activated.
        ScenarioReader.Result read = new ScenarioReader().read(SheetGrid.ofCsv(scenariosFile()));
        assertThat(read.problems()).isEmpty();

        List<ScenarioResult> results = new ScenarioRunner(classifier,
                new RoutingInput.Defaults("general", 20, 120, "zh")).run(ruleset, read.scenarios());

        assertThat(results).hasSize(15)
                .allSatisfy(r -> assertThat(r.passed()).as("%s: %s", r.name(), r.mismatches()).isTrue());
        assertThat(results).extracting(ScenarioResult::name).contains(
                "Missing invoice is an invoice question",
                "Repair request",
                "VIP refund goes to the VIP desk",
                "VIP on Tmall stays with the store team at VIP priority");
    }

    private static PolicyFile scenariosFile() {
        return files.stream().filter(f -> f.path().equals(SCENARIOS)).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- intents and their routes

    static Stream<Arguments> keywordIntents() {
        return Stream.of(
                // text, language, intent, queue, skills, priority, SLA, team, intent rule, route rule
                intent("我要退款", "zh", "refund", "after-sales", Map.of("refund", 3), 50, 90, null, REFUND, ROUTE_REFUND),
                intent("这件衣服能退货吗", "zh", "refund", "after-sales", Map.of("refund", 3), 50, 90, null, REFUND, ROUTE_REFUND),
                intent("I would like a refund for this jacket", "en", "refund", "after-sales", Map.of("refund", 3), 50, 90, null, REFUND, ROUTE_REFUND),
                intent("I want to return the jacket", "en", "refund", "after-sales", Map.of("refund", 3), 50, 90, null, REFUND, ROUTE_REFUND),
                intent("Can I return my order?", "en", "refund", "after-sales", Map.of("refund", 3), 50, 90, null, REFUND, ROUTE_REFUND),
                intent("It is too small, can I send it back?", "en", "refund", "after-sales", Map.of("refund", 3), 50, 90, null, REFUND, ROUTE_REFUND),
                intent("Can I return this jacket?", "en", "refund", "after-sales", Map.of("refund", 3), 50, 90, null, REFUND, ROUTE_REFUND),
                intent("How do I return an item?", "en", "refund", "after-sales", Map.of("refund", 3), 50, 90, null, REFUND, ROUTE_REFUND),
                intent("I need to return an order I placed last week", "en", "refund", "after-sales", Map.of("refund", 3), 50, 90, null, REFUND, ROUTE_REFUND),
                intent("我的订单什么时候发货", "zh", "shipping", "logistics", Map.of("shipping", 2), 40, 120, null, SHIPPING, ROUTE_SHIPPING),
                intent("物流三天没有更新了", "zh", "shipping", "logistics", Map.of("shipping", 2), 40, 120, null, SHIPPING, ROUTE_SHIPPING),
                intent("我没收到货", "zh", "shipping", "logistics", Map.of("shipping", 2), 40, 120, null, SHIPPING, ROUTE_SHIPPING),
                intent("我没收到快递", "zh", "shipping", "logistics", Map.of("shipping", 2), 40, 120, null, SHIPPING, ROUTE_SHIPPING),
                intent("我没收到包裹", "zh", "shipping", "logistics", Map.of("shipping", 2), 40, 120, null, SHIPPING, ROUTE_SHIPPING),
                intent("买的东西三天了还没到", "zh", "shipping", "logistics", Map.of("shipping", 2), 40, 120, null, SHIPPING, ROUTE_SHIPPING),
                intent("Where is my order? The tracking page is empty", "en", "shipping", "logistics", Map.of("shipping", 2), 40, 120, null, SHIPPING, ROUTE_SHIPPING),
                intent("空调什么时候可以上门安装", "zh", "installation", "technical", Map.of("installation", 3), 40, 180, null, INSTALLATION, ROUTE_INSTALLATION),
                intent("热水器需要维修", "zh", "installation", "technical", Map.of("installation", 3), 40, 180, null, INSTALLATION, ROUTE_INSTALLATION),
                intent("My dishwasher needs a repair", "en", "installation", "technical", Map.of("installation", 3), 40, 180, null, INSTALLATION, ROUTE_INSTALLATION),
                intent("洗衣机用了两天就坏掉", "zh", "installation", "technical", Map.of("installation", 3), 40, 180, null, INSTALLATION, ROUTE_INSTALLATION),
                intent("暖气坏了", "zh", "installation", "technical", Map.of("installation", 3), 40, 180, null, INSTALLATION, ROUTE_INSTALLATION),
                intent("煤气坏了", "zh", "installation", "technical", Map.of("installation", 3), 40, 180, null, INSTALLATION, ROUTE_INSTALLATION),
                intent("我要投诉你们的客服", "zh", "complaint", "complaints", Map.of("complaint", 4), 70, 60, "senior", COMPLAINT, ROUTE_COMPLAINT),
                intent("I want to make a complaint about your agent", "en", "complaint", "complaints", Map.of("complaint", 4), 70, 60, "senior", COMPLAINT, ROUTE_COMPLAINT),
                intent("这款羽绒服的价格是多少", "zh", "price", "sales", Map.of("sales", 2), 50, 30, null, PRICE, ROUTE_PRICE),
                intent("What is the price of the down jacket?", "en", "price", "sales", Map.of("sales", 2), 50, 30, null, PRICE, ROUTE_PRICE),
                intent("支付失败了怎么办", "zh", "payment_failed", "payments", Map.of("payment", 3), 80, 30, null, PAYMENT_FAILED, ROUTE_PAYMENT),
                intent("My payment failed at checkout", "en", "payment_failed", "payments", Map.of("payment", 3), 80, 30, null, PAYMENT_FAILED, ROUTE_PAYMENT),
                intent("请帮我开发票", "zh", "invoice", "billing", Map.of("invoice", 2), 20, 300, null, INVOICE, ROUTE_INVOICE),
                intent("我没收到发票", "zh", "invoice", "billing", Map.of("invoice", 2), 20, 300, null, INVOICE, ROUTE_INVOICE),
                intent("还没收到发票", "zh", "invoice", "billing", Map.of("invoice", 2), 20, 300, null, INVOICE, ROUTE_INVOICE),
                intent("Can you send me an invoice for order 1234?", "en", "invoice", "billing", Map.of("invoice", 2), 20, 300, null, INVOICE, ROUTE_INVOICE),
                // keywords match ignoring case and full-width/half-width differences
                intent("ＲＥＦＵＮＤ please", "en", "refund", "after-sales", Map.of("refund", 3), 50, 90, null, REFUND, ROUTE_REFUND),
                intent("PAYMENT FAILED", "en", "payment_failed", "payments", Map.of("payment", 3), 80, 30, null, PAYMENT_FAILED, ROUTE_PAYMENT));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {2} in {3}")
    @MethodSource("keywordIntents")
    void keywordsSetTheIntentAndTheRoutingSheetRoutesIt(String text, String language, String intent, String queue,
                                                         Map<String, Integer> skills, int priority, int sla, String team,
                                                         Tuple intentRule, Tuple routeRule) {
        Classification c = conversation(text).language(language).classify();

        assertPlan(c.plan(), intent, queue, skills, priority, sla, team);
        assertThat(c.plan().language()).isEqualTo(language);
        assertThat(c.plan().botFirst()).isFalse();
        assertThat(c.plan().preferredAgentId()).isNull();
        assertFiredInOrder(c, intentRule, routeRule);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            我要退款，订单一直没发货         | refund
            没发货就退款，物流也查不到        | refund
            支付失败，我要投诉              | payment_failed
            我要投诉，退款三天了还没到账       | complaint
            I want a refund, the delivery never came | refund
            发票和物流都有问题              | shipping
            没收到货，顺便开张发票            | shipping
            没收到发票，快递单号也查不到       | shipping
            Where is my order? I also need an invoice | shipping
            I want to return the jacket, the invoice is wrong | refund
            Can I return this jacket? It never shipped | refund
            要给差评，洗衣机坏掉了            | complaint
            要给差评，我要退款               | complaint
            暖气坏了，快递还没到              | shipping
            """)
    void theFirstMatchingIntentRowWinsAndOnlyOneIntentRuleFires(String text, String intent) {
        Classification c = conversation(text).language("zh").classify();

        assertThat(c.plan().intent()).isEqualTo(intent);
        assertThat(c.rulesFired()).filteredOn(r -> "intent".equals(r.stage())).hasSize(1);
        assertThat(c.rulesFired()).filteredOn(r -> "route".equals(r.stage())).hasSize(1);
    }

    @Test
    void withNoKeywordTheConversationKeepsTheDefaults() {
        Classification c = conversation("你好，在吗？").language("zh").classify();

        assertPlan(c.plan(), null, "general", Map.of(), 20, 120, null);
        assertThat(c.plan().language()).isEqualTo("zh");
        assertThat(c.plan().botFirst()).isFalse();
        assertThat(c.plan().preferredAgentId()).isNull();
        assertThat(c.rulesFired()).isEmpty();
        assertThat(c.rulesetVersion()).isEqualTo(ruleset.version());
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is an invoice question")
    @CsvSource({"我没收到发票", "还没收到发票", "发票没收到"})
    void aMissingInvoiceIsAnInvoiceQuestionNotAShippingOne(String text) {
        // Shipping is tried before Invoice, but its keywords now name what did not arrive (没收到货,
        // 没收到快递, 没收到包裹): the bare "没收到" is gone, so a missing invoice is no shipping question.
        Classification c = conversation(text).language("zh").classify();

        assertPlan(c.plan(), "invoice", "billing", Map.of("invoice", 2), 20, 300, null);
        assertFiredInOrder(c, INVOICE, ROUTE_INVOICE);
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located).doesNotContain(SHIPPING, ROUTE_SHIPPING);
    }

    @Test
    void aMissingDeliveryWithAnInvoiceRequestIsAShippingQuestion() {
        // Both rows match; Shipping is above Invoice again, so the missing goods come first.
        Classification c = conversation("没收到货，顺便开张发票").language("zh").classify();

        assertPlan(c.plan(), "shipping", "logistics", Map.of("shipping", 2), 40, 120, null);
        assertFiredInOrder(c, SHIPPING, ROUTE_SHIPPING);
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located).doesNotContain(INVOICE, ROUTE_INVOICE);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is an angry complaint")
    @CsvSource({"我被气坏了", "气坏我了", "真的被气坏了，什么态度"})
    void beingFuriousIsAnAngryComplaintNotAnInstallationQuestion(String text) {
        // These contain the Installation keyword "坏了"; "被气坏" and "气坏我" are Complaint keywords (tried
        // first) and angry wording in guards.drl.
        Classification c = conversation(text).language("zh").classify();

        assertPlan(c.plan(), "complaint", "complaints", Map.of("complaint", 4), 75, 60, "senior");
        assertThat(c.rulesFired().get(0)).extracting(DefaultPoliciesTest::located).isEqualTo(COMPLAINT);
        assertFiredInAnyOrder(c, COMPLAINT, ROUTE_COMPLAINT, ANGRY);
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located)
                .doesNotContain(INSTALLATION, ROUTE_INSTALLATION);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is a repair")
    @CsvSource({"暖气坏了", "煤气坏了", "家里暖气坏了，能派人来看看吗", "煤气坏了，需要上门维修"})
    void aBrokenHeaterOrGasSupplyIsARepairNotAnAngryComplaint(String text) {
        // "暖气坏了" and "煤气坏了" contain "气坏"; the bare "气坏" is no longer a Complaint keyword or angry wording.
        Classification c = conversation(text).language("zh").classify();

        assertPlan(c.plan(), "installation", "technical", Map.of("installation", 3), 40, 180, null);
        assertFiredInOrder(c, INSTALLATION, ROUTE_INSTALLATION);
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located)
                .doesNotContain(COMPLAINT, ROUTE_COMPLAINT, ANGRY);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is not a refund")
    @CsvSource(delimiter = '|', textBlock = """
            I'm a returning customer
            Returning customer here, hello
            I will return to this later
            """)
    void theWordReturnAloneIsNotARefund(String text) {
        Classification c = conversation(text).language("en").classify();

        assertPlan(c.plan(), null, "general", Map.of(), 20, 120, null);
        assertThat(c.rulesFired()).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is a refund")
    @CsvSource(delimiter = '|', textBlock = """
            Can I return this jacket?
            can i return these shoes
            How do I return the coat?
            How do I return an item?
            I'd like to return an order
            Hi, I'm a returning customer. Can I return this jacket?
            """)
    void askingToReturnSomethingIsARefund(String text) {
        Classification c = conversation(text).language("en").classify();

        assertPlan(c.plan(), "refund", "after-sales", Map.of("refund", 3), 50, 90, null);
        assertFiredInOrder(c, REFUND, ROUTE_REFUND);
    }

    @Test
    void aReturningCustomerAskingAboutTheirOrderIsAShippingQuestion() {
        Classification c = conversation("I'm a returning customer, where is my order?").language("en").classify();

        assertPlan(c.plan(), "shipping", "logistics", Map.of("shipping", 2), 40, 120, null);
        assertFiredInOrder(c, SHIPPING, ROUTE_SHIPPING);
    }

    // ---------------------------------------------------------------- who the customer is

    @Test
    void vipCustomersGoToTheVipDeskAtPriority90KeepingTheSkillsTheirIntentNeeds() {
        Classification c = conversation("我要退款").language("zh").tier("vip").classify();

        assertPlan(c.plan(), "refund", "vip-desk", Map.of("refund", 3), 90, 20, "vip-desk");
        assertFiredInOrder(c, REFUND, ROUTE_REFUND, VIP);
    }

    @Test
    void vipCustomersWithNoIntentStillGoToTheVipDesk() {
        Classification c = conversation("你好").language("zh").tier("vip").classify();

        assertPlan(c.plan(), null, "vip-desk", Map.of(), 90, 20, "vip-desk");
        assertFiredInOrder(c, VIP);
    }

    @ParameterizedTest(name = "VIP on channel {0} -> VIP desk")
    @CsvSource({"web", "wechat", "mini_program", "app", "email", "phone"})
    void vipCustomersOnChannelsTheVipDeskAnswersGoToTheVipDesk(String channel) {
        // "Channel not one of: marketplace, live_stream, short_video"
        Classification c = conversation("我要退款").language("zh").channel(channel).tier("vip").classify();

        assertPlan(c.plan(), "refund", "vip-desk", Map.of("refund", 3), 90, 20, "vip-desk");
        assertFiredInOrder(c, REFUND, ROUTE_REFUND, VIP);
    }

    @Test
    void theTwoVipRowsSplitTheChannelsBetweenThem() {
        Map<String, String> whoAnswers = new HashMap<>();
        for (String channel : List.of("web", "wechat", "mini_program", "app", "email", "phone",
                "marketplace", "live_stream", "short_video")) {
            Classification c = conversation("你好").language("zh").channel(channel).tier("vip").classify();
            List<Tuple> vipRows = c.rulesFired().stream().map(DefaultPoliciesTest::located)
                    .filter(t -> t.equals(VIP) || t.equals(VIP_ON_STORE_OR_COMMENTS)).toList();
            assertThat(vipRows).as(channel).hasSize(1);
            assertThat(c.plan().priority()).as(channel).isEqualTo(90);
            assertThat(c.plan().slaSeconds()).as(channel).isLessThanOrEqualTo(20);
            whoAnswers.put(channel, vipRows.get(0).equals(VIP) ? "VIP desk" : "channel's own queue and team");
        }
        assertThat(whoAnswers).containsExactlyInAnyOrderEntriesOf(Map.of(
                "web", "VIP desk", "wechat", "VIP desk", "mini_program", "VIP desk",
                "app", "VIP desk", "email", "VIP desk", "phone", "VIP desk",
                "marketplace", "channel's own queue and team", "live_stream", "channel's own queue and team",
                "short_video", "channel's own queue and team"));
    }

    @Test
    void theVipRowForStoreAndCommentChannelsSetsNoQueueAndNoTeam() {
        String desk = ruleset.ruleTexts().get("io.convrouter.rules.customers/VIP to the dedicated desk");
        String own = ruleset.ruleTexts().get(
                "io.convrouter.rules.customers/VIP on store and comment channels keeps their team at VIP priority");

        assertThat(desk).contains("Customer(tier == \"vip\")",
                "Conversation(!channelIn(\"marketplace, live_stream, short_video\"))",
                "plan.setQueue(\"vip-desk\");", "plan.setTeam(\"vip-desk\");",
                "plan.raisePriority(90);", "plan.tightenSla(20);");
        assertThat(own).contains("Customer(tier == \"vip\")",
                "Conversation(channelIn(\"marketplace, live_stream, short_video\"))",
                "plan.raisePriority(90);", "plan.tightenSla(20);");
        assertThat(own).doesNotContain("setQueue", "setTeam", "!channelIn");
    }

    @Test
    void channelInMatchesWholeChannelIdsFromACommaSeparatedList() {
        Conversation live = new Conversation("c", "live_stream", "hi", "zh", Map.of());

        assertThat(live.channelIn("marketplace, live_stream, short_video")).isTrue();
        assertThat(live.channelIn("live_stream")).isTrue();
        assertThat(live.channelIn("marketplace,short_video")).isFalse();
        assertThat(live.channelIn("live")).isFalse();
        assertThat(live.channelIn("LIVE_STREAM")).isFalse();
        assertThat(live.channelIn(null)).isFalse();
        assertThat(new Conversation("c", null, "hi", "zh", Map.of()).channelIn("web")).isFalse();
    }

    @ParameterizedTest(name = "tier {0} is not routed as a VIP")
    @CsvSource({"regular", "new"})
    void otherTiersAreNotRoutedToTheVipDesk(String tier) {
        Classification c = conversation("我要退款").language("zh").tier(tier).classify();

        assertPlan(c.plan(), "refund", "after-sales", Map.of("refund", 3), 50, 90, null);
        assertFiredInOrder(c, REFUND, ROUTE_REFUND);
    }

    @Test
    void complaintsGoToSeniorAgentsAheadOfRoutineWork() {
        Classification complaint = conversation("我要投诉").language("zh").classify();
        Classification routine = conversation("我要退款").language("zh").classify();

        assertPlan(complaint.plan(), "complaint", "complaints", Map.of("complaint", 4), 70, 60, "senior");
        assertThat(complaint.plan().priority()).isGreaterThan(routine.plan().priority());
        assertFiredInOrder(complaint, COMPLAINT, ROUTE_COMPLAINT);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
            气死我了，快递三天还没到          | shipping     | logistics
            太过分了，发货这么慢             | shipping     | logistics
            This is ridiculous, where is my order | shipping | logistics
            Worst delivery ever             | shipping     | logistics
            我被气坏了，快递一周还没到          | complaint    | complaints
            气坏我了，发货这么慢              | complaint    | complaints
            我被气坏了，我要退款              | complaint    | complaints
            你们这什么破服务                 |              | general
            """)
    void angryWordingGoesToSeniorAgentsAtPriority75WhateverTheIntent(String text, String intent, String queue) {
        Classification c = conversation(text).language("zh").classify();

        assertThat(c.plan().intent()).isEqualTo(intent);
        assertThat(c.plan().queue()).isEqualTo(queue);
        assertThat(c.plan().team()).isEqualTo("senior");
        assertThat(c.plan().priority()).isEqualTo(75);
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located).contains(ANGRY);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            Thanks!!!                      | none     | general   | 20
            谢谢！！！                       | none     | general   | 20
            快递到底什么时候到！！！           | shipping | logistics | 40
            Where is my order!!!           | shipping | logistics | 40
            """)
    void exclamationMarksAloneAreNotAngryWording(String text, String intent, String queue, int priority) {
        Classification c = conversation(text).language("zh").classify();

        assertThat(c.plan().intent()).isEqualTo(intent);
        assertThat(c.plan().queue()).isEqualTo(queue);
        assertThat(c.plan().team()).isNull();
        assertThat(c.plan().priority()).isEqualTo(priority);
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located).doesNotContain(ANGRY);
    }

    @Test
    void angryComplaintsRankAboveCalmComplaints() {
        Classification angry = conversation("太过分了，我要投诉").language("zh").classify();

        assertPlan(angry.plan(), "complaint", "complaints", Map.of("complaint", 4), 75, 60, "senior");
        assertThat(angry.plan().priority()).isGreaterThan(conversation("我要投诉").language("zh").classify().plan().priority());
        assertFiredInAnyOrder(angry, COMPLAINT, ROUTE_COMPLAINT, ANGRY);
    }

    @Test
    void paymentFailuresAreUrgent() {
        Classification c = conversation("付款失败，钱扣了订单没生成").language("zh").classify();

        assertPlan(c.plan(), "payment_failed", "payments", Map.of("payment", 3), 80, 30, null);
        assertFiredInOrder(c, PAYMENT_FAILED, ROUTE_PAYMENT);
        assertThat(c.plan().priority())
                .isGreaterThan(conversation("我要投诉").language("zh").classify().plan().priority());
    }

    @Test
    void blacklistedCustomersGoToTheBotWhateverMatchedBefore() {
        // Everything that would otherwise raise it: angry complaint, live stream, a returning customer
        // with a last agent, a VIP-sounding profile.
        Classification c = conversation("我是VIP，太过分了，我要投诉！！！").language("zh").channel("live_stream")
                .tier("blacklist").returning("a-7").tags("high_value", "vip").orderCount(120).classify();

        assertThat(c.plan().botFirst()).isTrue();
        assertThat(c.plan().queue()).isEqualTo("bot");
        assertThat(c.plan().requiredSkills()).isEmpty();
        assertThat(c.plan().priority()).isZero();
        assertThat(c.plan().team()).isNull();
        assertThat(c.plan().preferredAgentId()).isNull();
        assertThat(c.plan().intent()).isEqualTo("complaint");
        assertFiredInAnyOrder(c, COMPLAINT, ROUTE_COMPLAINT, ANGRY, LIVE_STREAM_FAST, RETURNING, BLACKLIST);
        assertThat(c.rulesFired().get(c.rulesFired().size() - 1)).extracting(DefaultPoliciesTest::located)
                .isEqualTo(BLACKLIST);
    }

    @Test
    void blacklistedCustomerWithNothingElseGoesToTheBot() {
        Classification c = conversation("你好").language("zh").tier("blacklist").classify();

        assertThat(c.plan().botFirst()).isTrue();
        assertThat(c.plan().queue()).isEqualTo("bot");
        assertThat(c.plan().requiredSkills()).isEmpty();
        assertThat(c.plan().priority()).isZero();
        assertFiredInOrder(c, BLACKLIST);
    }

    @Test
    void theBotNeedsNoSkillsSoABlacklistedCustomersPlanRequiresNone() {
        // Without clearing them, the intent's and the store's skills would stay on a plan for the bot.
        Classification c = conversation("我要退款").language("zh").channel("marketplace")
                .field("marketplace", "jd").tier("blacklist").classify();

        assertPlan(c.plan(), "refund", "bot", Map.of(), 0, 90, null);
        assertThat(c.plan().botFirst()).isTrue();
        assertThat(c.plan().preferredAgentId()).isNull();
        assertFiredInOrder(c, REFUND, ROUTE_REFUND, JD, BLACKLIST);
    }

    @Test
    void onlyBlacklistedCustomersGoToTheBot() {
        for (String tier : List.of("vip", "regular", "new")) {
            assertThat(conversation("你好").language("zh").tier(tier).classify().plan().botFirst())
                    .as(tier).isFalse();
        }
    }

    @Test
    void aReturningCustomerPrefersTheAgentWhoServedThemLast() {
        Classification c = conversation("我要退款").language("zh").returning("a-7").classify();

        assertPlan(c.plan(), "refund", "after-sales", Map.of("refund", 3), 50, 90, null);
        assertThat(c.plan().preferredAgentId()).isEqualTo("a-7");
        assertFiredInOrder(c, REFUND, ROUTE_REFUND, RETURNING);
    }

    @Test
    void noPreferredAgentWithoutAReturningCustomerAndALastAgent() {
        Classification notReturning = conversation("我要退款").language("zh")
                .customer("regular", false, "a-7").classify();
        Classification noLastAgent = conversation("我要退款").language("zh")
                .customer("regular", true, null).classify();

        assertThat(notReturning.plan().preferredAgentId()).isNull();
        assertThat(noLastAgent.plan().preferredAgentId()).isNull();
        assertFiredInOrder(notReturning, REFUND, ROUTE_REFUND);
        assertFiredInOrder(noLastAgent, REFUND, ROUTE_REFUND);
    }

    // ---------------------------------------------------------------- where they came from

    @ParameterizedTest(name = "marketplace={0} -> {1}")
    @MethodSource("marketplaces")
    void marketplaceStoreMessagesGoToTheTeamThatRunsTheStore(String marketplace, String team, String skill,
                                                             Tuple rule) {
        Classification c = conversation("你好，在吗").language("zh").channel("marketplace")
                .field("marketplace", marketplace).classify();

        assertPlan(c.plan(), null, "marketplace", Map.of(skill, 2), 40, 120, team);
        assertFiredInOrder(c, rule);
    }

    static Stream<Arguments> marketplaces() {
        return Stream.of(
                Arguments.of("tmall", "marketplace-tmall", "tmall", TMALL),
                Arguments.of("jd", "marketplace-jd", "jd", JD),
                Arguments.of("pinduoduo", "marketplace-pdd", "pinduoduo", PINDUODUO));
    }

    @Test
    void aMarketplaceRefundNeedsBothTheRefundAndTheStoreSkill() {
        Classification c = conversation("我要退款").language("zh").channel("marketplace")
                .field("marketplace", "jd").classify();

        assertPlan(c.plan(), "refund", "marketplace", Map.of("refund", 3, "jd", 2), 50, 90, "marketplace-jd");
        assertFiredInOrder(c, REFUND, ROUTE_REFUND, JD);
    }

    @ParameterizedTest(name = "VIP on marketplace={0}")
    @MethodSource("marketplaces")
    void aVipOnAMarketplaceStaysWithTheStoreTeamAtVipPriority(String marketplace, String team, String skill,
                                                              Tuple rule) {
        Classification c = conversation("你好，在吗").language("zh").channel("marketplace")
                .field("marketplace", marketplace).tier("vip").classify();

        // the VIP desk cannot answer from a store seat: the store table's queue and team stay,
        // the Customers sheet (last) raises the priority to 90 and tightens the SLA to 20 s
        assertPlan(c.plan(), null, "marketplace", Map.of(skill, 2), 90, 20, team);
        assertFiredInOrder(c, rule, VIP_ON_STORE_OR_COMMENTS);
    }

    @Test
    void aVipRefundOnTmallStaysWithTheTmallTeamAtVipPriority() {
        Classification c = conversation("我要退款").language("zh").channel("marketplace")
                .field("marketplace", "tmall").tier("vip").classify();

        assertPlan(c.plan(), "refund", "marketplace", Map.of("refund", 3, "tmall", 2), 90, 20, "marketplace-tmall");
        assertFiredInOrder(c, REFUND, ROUTE_REFUND, TMALL, VIP_ON_STORE_OR_COMMENTS);
    }

    @Test
    void aVipMissingADeliveryFromJdStaysWithTheJdTeamAtVipPriority() {
        Classification c = conversation("没收到货").language("zh").channel("marketplace")
                .field("marketplace", "jd").tier("vip").classify();

        assertPlan(c.plan(), "shipping", "marketplace", Map.of("shipping", 2, "jd", 2), 90, 20, "marketplace-jd");
        assertFiredInOrder(c, SHIPPING, ROUTE_SHIPPING, JD, VIP_ON_STORE_OR_COMMENTS);
    }

    @ParameterizedTest(name = "VIP, channel=marketplace, marketplace={0}")
    @CsvSource(nullValues = "none", value = {"none", "amazon"})
    void aVipInAStoreNoTeamRunsKeepsTheDefaultQueueAtVipPriority(String marketplace) {
        Conv conv = conversation("你好，在吗").language("zh").channel("marketplace").tier("vip");
        if (marketplace != null) {
            conv.field("marketplace", marketplace);
        }
        Classification c = conv.classify();

        // still a marketplace message, so not the VIP desk; no store team, so the default queue
        assertPlan(c.plan(), null, "general", Map.of(), 90, 20, null);
        assertFiredInOrder(c, VIP_ON_STORE_OR_COMMENTS);
    }

    @ParameterizedTest(name = "channel={0}, marketplace={1}")
    @CsvSource(nullValues = "none", value = {
            "marketplace, none",    // no store named
            "marketplace, amazon",  // a store no team runs
            "marketplace, TMALL",   // store ids are exact
            "web,         tmall",   // the field alone does not make it a marketplace message
    })
    void marketplaceRoutingNeedsTheMarketplaceChannelAndAKnownStore(String channel, String marketplace) {
        Conv conv = conversation("你好，在吗").language("zh").channel(channel);
        if (marketplace != null) {
            conv.field("marketplace", marketplace);
        }
        Classification c = conv.classify();

        assertPlan(c.plan(), null, "general", Map.of(), 20, 120, null);
        assertThat(c.rulesFired()).isEmpty();
    }

    @Test
    void aNewCampaignVisitorAskingAboutPriceGoesToSales() {
        Classification c = conversation("这件羽绒服多少钱").language("zh").tier("new")
                .entry("double11", "/help/size", "apparel").classify();

        assertPlan(c.plan(), "price", "sales", Map.of("sales", 2), 60, 30, "sales");
        assertFiredInOrder(c, PRICE, ROUTE_PRICE, CAMPAIGN_PRICE);
    }

    @Test
    void aNewCampaignVisitorOnAProductPageGoesToSalesEvenWithoutAnIntent() {
        Classification c = conversation("你好，在吗").language("zh").tier("new")
                .entry("double11", "/product/down-jacket", "apparel").classify();

        assertPlan(c.plan(), null, "sales", Map.of("sales", 2), 60, 120, "sales");
        assertFiredInOrder(c, CAMPAIGN_PRODUCT_PAGE);
    }

    @ParameterizedTest(name = "[{index}] tier={0} campaign={1} page={2} text={3}")
    @CsvSource(nullValues = "none", value = {
            "regular, double11, /product/down-jacket, 你好",  // not a new visitor
            "vip,     double11, /product/down-jacket, 你好",
            "new,     none,     /product/down-jacket, 你好",  // no campaign
            "new,     '',       /product/down-jacket, 你好",  // blank campaign
            "new,     double11, /help/returns,        你好",  // not a product page
            "new,     double11, none,                 你好",  // no landing page
    })
    void productPagesGoToSalesOnlyForNewVisitorsFromACampaign(String tier, String campaign, String page,
                                                              String text) {
        Classification c = conversation(text).language("zh").tier(tier).entry(campaign, page, null).classify();

        assertThat(c.plan().team()).isNotEqualTo("sales");
        assertThat(c.plan().queue()).isNotEqualTo("sales");
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located)
                .doesNotContain(CAMPAIGN_PRODUCT_PAGE, CAMPAIGN_PRICE);
    }

    @Test
    void aPriceQuestionWithoutACampaignGoesToTheSalesQueueButNotTheSalesTeam() {
        Classification c = conversation("这件羽绒服多少钱").language("zh").tier("new").classify();

        assertPlan(c.plan(), "price", "sales", Map.of("sales", 2), 50, 30, null);
        assertFiredInOrder(c, PRICE, ROUTE_PRICE);
    }

    @Test
    void aNewCampaignVisitorWithAnotherIntentKeepsThatIntentsRoute() {
        Classification c = conversation("我要退款").language("zh").tier("new")
                .entry("double11", "/product/down-jacket", "apparel").classify();

        assertPlan(c.plan(), "refund", "after-sales", Map.of("refund", 3), 50, 90, null);
        assertFiredInOrder(c, REFUND, ROUTE_REFUND);
    }

    @Test
    void liveStreamCommentsAreAnsweredFastInTheSocialQueue() {
        Classification c = conversation("主播身上这件好看").language("zh").channel("live_stream").classify();

        assertPlan(c.plan(), null, "social", Map.of("general", 1), 60, 15, null);
        assertFiredInAnyOrder(c, LIVE_STREAM_FAST, LIVE_STREAM_SOCIAL);
    }

    @Test
    void shortVideoCommentsAreAnsweredFastInTheSocialQueue() {
        Classification c = conversation("求链接").language("zh").channel("short_video").classify();

        assertPlan(c.plan(), null, "social", Map.of("general", 1), 55, 20, null);
        assertFiredInAnyOrder(c, SHORT_VIDEO_FAST, SHORT_VIDEO_SOCIAL);
    }

    @Test
    void aLiveStreamQuestionWithAnIntentKeepsItsQueueButIsAnsweredFaster() {
        Classification c = conversation("主播，这件多少钱").language("zh").channel("live_stream").classify();

        // sales queue from the Routing sheet, priority raised from 50 to 60, SLA tightened from 30 to 15
        assertPlan(c.plan(), "price", "sales", Map.of("sales", 2), 60, 15, null);
        assertFiredInOrder(c, PRICE, ROUTE_PRICE, LIVE_STREAM_FAST);
    }

    @Test
    void aVipOnALiveStreamStaysInTheSocialQueueAtVipPriority() {
        Classification c = conversation("主播身上这件好看").language("zh").channel("live_stream").tier("vip").classify();

        // priority 60 raised to 90; the live stream's 15 s SLA is tighter than the VIP 20 s and stays
        assertPlan(c.plan(), null, "social", Map.of("general", 1), 90, 15, null);
        assertFiredInAnyOrder(c, LIVE_STREAM_FAST, LIVE_STREAM_SOCIAL, VIP_ON_STORE_OR_COMMENTS);
        assertThat(c.rulesFired().get(c.rulesFired().size() - 1)).extracting(DefaultPoliciesTest::located)
                .isEqualTo(VIP_ON_STORE_OR_COMMENTS);
    }

    @Test
    void aVipOnAShortVideoStaysInTheSocialQueueAtVipPriority() {
        Classification c = conversation("求链接").language("zh").channel("short_video").tier("vip").classify();

        // priority 55 raised to 90; both SLA targets are 20 s
        assertPlan(c.plan(), null, "social", Map.of("general", 1), 90, 20, null);
        assertFiredInAnyOrder(c, SHORT_VIDEO_FAST, SHORT_VIDEO_SOCIAL, VIP_ON_STORE_OR_COMMENTS);
        assertThat(c.rulesFired().get(c.rulesFired().size() - 1)).extracting(DefaultPoliciesTest::located)
                .isEqualTo(VIP_ON_STORE_OR_COMMENTS);
    }

    @Test
    void aVipAskingAboutPriceOnALiveStreamKeepsTheSalesQueueAtVipPriority() {
        Classification c = conversation("主播，这件多少钱").language("zh").channel("live_stream").tier("vip").classify();

        assertPlan(c.plan(), "price", "sales", Map.of("sales", 2), 90, 15, null);
        assertFiredInOrder(c, PRICE, ROUTE_PRICE, LIVE_STREAM_FAST, VIP_ON_STORE_OR_COMMENTS);
    }

    @Test
    void aVipComplaintOnALiveStreamStaysWithSeniorAgentsAtVipPriority() {
        Classification c = conversation("我要投诉").language("zh").channel("live_stream").tier("vip").classify();

        assertPlan(c.plan(), "complaint", "complaints", Map.of("complaint", 4), 90, 15, "senior");
        assertFiredInOrder(c, COMPLAINT, ROUTE_COMPLAINT, LIVE_STREAM_FAST, VIP_ON_STORE_OR_COMMENTS);
    }

    @Test
    void aNewCampaignVisitorAskingAboutPriceOnALiveStreamGoesToSales() {
        Classification c = conversation("主播，这件多少钱").language("zh").channel("live_stream").tier("new")
                .entry("double11", "/live/double11", "apparel").classify();

        assertPlan(c.plan(), "price", "sales", Map.of("sales", 2), 60, 15, "sales");
        assertFiredInOrder(c, PRICE, ROUTE_PRICE, LIVE_STREAM_FAST, CAMPAIGN_PRICE);
    }

    @Test
    void aNewCampaignVisitorFromAProductPageOnALiveStreamGoesToSalesNotTheSocialQueue() {
        Classification c = conversation("主播身上这件好看").language("zh").channel("live_stream").tier("new")
                .entry("double11", "/product/down-jacket", "apparel").classify();

        // the social queue's skill stays next to the sales one; skills are only ever added
        assertPlan(c.plan(), null, "sales", Map.of("general", 1, "sales", 2), 60, 15, "sales");
        assertFiredInAnyOrder(c, LIVE_STREAM_FAST, LIVE_STREAM_SOCIAL, CAMPAIGN_PRODUCT_PAGE);
        assertThat(c.rulesFired().get(c.rulesFired().size() - 1)).extracting(DefaultPoliciesTest::located)
                .isEqualTo(CAMPAIGN_PRODUCT_PAGE);
    }

    @Test
    void theCustomersSheetRunsAfterEveryOtherAdjustRule() {
        // A Channels row and both DRL adjust rules (returning customer, language) fire first, the VIP row last.
        Classification c = conversation("How much is this coat?").language(null).channel("live_stream")
                .tier("vip").returning("a-7").classify();

        assertPlan(c.plan(), "price", "sales", Map.of("sales", 2), 90, 15, null);
        assertThat(c.plan().preferredAgentId()).isEqualTo("a-7");
        assertThat(c.plan().language()).isEqualTo("en");
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located).startsWith(PRICE, ROUTE_PRICE)
                .endsWith(VIP_ON_STORE_OR_COMMENTS);
        assertFiredInAnyOrder(c, PRICE, ROUTE_PRICE, LIVE_STREAM_FAST, RETURNING, LATIN_IS_ENGLISH,
                VIP_ON_STORE_OR_COMMENTS);
    }

    @Test
    void aReturningVipOnTheWebGoesToTheVipDeskAndStillPrefersTheirLastAgent() {
        Classification c = conversation("How much is this coat?").language(null).channel("web")
                .tier("vip").returning("a-7").classify();

        assertPlan(c.plan(), "price", "vip-desk", Map.of("sales", 2), 90, 20, "vip-desk");
        assertThat(c.plan().preferredAgentId()).isEqualTo("a-7");
        assertThat(c.plan().language()).isEqualTo("en");
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located).startsWith(PRICE, ROUTE_PRICE).endsWith(VIP);
        assertFiredInAnyOrder(c, PRICE, ROUTE_PRICE, RETURNING, LATIN_IS_ENGLISH, VIP);
    }

    @ParameterizedTest(name = "channel {0} keeps the defaults")
    @CsvSource({"web", "wechat", "mini_program", "app", "email", "phone"})
    void otherChannelsKeepTheDefaults(String channel) {
        Classification c = conversation("你好").language("zh").channel(channel).classify();

        assertPlan(c.plan(), null, "general", Map.of(), 20, 120, null);
        assertThat(c.rulesFired()).isEmpty();
    }

    // ---------------------------------------------------------------- language

    @Test
    void englishTextWithoutALanguageIsServedInEnglish() {
        Classification c = conversation("I would like a refund please").language(null).classify();

        assertThat(c.plan().language()).isEqualTo("en");
        assertPlan(c.plan(), "refund", "after-sales", Map.of("refund", 3), 50, 90, null);
        assertFiredInOrder(c, REFUND, ROUTE_REFUND, LATIN_IS_ENGLISH);
    }

    @Test
    void englishTextWithNoIntentAndNoLanguageIsStillServedInEnglish() {
        Classification c = conversation("Hello, is anyone there?").language(null).classify();

        assertThat(c.plan().language()).isEqualTo("en");
        assertPlan(c.plan(), null, "general", Map.of(), 20, 120, null);
        assertFiredInOrder(c, LATIN_IS_ENGLISH);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" with language {1} -> {2}")
    @CsvSource(nullValues = "none", value = {
            "Hello there,        zh,   zh",    // the language the integration sent wins
            "Hello there,        fr,   fr",
            "你好，在吗,           none, none",  // Chinese text: no rule decides, intake applies the default
            "我的 order 在哪里,     none, none",  // mixed script is not English
            "12345,              none, none",  // no letters at all
    })
    void onlyLatinTextWithNoLanguageIsMadeEnglish(String text, String language, String expected) {
        Classification c = conversation(text).language(language).classify();

        assertThat(c.plan().language()).isEqualTo(expected);
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located).doesNotContain(LATIN_IS_ENGLISH);
    }

    @Test
    void theRulesetVersionIsRecordedWithEachClassification() {
        Classification c = conversation("我要退款").language("zh").classify();

        assertThat(c.rulesetVersion()).isEqualTo(ruleset.version());
    }

    // ---------------------------------------------------------------- helpers

    private static void assertPlan(Classification.Plan plan, String intent, String queue, Map<String, Integer> skills,
                                   int priority, int sla, String team) {
        assertThat(plan.intent()).as("intent").isEqualTo(intent);
        assertThat(plan.queue()).as("queue").isEqualTo(queue);
        assertThat(plan.requiredSkills()).as("required skills").isEqualTo(skills);
        assertThat(plan.priority()).as("priority").isEqualTo(priority);
        assertThat(plan.slaSeconds()).as("SLA seconds").isEqualTo(sla);
        assertThat(plan.team()).as("team").isEqualTo(team);
    }

    /** The rules that fired, in firing order, each as (name, stage, file, sheet, row, line). */
    private static void assertFiredInOrder(Classification c, Tuple... expected) {
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located).containsExactly(expected);
    }

    /** For rules of one stage whose relative order no policy promises. */
    private static void assertFiredInAnyOrder(Classification c, Tuple... expected) {
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located).containsExactlyInAnyOrder(expected);
    }

    private static Tuple located(FiredRule r) {
        return tuple(r.name(), r.stage(), r.source(), r.sheet(), r.row(), r.line());
    }

    private static Tuple table(String name, String stage, String sheet, int row) {
        return tuple(name, stage, XLSX, sheet, row, null);
    }

    private static Tuple csv(String name, int row) {
        return tuple(name, "adjust", CSV, null, row, null);
    }

    private static Tuple drl(String name, String stage, int line) {
        return tuple(name, stage, DRL, null, null, line);
    }

    private static Arguments intent(String text, String language, String intent, String queue,
                                    Map<String, Integer> skills, int priority, int sla, String team,
                                    Tuple intentRule, Tuple routeRule) {
        return Arguments.of(text, language, intent, queue, skills, priority, sla, team, intentRule, routeRule);
    }

    static Conv conversation(String text) {
        return new Conv(text);
    }

    /**
     * One conversation's facts, built the way intake builds them: the plan starts from the
     * workbench defaults (queue general, priority 20, SLA 120 s) with the request's language.
     */
    // ---------------------------------------------------------------- the customer's history

    /** "Now" for history facts: the conversation being classified arrives at this instant. */
    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    static CustomerHistory.Past past(String intent, Duration ago, String agentId, String outcome) {
        return new CustomerHistory.Past("past-" + intent + "-" + ago.toMinutes(), NOW.minus(ago), intent, "q", agentId,
                outcome, null);
    }

    @Test
    void anUnresolvedRepeatGoesBackToItsAgentAtRaisedPriority() {
        Classification routine = conversation("我要退款").language("zh").classify();
        Classification repeat = conversation("我要退款").language("zh")
                .history(past("refund", Duration.ofDays(2), "a-3", "unresolved"),
                        past("shipping", Duration.ofHours(5), "a-9", "resolved"))
                .classify();

        assertThat(repeat.plan().preferredAgentId()).as("the agent who had the refund, not the last agent").isEqualTo("a-3");
        assertThat(repeat.plan().priority()).isGreaterThanOrEqualTo(70).isGreaterThan(routine.plan().priority());
        assertThat(repeat.plan().queue()).isEqualTo(routine.plan().queue());
        assertFiredInOrder(repeat, REFUND, ROUTE_REFUND, UNRESOLVED_REPEAT);
    }

    @Test
    void aRepeatOfAnIssueThatWasAbandonedAlsoGoesBackToItsAgent() {
        Classification c = conversation("我要退款").language("zh")
                .history(past("refund", Duration.ofDays(3), "a-3", "abandoned")).classify();

        assertThat(c.plan().preferredAgentId()).isEqualTo("a-3");
        assertFiredInAnyOrder(c, REFUND, ROUTE_REFUND, UNRESOLVED_REPEAT);
    }

    static Stream<Arguments> notAnUnresolvedRepeat() {
        return Stream.of(
                Arguments.of("resolved last time", past("refund", Duration.ofDays(2), "a-3", "resolved")),
                Arguments.of("converted last time", past("refund", Duration.ofDays(2), "a-3", "converted")),
                Arguments.of("still open", past("refund", Duration.ofDays(2), "a-3", null)),
                Arguments.of("older than 7 days", past("refund", Duration.ofDays(8), "a-3", "unresolved")),
                Arguments.of("about something else", past("shipping", Duration.ofDays(1), "a-3", "unresolved")),
                Arguments.of("nobody served it", past("refund", Duration.ofDays(1), null, "unresolved")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notAnUnresolvedRepeat")
    void otherHistoryDoesNotSendTheConversationBack(String why, CustomerHistory.Past earlier) {
        Classification c = conversation("我要退款").language("zh").history(earlier).classify();

        assertThat(c.plan().preferredAgentId()).isNull();
        assertFiredInOrder(c, REFUND, ROUTE_REFUND);
    }

    @Test
    void anUnresolvedRepeatsAgentWinsOverTheReturningCustomersLastAgent() {
        // Both rules set the preferred agent in stage adjust; the repeat rule's lower salience
        // makes it fire last, so the outcome does not depend on the engine's order.
        Classification c = conversation("我要退款").language("zh").returning("a-9")
                .history(past("refund", Duration.ofDays(2), "a-3", "unresolved")).classify();

        assertThat(c.plan().preferredAgentId()).isEqualTo("a-3");
        assertFiredInOrder(c, REFUND, ROUTE_REFUND, RETURNING, UNRESOLVED_REPEAT);
    }

    @Test
    void aRecentComplainerWritingInAStoreGoesToSeniorAgentsNotTheStoreTeam() {
        Classification c = conversation("我要退款").language("zh").channel("marketplace").field("marketplace", "jd")
                .history(past("complaint", Duration.ofDays(2), "a-1", "resolved")).classify();

        assertThat(c.plan().team()).isEqualTo("senior");
        assertThat(c.plan().queue()).isEqualTo("marketplace");
        assertFiredInOrder(c, REFUND, ROUTE_REFUND, JD, RECENT_COMPLAINT);
    }

    @Test
    void aVipWhoComplainedThisWeekStillGoesToTheVipDesksTeam() {
        // The Customers sheet (salience -10 and below) fires after the complaint rule (-5).
        Classification c = conversation("我要退款").language("zh").tier("vip")
                .history(past("complaint", Duration.ofDays(2), "a-1", "resolved")).classify();

        assertThat(c.plan().queue()).isEqualTo("vip-desk");
        assertThat(c.plan().team()).isEqualTo("vip-desk");
        assertThat(c.plan().priority()).isEqualTo(90);
    }

    @Test
    void aCustomerWhoAbandonedInTheLastDayIsNotMadeToWaitBehindRoutineWork() {
        Classification routine = conversation("快递到哪了").language("zh").classify();
        Classification abandonedYesterday = conversation("快递到哪了").language("zh")
                .history(past("shipping", Duration.ofHours(20), null, "abandoned")).classify();
        Classification abandonedLastWeek = conversation("快递到哪了").language("zh")
                .history(past("shipping", Duration.ofDays(5), null, "abandoned")).classify();

        assertThat(routine.plan().priority()).isLessThan(60);
        assertThat(abandonedYesterday.plan().priority()).isGreaterThanOrEqualTo(60);
        assertFiredInAnyOrder(abandonedYesterday, SHIPPING, ROUTE_SHIPPING, RECENTLY_ABANDONED);
        assertThat(abandonedLastWeek.plan().priority()).isEqualTo(routine.plan().priority());
        assertFiredInOrder(abandonedLastWeek, SHIPPING, ROUTE_SHIPPING);
    }

    @Test
    void aCustomerWhoComplainedThisWeekGoesToSeniorAgents() {
        Classification c = conversation("快递到哪了").language("zh")
                .history(past("complaint", Duration.ofDays(4), "a-1", "resolved")).classify();
        Classification monthAgo = conversation("快递到哪了").language("zh")
                .history(past("complaint", Duration.ofDays(30), "a-1", "resolved")).classify();

        assertThat(c.plan().team()).isEqualTo("senior");
        assertThat(c.plan().priority()).isGreaterThanOrEqualTo(65);
        assertThat(c.plan().queue()).as("stays in its queue, served by its senior agents").isEqualTo("logistics");
        assertFiredInAnyOrder(c, SHIPPING, ROUTE_SHIPPING, RECENT_COMPLAINT);
        assertThat(monthAgo.plan().team()).isNull();
        assertFiredInOrder(monthAgo, SHIPPING, ROUTE_SHIPPING);
    }

    @Test
    void aVipsHistoryRaisesNothingBelowTheVipPriority() {
        Classification c = conversation("我要退款").language("zh").tier("vip")
                .history(past("shipping", Duration.ofHours(3), null, "abandoned")).classify();

        assertThat(c.plan().priority()).isEqualTo(conversation("我要退款").language("zh").tier("vip").classify()
                .plan().priority());
    }

    // ---------------------------------------------------------------- comment floods

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"666,live_stream", "哈哈哈,live_stream", "打卡,short_video", "👍👍👍,live_stream", "!!!,short_video",
            "'  6666 ',live_stream", "Hello,short_video"})
    void commentsThatAskNothingAreDropped(String text, String channel) {
        Classification c = conversation(text).language("zh").channel(channel).classify();

        assertThat(c.plan().dropped()).isTrue();
        assertThat(c.plan().requiredSkills()).isEmpty();
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located).contains(COMMENT_NOISE);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"666,web", "666,wechat", "主播这件多少钱,live_stream", "666 怎么退款,short_video", "求链接,short_video"})
    void questionsAndOtherChannelsAreNotDropped(String text, String channel) {
        Classification c = conversation(text).language("zh").channel(channel).classify();

        assertThat(c.plan().dropped()).isFalse();
        assertThat(c.rulesFired()).extracting(DefaultPoliciesTest::located).doesNotContain(COMMENT_NOISE);
    }

    static final class Conv {
        private final String text;
        private String channel = "web";
        private String language = "zh";
        private String tier = "regular";
        private boolean returning;
        private String lastAgentId;
        private int orderCount;
        private Set<String> tags = Set.of();
        private String campaign;
        private String landingPage;
        private String businessLine;
        private final Map<String, String> fields = new HashMap<>();
        private CustomerHistory history;

        Conv(String text) {
            this.text = text;
        }

        Conv channel(String channel) { this.channel = channel; return this; }
        Conv language(String language) { this.language = language; return this; }
        Conv tier(String tier) { this.tier = tier; return this; }
        Conv returning(String lastAgentId) { return customer(tier, true, lastAgentId); }
        Conv orderCount(int orderCount) { this.orderCount = orderCount; return this; }
        Conv tags(String... tags) { this.tags = Set.of(tags); return this; }
        Conv field(String name, String value) { fields.put(name, value); return this; }

        /** The customer's past conversations, as intake reads them from the history store, seen at {@link #NOW}. */
        Conv history(CustomerHistory.Past... past) { this.history = new CustomerHistory(List.of(past), NOW); return this; }

        Conv customer(String tier, boolean returning, String lastAgentId) {
            this.tier = tier;
            this.returning = returning;
            this.lastAgentId = lastAgentId;
            return this;
        }

        Conv entry(String campaign, String landingPage, String businessLine) {
            this.campaign = campaign;
            this.landingPage = landingPage;
            this.businessLine = businessLine;
            return this;
        }

        Classification classify() {
            List<Object> facts = new ArrayList<>(List.of(new Conversation("conv-1", channel, text, language, fields),
                    new Customer("c-42", tier, returning, lastAgentId, orderCount, tags),
                    new Entry(campaign, landingPage, businessLine)));
            if (history != null) {
                facts.add(history);
            }
            return classifier.classify(ruleset, new RoutingPlan("general", 20, 120, language), facts.toArray());
        }
    }
}
