package io.convrouter.bench;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.convrouter.classify.Classification;
import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.facts.BotHandoff;
import io.convrouter.classify.facts.CustomerHistory;

/**
 * The default policies in {@code rules/} ({@code routing.drl.xlsx}, {@code marketplace.drl.csv},
 * {@code guards.drl}) written by hand in plain Java: the yardstick for what Drools costs. It makes
 * the same decisions as the rules for the same input (checked against Drools on a generated corpus
 * at benchmark start and in {@code HandCodedClassifierTest}), in the same four stages, with the
 * same text matching (NFKC, lower case, keyword lists split on {@code , ， 、}). It is a copy of the
 * policies as of this commit: when ops edit the tables, this class does not follow, which is the
 * point of keeping them in Drools.
 *
 * <p>Where two rules of one stage write the same field with the same salience, Drools fires them
 * in an order the engine fixes (the marketplace table before {@code guards.drl}; within
 * {@code guards.drl}, top to bottom); the order below is the one the check found.
 */
public final class HandCodedClassifier {

    /** Intents sheet: the first matching row wins. */
    private record IntentRow(String intent, String[] keywords) {}

    private static final IntentRow[] INTENTS = {
        row("payment_failed", "支付失败, 付款失败, 扣款失败, 支付不成功, 付不了款, 重复扣款, payment failed, payment failure, card declined, charged twice"),
        row("complaint", "投诉, 差评, 举报, 骗子, 欺诈, 太差劲, 被气坏, 气坏我, complaint, complain, scam, fraud, unacceptable"),
        row("refund", "退款, 退货, 退钱, 退换, refund, money back, return it, return the, return my, return this, return an item, return an order, how do i return, can i return, send it back"),
        row("shipping", "发货, 物流, 快递, 配送, 没收到货, 没收到快递, 没收到包裹, 还没收到货, 东西还没收到, 货还没收到, 还没到, 到货, 运单, shipping, delivery, shipped, tracking, courier, where is my order"),
        row("invoice", "发票, 开票, 收据, invoice, receipt"),
        row("installation", "安装, 维修, 修理, 坏了, 坏掉, 故障, 上门, install, repair, broken, not working"),
        row("price", "价格, 多少钱, 优惠, 折扣, 便宜, 报价, 促销, 优惠券, price, how much, discount, coupon, quote"),
    };

    private static final String[] ANGRY = keywords("气死, 被气坏, 气坏我, 愤怒, 太过分, 垃圾, 再也不买, 忍无可忍, 什么破, angry, furious, ridiculous, worst, terrible");

    private static final String[] NOISE = keywords("666, 6666, 66666, 哈哈, 哈哈哈, 哈哈哈哈, 好, 好的, 来了, 打卡, 赞, 牛, 支持, 顶, 冲, 1, 11, 111, hi, hello, nice, lol, wow");

    private static final String[] LANDING_PAGES = {"/product", "/item", "/sale"};

    private static IntentRow row(String intent, String list) {
        return new IntentRow(intent, keywords(list));
    }

    private static String[] keywords(String list) {
        return Arrays.stream(list.split("[,，、]")).map(k -> normalize(k.strip())).filter(k -> !k.isEmpty())
                .toArray(String[]::new);
    }

