package io.convrouter.sim;

import java.util.SplittableRandom;

/** A distribution of durations (service times, patience), sampled in milliseconds. */
public sealed interface Distribution {

    long sampleMillis(SplittableRandom random);

    /** The mean in seconds (infinite for {@link None}). */
    double meanSeconds();

    String describe();

    /** Exponential with the given mean. */
    record Exponential(double meanSeconds) implements Distribution {
        @Override
        public long sampleMillis(SplittableRandom random) {
            return Math.round(-Math.log(1.0 - random.nextDouble()) * meanSeconds * 1000);
        }

        @Override
        public String describe() {
            return "exponential, mean " + meanSeconds + " s";
        }
    }

    /** Lognormal: the natural log of the duration in seconds is normal with this mean and deviation. */
    record LogNormal(double logMean, double logSd) implements Distribution {
        @Override
        public long sampleMillis(SplittableRandom random) {
            return Math.round(Math.exp(logMean + logSd * gaussian(random)) * 1000);
        }

        @Override
        public double meanSeconds() {
            return Math.exp(logMean + logSd * logSd / 2);
        }

        @Override
        public String describe() {
            return "lognormal, log-mean " + logMean + ", log-sd " + logSd + " (mean " + Math.round(meanSeconds()) + " s)";
        }

        /** From the mean and standard deviation of the duration itself. */
        static LogNormal ofMeanAndSd(double mean, double sd) {
            double s2 = Math.log(1 + (sd * sd) / (mean * mean));
            return new LogNormal(Math.log(mean) - s2 / 2, Math.sqrt(s2));
        }
    }

    /** Always the same duration. */
    record Fixed(double seconds) implements Distribution {
        @Override
        public long sampleMillis(SplittableRandom random) {
            return Math.round(seconds * 1000);
        }

        @Override
        public double meanSeconds() {
            return seconds;
        }

        @Override
        public String describe() {
            return "fixed " + seconds + " s";
        }
    }

    /** Customers who never give up. */
    record None() implements Distribution {
        @Override
        public long sampleMillis(SplittableRandom random) {
            return Scenario.Call.NO_PATIENCE_LIMIT;
        }

        @Override
        public double meanSeconds() {
            return Double.POSITIVE_INFINITY;
        }

        @Override
        public String describe() {
            return "none (customers never abandon)";
        }
    }

    /** A standard normal draw (Box-Muller; one value per call keeps the stream simple to reason about). */
    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
