package io.convrouter.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The formulas the simulator is checked against, checked themselves. */
class QueueingTheoryTest {

    @Test
    void erlangBMatchesPublishedTableValues() {
        // Classic Erlang B tables: 5 Erlangs on 10 lines loses 1.84% of calls; 25 Erlangs on 30 lines 5.26%.
        assertThat(QueueingTheory.erlangB(10, 5)).isCloseTo(0.01838, within(0.00001));
        assertThat(QueueingTheory.erlangB(30, 25)).isCloseTo(0.0526, within(0.0001));
        assertThat(QueueingTheory.erlangB(1, 1)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void erlangCMatchesClosedFormsForSmallSystems() {
        // M/M/1: P(wait) = rho, mean wait = rho / (mu - lambda).
        assertThat(QueueingTheory.erlangC(1, 0.7)).isCloseTo(0.7, within(1e-12));
        assertThat(QueueingTheory.erlangCAverageWait(1, 0.7, 1.0)).isCloseTo(0.7 / 0.3, within(1e-9));
        // M/M/2: P(wait) = a^2 / (2 + a).
        assertThat(QueueingTheory.erlangC(2, 1.5)).isCloseTo(1.5 * 1.5 / 3.5, within(1e-12));
        // Textbook: 2 Erlangs on 3 agents wait with probability 4/9.
        assertThat(QueueingTheory.erlangC(3, 2)).isCloseTo(4.0 / 9, within(1e-12));
        // Service level: answered within T = 1 - C exp(-(c mu - lambda) T); at T = 0 those answered at once.
        assertThat(QueueingTheory.erlangCServiceLevel(3, 2.0 / 180, 1.0 / 180, 0)).isCloseTo(5.0 / 9, within(1e-12));
        assertThat(QueueingTheory.erlangCServiceLevel(3, 2.0 / 180, 1.0 / 180, 20))
                .isCloseTo(1 - 4.0 / 9 * Math.exp(-20.0 / 180), within(1e-12));
        assertThatThrownBy(() -> QueueingTheory.erlangC(3, 3)).hasMessageContaining("never settles");
    }

    @Test
    void erlangAClosedFormAgreesWithTheBirthDeathChain() {
        double mu = 1.0 / 180;
        for (int c : new int[] {1, 2, 5, 20}) {
            for (double rho : new double[] {0.5, 0.9, 1.0, 1.3}) {
                for (double patience : new double[] {60, 300, 1800}) {
                    double lambda = rho * c * mu;
                    QueueingTheory.ErlangA chain = QueueingTheory.erlangA(c, lambda, mu, 1 / patience);
                    QueueingTheory.ErlangA closed = QueueingTheory.erlangAClosedForm(c, lambda, mu, 1 / patience);
                    String at = "c=" + c + " rho=" + rho + " patience=" + patience;
                    assertThat(closed.probabilityOfWaiting()).as(at).isCloseTo(chain.probabilityOfWaiting(), within(1e-9));
                    assertThat(closed.probabilityOfAbandoning()).as(at)
                            .isCloseTo(chain.probabilityOfAbandoning(), within(1e-9));
                    assertThat(closed.averageWait()).as(at).isCloseTo(chain.averageWait(), within(1e-6 * patience));
                }
            }
        }
    }

    @Test
    void erlangAWithPatienceLikeServiceIsAnInfiniteServerQueue() {
        // theta = mu: every customer in the system leaves at rate mu whether served or not, so the number
        // in the system is Poisson(a); P(wait) = P(N >= c), and abandonments per second mu E[(N - c)+].
        double mu = 1.0 / 100;
        double a = 3.0;
        int c = 2;
        double p0 = Math.exp(-a);
        double pLessThanC = p0 * (1 + a);
        double meanQueue = a - 2 + 2 * p0 + p0 * a; // E[(N-2)+] = E[N] - 2 + 2 P(0) + P(1)
        QueueingTheory.ErlangA e = QueueingTheory.erlangA(c, a * mu, mu, mu);
        assertThat(e.probabilityOfWaiting()).isCloseTo(1 - pLessThanC, within(1e-12));
        assertThat(e.probabilityOfAbandoning()).isCloseTo(meanQueue / a, within(1e-12));
    }

    @Test
    void erlangAApproachesErlangCAsPatienceGrows() {
        double mu = 1.0 / 180;
        double lambda = 4 * mu;
        QueueingTheory.ErlangA nearlyPatient = QueueingTheory.erlangA(5, lambda, mu, 1e-9);
        assertThat(nearlyPatient.probabilityOfWaiting()).isCloseTo(QueueingTheory.erlangC(5, 4), within(1e-5));
        assertThat(nearlyPatient.averageWait()).isCloseTo(QueueingTheory.erlangCAverageWait(5, lambda, mu), within(0.01));
        assertThat(nearlyPatient.probabilityOfAbandoning()).isLessThan(1e-6);
    }
}
