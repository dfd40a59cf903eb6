package io.convrouter.classify.facts;

/** Where the conversation came in: campaign, landing page, business line. All optional. */
public final class Entry {
    private final String campaign;
    private final String landingPage;
    private final String businessLine;

    public Entry(String campaign, String landingPage, String businessLine) {
        this.campaign = campaign;
        this.landingPage = landingPage;
        this.businessLine = businessLine;
    }

    public boolean hasCampaign() {
        return campaign != null && !campaign.isBlank();
    }

    /** True when the landing page starts with any of the comma-separated prefixes. */
    public boolean landingPageStartsWith(String commaSeparatedPrefixes) {
        if (landingPage == null || commaSeparatedPrefixes == null) {
            return false;
        }
        for (String prefix : commaSeparatedPrefixes.split(",")) {
            String p = prefix.trim();
            if (!p.isEmpty() && landingPage.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    public String getCampaign() { return campaign; }
    public String getLandingPage() { return landingPage; }
    public String getBusinessLine() { return businessLine; }

    @Override
    public String toString() {
        return "Entry[" + campaign + ", " + landingPage + ", " + businessLine + "]";
    }
}
