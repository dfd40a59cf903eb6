package io.convrouter.classify.facts;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;

/**
 * The conversation as the rules see it. Read-only for rules: they decide by writing to
 * {@link RoutingPlan}.
 */
public final class Conversation {
    private final String id;
    private final String channel;
    private final String text;
    private final String normalizedText;
    private final String language;
    private final Map<String, String> fields;

    public Conversation(String id, String channel, String text, String language, Map<String, String> fields) {
        this.id = id;
        this.channel = channel;
        this.text = text == null ? "" : text;
        this.normalizedText = normalize(this.text);
        this.language = language;
        this.fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    /**
     * True when the text mentions any of the comma-separated keywords, ignoring case and
     * full-width/half-width differences ("ＲＥＦＵＮＤ" mentions "refund").
     */
    public boolean mentions(String commaSeparatedKeywords) {
        if (commaSeparatedKeywords == null) {
            return false;
        }
        for (String k : KEYWORDS.computeIfAbsent(commaSeparatedKeywords, Conversation::splitKeywords)) {
            if (normalizedText.contains(k)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Keyword lists come from rule cells and repeat for every conversation: split and normalize
     * each list once. Bounded by the number of distinct lists in the rules (cleared if it grows
     * past a few thousand, e.g. after many ruleset versions).
     */
    private static final Map<String, String[]> KEYWORDS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String[] splitKeywords(String list) {
        if (KEYWORDS.size() > 5_000) {
            KEYWORDS.clear();
        }
        return java.util.Arrays.stream(list.split("[,，、]")).map(k -> normalize(k.trim()))
                .filter(k -> !k.isEmpty()).toArray(String[]::new);
    }

    /** True when the channel is one of the comma-separated channel ids. */
    public boolean channelIn(String commaSeparatedChannels) {
        if (commaSeparatedChannels == null || channel == null) {
            return false;
        }
        for (String c : CHANNEL_LISTS.computeIfAbsent(commaSeparatedChannels, Conversation::splitChannels)) {
            if (c.equals(channel)) {
                return true;
            }
        }
        return false;
    }

    /** Channel lists and phrase lists come from rule cells too: split (and normalize) each once. */
    private static final Map<String, String[]> CHANNEL_LISTS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<String, String[]> PHRASE_LISTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String[] splitChannels(String list) {
        if (CHANNEL_LISTS.size() > 5_000) {
            CHANNEL_LISTS.clear();
        }
        return java.util.Arrays.stream(list.split(",")).map(String::trim).toArray(String[]::new);
    }

    private static String[] splitPhrases(String list) {
        if (PHRASE_LISTS.size() > 5_000) {
            PHRASE_LISTS.clear();
        }
        return java.util.Arrays.stream(list.split("[,，、]")).filter(p -> !p.isBlank()).map(p -> normalize(p.strip()))
                .toArray(String[]::new);
    }

    /**
     * True when the whole text (ignoring case, width and surrounding spaces) is one of the
     * comma-separated phrases: "666" is noise, "666 is the price?" is not.
     */
    public boolean textIn(String commaSeparatedPhrases) {
        if (commaSeparatedPhrases == null) {
            return false;
        }
        String whole = normalizedText.strip();
        for (String phrase : PHRASE_LISTS.computeIfAbsent(commaSeparatedPhrases, Conversation::splitPhrases)) {
            if (whole.equals(phrase)) {
                return true;
            }
        }
        return false;
    }

    /** True when the text has no letter or digit at all: emoji, punctuation, stickers. */
    public boolean isSymbolsOnly() {
        return text.codePoints().noneMatch(Character::isLetterOrDigit);
    }

    /** A free-form field the integration sent, or null. */
    public String field(String name) {
        return fields.get(name);
    }

    public boolean hasField(String name) {
        return fields.containsKey(name);
    }

    /** True when the text contains no CJK characters but does contain Latin letters. */
    public boolean isLatinText() {
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

    static String normalize(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    public String getId() { return id; }
    public String getChannel() { return channel; }
    public String getText() { return text; }
    public String getLanguage() { return language; }
    public Map<String, String> getFields() { return fields; }
    public int getTextLength() { return text.codePointCount(0, text.length()); }

    @Override
    public String toString() {
        return "Conversation[" + channel + ", " + language + ", " + text + "]";
    }
}
