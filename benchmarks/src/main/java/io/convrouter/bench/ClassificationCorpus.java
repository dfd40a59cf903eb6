package io.convrouter.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.facts.BotHandoff;
import io.convrouter.classify.facts.CustomerHistory;

/**
 * Seeded conversations for comparing the Drools policies with {@link HandCodedClassifier}: every
 * channel, intent keywords in Chinese and English (some full-width or upper case), angry wording,
 * comment noise, no language, every tier, returning customers, campaigns and landing pages,
 * marketplace stores, bot handoffs, and customer histories (repeats, unresolved, abandoned,
 * complaints, at various ages). Most combinations are ones no scenario file lists, which is why
 * the comparison uses them.
 */
public final class ClassificationCorpus {
    public static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    private static final String[] CHANNELS = {"web", "wechat", "app", "email", "mini_program", "phone", "marketplace",
        "live_stream", "short_video"};
    private static final String[] TEXTS = {
        "我要退款，订单一直没发货", "Where is my order? The tracking has not moved", "支付失败了，扣款两次",
        "我要投诉你们的客服，太差劲了", "这个能便宜点吗", "主播这件多少钱", "Please send me the invoice for order 1234",
        "hello", "666", "空调坏了，需要上门维修", "ＲＥＦＵＮＤ please", "Can I return this jacket?", "发票怎么开",
        "物流到哪了", "Card declined when I paid", "This is the WORST service, I am furious", "气死我了，什么破东西",
        "👍👍👍", "!!!", "哈哈哈", " 好的 ", "nice", "6666 主播好美", "价格多少", "how much is the coat", "",
        "我想问一下", "What are your opening hours?", "退货退款，太过分了", "the parcel is broken, I want a repair",
        "打卡", "Ｈｅｌｌｏ", "我要举报骗子", "payment failed twice, this is ridiculous", "优惠券怎么用",
        "こんにちは", "안녕하세요 refund", "quote for 100 units", "还没到货"};
    private static final String[] LANGUAGES = {null, null, "zh", "en"};
    private static final String[] TIERS = {"regular", "regular", "new", "vip", "blacklist", null};
    private static final String[] CAMPAIGNS = {null, null, "double11", " ", "live0611"};
    private static final String[] PAGES = {null, "/product/down-jacket", "/item/42", "/sale", "/home", "/help"};
    private static final String[] STORES = {null, "tmall", "jd", "pinduoduo", "taobao"};
    private static final String[] INTENTS = {"refund", "shipping", "complaint", "price", "payment_failed", "invoice",
        "installation", "general", null};
    private static final String[] OUTCOMES = {"resolved", "unresolved", "abandoned", "converted", null};

    private ClassificationCorpus() {}

    /** {@code size} inputs from {@code seed}; the same seed always gives the same inputs. */
    public static List<RoutingInput> generate(long seed, int size) {
        Random r = new Random(seed);
        List<RoutingInput> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String channel = pick(r, CHANNELS);
            String tier = pick(r, TIERS);
            boolean returning = r.nextInt(3) == 0;
            String lastAgent = returning && r.nextBoolean() ? "a-" + r.nextInt(5) : null;
            Map<String, String> fields = Map.of();
            String store = pick(r, STORES);
            if (store != null && (channel.equals("marketplace") || r.nextInt(10) == 0)) {
                fields = Map.of("marketplace", store);
            }
            RoutingInput in = new RoutingInput("c-" + i, channel, pick(r, TEXTS), pick(r, LANGUAGES), "cust-" + r.nextInt(50),
                    tier, returning, lastAgent, r.nextInt(20), r.nextInt(5) == 0 ? Set.of("high_value") : Set.of(),
                    pick(r, CAMPAIGNS), pick(r, PAGES), r.nextBoolean() ? "apparel" : null, fields);
            if (r.nextInt(6) == 0) {
                double confidence = new double[] {0.3, 0.6, 0.95}[r.nextInt(3)];
                in = in.withHandoff(new BotHandoff(pick(r, INTENTS), confidence, "asked for a human", "summary"));
            }
            if (r.nextInt(3) > 0) {
                in = in.withHistory(history(r));
            }
            list.add(in);
        }
        return list;
    }

    /** Zero to five past conversations over the last ten days, some by the same agents. */
    private static CustomerHistory history(Random r) {
        List<CustomerHistory.Past> past = new ArrayList<>();
        int n = r.nextInt(6);
        for (int k = 0; k < n; k++) {
            Instant at = NOW.minusSeconds(r.nextInt(10 * 24 * 3600));
            past.add(new CustomerHistory.Past("p-" + k, at, pick(r, INTENTS), "general",
                    r.nextInt(4) == 0 ? null : "a-" + r.nextInt(8), pick(r, OUTCOMES),
                    r.nextBoolean() ? null : 1 + r.nextInt(5)));
        }
        return new CustomerHistory(past, NOW);
    }

    private static <T> T pick(Random r, T[] values) {
        return values[r.nextInt(values.length)];
    }
}
