package org.ntk4j.demo;

/**
 * Expected true and proxy utility of the q-quantilizer against q, with the bound's lower bound
 * L(q) = E_Q U − ε/q (E13): the "Goodhart curve". The proxy keeps rising as q shrinks; the true
 * utility peaks and then falls where the proxy's errors get selected.
 *
 * @param q            the q grid (increasing, log-spaced)
 * @param trueUtility  E_{Q_q}[V]
 * @param proxyUtility E_{Q_q}[U]
 * @param lowerBound   E_{Q_q}[U] − ε‖Q_q/γ‖∞
 * @param qStar        the maximin's q*
 * @param guaranteed   the maximin's guaranteed value t*
 */
record GoodhartCurve(
        double[] q, double[] trueUtility, double[] proxyUtility, double[] lowerBound, double qStar, double guaranteed) {
    public GoodhartCurve {
        int n = q.length;
        if (trueUtility.length != n || proxyUtility.length != n || lowerBound.length != n)
            throw new IllegalArgumentException("goodhart curve: lengths differ");
        q = q.clone();
        trueUtility = trueUtility.clone();
        proxyUtility = proxyUtility.clone();
        lowerBound = lowerBound.clone();
    }

    @Override
    public double[] q() {
        return q.clone();
    }

    @Override
    public double[] trueUtility() {
        return trueUtility.clone();
    }

    @Override
    public double[] proxyUtility() {
        return proxyUtility.clone();
    }

    @Override
    public double[] lowerBound() {
        return lowerBound.clone();
    }
}
