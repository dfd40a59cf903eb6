package io.convrouter.sim;

/**
 * What queueing theory says about one line of {@code c} identical agents, Poisson arrivals (rate
 * {@code lambda}) and exponential service (rate {@code mu}): Erlang B (calls lost when all are
 * busy), Erlang C (calls wait; nobody hangs up) and Erlang A (calls wait; each customer hangs up
 * after an exponential patience of rate {@code theta}, the M/M/c+M queue). Rates per second.
 */
public final class QueueingTheory {
    private QueueingTheory() {}

    /** Erlang B: the share of calls finding all {@code c} agents busy when a busy line loses the call. */
    public static double erlangB(int c, double load) {
        double b = 1.0;
        for (int k = 1; k <= c; k++) {
            b = load * b / (k + load * b);
        }
        return b;
    }

    /** Erlang C: the probability that a call waits (all {@code c} agents busy on arrival); load below c. */
    public static double erlangC(int c, double load) {
        requireStable(c, load);
        double b = erlangB(c, load);
        return c * b / (c - load * (1 - b));
    }

    /** Erlang C average speed of answer, over all calls (those answered at once count 0), in seconds. */
    public static double erlangCAverageWait(int c, double lambda, double mu) {
        double load = lambda / mu;
        return erlangC(c, load) / (c * mu - lambda);
    }

    /** Erlang C service level: the share of calls answered within {@code t} seconds. */
    public static double erlangCServiceLevel(int c, double lambda, double mu, double t) {
        double load = lambda / mu;
        return 1 - erlangC(c, load) * Math.exp(-(c * mu - lambda) * t);
    }

    /** Erlang A figures. */
    public record ErlangA(double probabilityOfWaiting, double probabilityOfAbandoning, double averageWait,
                          double averageQueue) {}

    /**
     * Erlang A from the birth-death chain of the number of customers in the system (arrivals at
     * {@code lambda}; in state n, services at min(n, c) mu and hang-ups at max(n - c, 0) theta),
     * solved numerically until the states left carry no probability. By PASTA an arrival finds
     * the stationary state: it waits when n >= c. Hang-ups per second are theta E[queue], so the
     * share of callers who abandon is theta E[queue] / lambda; the average wait (of every caller,
     * served or not) is E[queue] / lambda by Little's law.
     */
    public static ErlangA erlangA(int c, double lambda, double mu, double theta) {
        if (theta <= 0) {
            throw new IllegalArgumentException("theta must be positive (use Erlang C for customers who never hang up)");
        }
        // Unnormalised probabilities, p_0 = 1, p_n = p_{n-1} lambda / death(n).
        double p = 1;
        double total = 1;
        double waiting = 0;
        double queue = 0;
        for (int n = 1; n < 1_000_000; n++) {
            double death = Math.min(n, c) * mu + Math.max(n - c, 0) * theta;
            p = p * lambda / death;
            total += p;
            if (n >= c) {
                waiting += p;
                queue += (n - c) * p;
            }
            if (n > c && p < 1e-18 * total && lambda < death) {
                break;
            }
        }
        double pWait = waiting / total;
        double meanQueue = queue / total;
        return new ErlangA(pWait, theta * meanQueue / lambda, meanQueue / lambda, meanQueue);
    }

    /**
     * Erlang A in closed form (Garnett, Mandelbaum and Reiman 2002; as written by Mandelbaum and
     * Zeltyn): with E the Erlang B value, A(x, y) = sum over j of y^j / ((x+1)...(x+j)) at
     * x = c mu / theta, y = lambda / theta, and rho = lambda / (c mu):
     * P(wait) = A E / (1 + (A - 1) E) and P(abandon | wait) = 1 / (rho A) + 1 - 1 / rho.
     */
    public static ErlangA erlangAClosedForm(int c, double lambda, double mu, double theta) {
        double x = c * mu / theta;
        double y = lambda / theta;
        double a = 0;
        double term = 1;
        for (int j = 0; j < 10_000_000; j++) {
            a += term;
            term *= y / (x + j + 1);
            if (term < 1e-17 * a && x + j + 1 > y) {
                break;
            }
        }
        double e = erlangB(c, lambda / mu);
        double pWait = a * e / (1 + (a - 1) * e);
        double rho = lambda / (c * mu);
        double abandonIfWaiting = 1 / (rho * a) + 1 - 1 / rho;
        double pAbandon = abandonIfWaiting * pWait;
        return new ErlangA(pWait, pAbandon, pAbandon / theta, pAbandon * lambda / theta);
    }

    private static void requireStable(int c, double load) {
        if (load >= c) {
            throw new IllegalArgumentException("load " + load + " Erlangs on " + c + " agents never settles: the queue grows"
                    + " without bound (Erlang C needs load below the number of agents)");
        }
    }
}