    private static String normalize(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    private static boolean mentions(String normalizedText, String[] keywords) {
        for (String k : keywords) {
            if (normalizedText.contains(k)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isStoreOrComment(String channel) {
        return "marketplace".equals(channel) || "live_stream".equals(channel) || "short_video".equals(channel);
    }

    /** The plan the default rules give this input, starting from the workbench defaults. */
    public Classification.Plan classify(RoutingInput in, RoutingInput.Defaults defaults) {
        String text = in.text() == null ? "" : in.text();
        String normalized = normalize(text);
        String channel = in.channel();
        String tier = in.tier();

        String intent = null;
        String queue = defaults.queue();
        Map<String, Integer> skills = new LinkedHashMap<>();
        String language = in.language();
        String team = null;
        int priority = clamp(defaults.priority());
        int sla = defaults.slaSeconds();
        boolean botFirst = false;
        boolean dropped = false;
        String preferred = null;

        // Stage 1, intent: a confident bot handoff, else the first keyword row that matches.
        BotHandoff handoff = in.handoff();
        if (handoff != null && handoff.getIntent() != null && handoff.getConfidence() >= 0.6) {
            intent = handoff.getIntent();
        } else {
            for (IntentRow r : INTENTS) {
                if (mentions(normalized, r.keywords())) {
                    intent = r.intent();
                    break;
                }
            }
        }

        // Stage 2, route: by intent, then angry wording.
        if (intent != null) {
            switch (intent) {
                case "payment_failed" -> { queue = "payments"; skills.merge("payment", 3, Math::max); priority = Math.max(priority, 80); sla = 30; }
                case "complaint" -> { queue = "complaints"; skills.merge("complaint", 4, Math::max); priority = Math.max(priority, 70); sla = 60; team = "senior"; }
                case "refund" -> { queue = "after-sales"; skills.merge("refund", 3, Math::max); priority = Math.max(priority, 50); sla = 90; }
                case "shipping" -> { queue = "logistics"; skills.merge("shipping", 2, Math::max); priority = Math.max(priority, 40); sla = 120; }
                case "installation" -> { queue = "technical"; skills.merge("installation", 3, Math::max); priority = Math.max(priority, 40); sla = 180; }
                case "invoice" -> { queue = "billing"; skills.merge("invoice", 2, Math::max); priority = Math.max(priority, 20); sla = 300; }
                case "price" -> { queue = "sales"; skills.merge("sales", 2, Math::max); priority = Math.max(priority, 50); sla = 30; }
                default -> { }
            }
        }
        if (mentions(normalized, ANGRY)) {
            team = "senior";
            priority = Math.max(priority, 75);
        }

        // Stage 3, adjust: store and channel, then the guards (last agent, language, history), then who
        // the customer is. A recent complaint's "senior" overrides a store's team, and an unresolved
        // repeat's agent overrides the customer's last agent, because Drools fires them in that order.
        if ("marketplace".equals(channel)) {
            String store = in.fields() == null ? null : in.fields().get("marketplace");
            if ("tmall".equals(store) || "jd".equals(store) || "pinduoduo".equals(store)) {
                queue = "marketplace";
                team = "marketplace-" + ("pinduoduo".equals(store) ? "pdd" : store);
                skills.merge(store, 2, Math::max);
                priority = Math.max(priority, 40);
            }
        }
        if ("live_stream".equals(channel) || "short_video".equals(channel)) {
            boolean live = "live_stream".equals(channel);
            priority = Math.max(priority, live ? 60 : 55);
            sla = tighten(sla, live ? 15 : 20);
            if (intent == null || "general".equals(intent)) {
                queue = "social";
                skills.merge("general", 1, Math::max);
            }
        }
        if (language == null && isLatinText(text)) {
            language = "en";
        }
        if (in.returning() && in.lastAgentId() != null) {
            preferred = in.lastAgentId();
        }
        CustomerHistory history = in.history();
        if (history != null) {
            if (intent != null && history.unresolvedIntentWithinDays(intent, 7) && history.lastAgentFor(intent) != null) {
                preferred = history.lastAgentFor(intent);
                priority = Math.max(priority, 70);
            }
            if (history.abandonedWithinHours(24)) {
                priority = Math.max(priority, 60);
            }
            if (history.complaintsWithinDays(7) > 0) {
                team = "senior";
                priority = Math.max(priority, 65);
            }
        }
        // Customers sheet, last in the stage, every matching row top to bottom.
        boolean campaign = in.campaign() != null && !in.campaign().isBlank();
        if ("vip".equals(tier)) {
            if (!isStoreOrComment(channel)) {
                queue = "vip-desk";
                team = "vip-desk";
            }
            priority = Math.max(priority, 90);
            sla = tighten(sla, 20);
        }
        if ("new".equals(tier) && campaign && "price".equals(intent)) {
            queue = "sales";
            team = "sales";
            priority = Math.max(priority, 60);
        }
        if ("new".equals(tier) && campaign && landingPageStartsWith(in.landingPage())
                && (intent == null || "general".equals(intent))) {
            queue = "sales";
            team = "sales";
            skills.merge("sales", 2, Math::max);
            priority = Math.max(priority, 60);
        }

        // Stage 4, guard: blacklist to the bot, comment noise dropped.
        if ("blacklist".equals(tier)) {
            botFirst = true;
            queue = "bot";
            skills.clear();
            team = null;
            preferred = null;
            priority = 0;
        }
        if (("live_stream".equals(channel) || "short_video".equals(channel))
                && (isSymbolsOnly(text) || isOneOf(normalized.strip(), NOISE))) {
            dropped = true;
            skills.clear();
        }

        if (language == null) {
            language = defaults.language();
        }
        return new Classification.Plan(intent, queue, skills, language, team, priority, sla, botFirst, preferred,
                dropped);
    }

    private static int clamp(int p) {
        return Math.max(0, Math.min(100, p));
    }

    private static int tighten(int sla, int atMost) {
        return sla <= 0 ? atMost : Math.min(sla, atMost);
    }

    private static boolean landingPageStartsWith(String page) {
        if (page == null) {
            return false;
        }
        for (String p : LANDING_PAGES) {
            if (page.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOneOf(String whole, String[] phrases) {
        for (String p : phrases) {
            if (whole.equals(p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSymbolsOnly(String text) {
        return text.codePoints().noneMatch(Character::isLetterOrDigit);
    }

    /** No CJK characters and at least one Latin letter. */
    private static boolean isLatinText(String text) {
        boolean latin = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            Character.UnicodeScript script = Character.UnicodeScript.of(cp);
            if (script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                    || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL) {
                return false;
            }
            if (script == Character.UnicodeScript.LATIN) {
                latin = true;
            }
            i += Character.charCount(cp);
        }
        return latin;
    }
}
