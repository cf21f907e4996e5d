#!/usr/bin/env python3
"""Reference values for tests/core/test_stats_*.cpp, from scipy and statsmodels.

Run with the reference venv (scipy and statsmodels installed into it):
    /opt/refvenv/bin/python scripts/make_stats_fixtures.py
Writes tests/data/stats/expected.json. Every number comes from the reference
libraries, never from moecut; the C++ tests compare to 1e-9 relative.

Sign convention: moecut reports diff = p_b - p_a and z > 0 when arm b is
higher, so the z-test reference is proportions_ztest([k_b, k_a], [n_b, n_a]).
"""
import json
import os
import random

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (confint_proportions_2indep, power_proportions_2indep,
                                          proportion_confint, proportions_ztest,
                                          samplesize_proportions_2indep_onetail)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "data", "stats", "expected.json")
rng = random.Random(20240611)


def f(x):
    return float(x)


def ci_cases():
    cases = []
    ns = [1, 2, 3, 5, 7, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
    for n in ns:
        ks = {0, 1, n // 2, n - 1, n, min(n, 2), (n * 36) // 1000, (n * 72) // 1000}
        ks |= {rng.randint(0, n) for _ in range(2)}
        for k in sorted(k for k in ks if 0 <= k <= n):
            for conf in (0.95, 0.90, 0.99):
                if conf != 0.95 and n not in (10, 200, 2000):
                    continue
                alpha = 1 - conf
                for method, sm in (("exact", "beta"), ("wilson", "wilson")):
                    lo, hi = proportion_confint(k, n, alpha=alpha, method=sm)
                    cases.append(dict(k=k, n=n, confidence=conf, method=method, lower=f(lo), upper=f(hi)))
    # Far beyond any eval, to show nothing degrades with n.
    for k, n in [(3, 10**9), (5 * 10**8, 10**9), (0, 10**7), (12345, 10**8), (10**7 - 1, 10**7)]:
        for method, sm in (("exact", "beta"), ("wilson", "wilson")):
            lo, hi = proportion_confint(k, n, alpha=0.05, method=sm)
            cases.append(dict(k=k, n=n, confidence=0.95, method=method, lower=f(lo), upper=f(hi)))
    return cases


def ztest_cases():
    pairs = [((72, 2000), (144, 2000)), ((144, 2000), (72, 2000)), ((2, 50), (4, 50)), ((0, 10), (3, 12)),
             ((5, 5), (3, 9)), ((98, 2000), (144, 2000)), ((1, 1000), (0, 900)), ((250, 500), (260, 520))]
    for _ in range(12):
        na, nb = rng.randint(1, 3000), rng.randint(1, 3000)
        pairs.append(((rng.randint(0, na), na), (rng.randint(0, nb), nb)))
    cases = []
    for (ka, na), (kb, nb) in pairs:
        pooled = (ka + kb) / (na + nb)
        if pooled in (0.0, 1.0):
            continue
        z, p = proportions_ztest([kb, ka], [nb, na])
        lo, hi = confint_proportions_2indep(kb, nb, ka, na, method="newcomb", compare="diff")
        cases.append(dict(ka=ka, na=na, kb=kb, nb=nb, z=f(z), p=f(p), diff_lower=f(lo), diff_upper=f(hi)))
    return cases


def fisher_cases():
    tables = [[[3, 5], [5, 3]], [[8, 2], [1, 5]], [[1, 9], [11, 3]], [[0, 5], [5, 0]], [[2, 7], [8, 2]],
              [[10, 10], [10, 10]], [[72, 1928], [144, 1856]], [[2, 48], [4, 46]], [[0, 10], [0, 12]],
              [[1, 0], [0, 1]], [[5, 0], [0, 0]], [[100, 900], [120, 880]], [[19, 1981], [20, 1980]],
              [[4, 4], [4, 4]], [[6, 1], [1, 6]], [[500, 4500], [560, 4440]]]
    for _ in range(30):
        n = rng.choice([10, 30, 100, 400, 2000])
        tables.append([[rng.randint(0, n) for _ in range(2)] for _ in range(2)])
    cases = []
    for t in tables:
        res = stats.fisher_exact(t)
        cases.append(dict(table=t, p=f(res.pvalue)))
    return cases


def mcnemar_cases():
    cases = []
    for b, c in [(0, 0), (0, 1), (3, 10), (10, 3), (7, 7), (12, 30), (40, 25), (100, 140), (1, 24), (50, 50),
                 (0, 25), (200, 150)]:
        table = [[0, b], [c, 0]]
        ex = mcnemar(table, exact=True)
        row = dict(b=b, c=c, exact_stat=f(ex.statistic), exact_p=f(ex.pvalue))
        if b + c > 0:
            chi = mcnemar(table, exact=False, correction=False)
            row.update(chi2_stat=f(chi.statistic), chi2_p=f(chi.pvalue))
            if b != c:  # moecut clamps |b - c| - 1 at 0; statsmodels does not (see mcnemar.h)
                cc = mcnemar(table, exact=False, correction=True)
                row.update(chi2cc_stat=f(cc.statistic), chi2cc_p=f(cc.pvalue))
        cases.append(row)
    return cases


def power_cases():
    cases = []
    for p1, p2 in [(0.036, 0.072), (0.072, 0.036), (0.036, 0.054), (0.1, 0.2), (0.5, 0.6), (0.02, 0.01),
                   (0.3, 0.9), (0.0, 0.05)]:
        for power in (0.8, 0.9):
            for alpha in (0.05, 0.01):
                # statsmodels: prop2 is the reference arm, diff = p_other - prop2.
                n = samplesize_proportions_2indep_onetail(p2 - p1, p1, power, alpha=alpha)
                cases.append(dict(kind="n", p1=p1, p2=p2, power=power, alpha=alpha, n=f(n)))
        for n in (50, 200, 618, 2000):
            pw = power_proportions_2indep(p2 - p1, p1, n, alpha=0.05, return_results=False)
            cases.append(dict(kind="power", p1=p1, p2=p2, n=n, alpha=0.05, power=f(pw)))
    return cases


def multiple_cases():
    vectors = [[0.01, 0.04, 0.03, 0.005], [0.2, 0.2, 0.01, 0.5, 0.04, 0.9], [0.001], [0.5, 0.5, 0.5],
               [0.049, 0.051, 0.0001, 0.7, 0.02, 0.03, 0.011, 0.2], [1.0, 0.0, 0.3]]
    vectors.append([round(rng.random() ** 3, 6) for _ in range(15)])
    cases = []
    for v in vectors:
        holm = multipletests(v, method="holm")[1]
        bh = multipletests(v, method="fdr_bh")[1]
        cases.append(dict(p=v, holm=[f(x) for x in holm], bh=[f(x) for x in bh]))
    return cases


def special_cases():
    norm = [dict(p=p, ppf=f(stats.norm.ppf(p))) for p in
            (1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999999)]
    beta = []
    for a, b in [(0.5, 0.5), (1, 1), (2, 5), (72, 1929), (1, 5000), (5000, 1), (2500, 2501), (30, 0.7)]:
        for x in (1e-6, 0.01, 0.036, 0.3, 0.5, 0.9, 0.999):
            beta.append(dict(a=a, b=b, x=x, cdf=f(stats.beta.cdf(x, a, b)), sf=f(stats.beta.sf(x, a, b))))
    betainv = []
    for a, b in [(1, 2000), (72, 1929), (73, 1928), (2000, 1), (3, 4), (0.5, 0.5), (2500, 2501)]:
        for p in (1e-8, 0.005, 0.025, 0.5, 0.975):
            betainv.append(dict(a=a, b=b, p=p, ppf=f(stats.beta.ppf(p, a, b)), isf=f(stats.beta.isf(p, a, b))))
    binom = []
    for k, n in [(0, 1), (3, 13), (10, 20), (5, 200), (100, 240), (0, 25), (12, 24)]:
        binom.append(dict(k=k, n=n, cdf=f(stats.binom.cdf(k, n, 0.5)), sf=f(stats.binom.sf(k, n, 0.5)),
                          cdf_036=f(stats.binom.cdf(k, n, 0.036))))
    return dict(normal=norm, beta=beta, beta_inverse=betainv, binomial=binom)


def quantile_cases():
    vectors = [[5.0], [1.0, 2.0], [3.0, 1.0, 2.0], [1267, 507, 32000, 800, 1200, 15, 32000, 640, 2048, 999],
               [rng.randint(1, 32768) for _ in range(101)], [0.5, -2.0, 7.25, 7.25, 3.0, 1e6]]
    cases = []
    for v in vectors:
        qs = [0.0, 0.1, 0.25, 0.5, 0.9, 0.99, 1.0]
        cases.append(dict(values=[float(x) for x in v], q=qs, expected=[f(np.quantile(v, q)) for q in qs]))
    return cases


def main():
    data = dict(
        generator="scripts/make_stats_fixtures.py",
        versions=dict(scipy=scipy.__version__, statsmodels=statsmodels.__version__, numpy=np.__version__),
        ci=ci_cases(), ztest=ztest_cases(), fisher=fisher_cases(), mcnemar=mcnemar_cases(),
        power=power_cases(), multiple=multiple_cases(), special=special_cases(), quantile=quantile_cases())
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(data, fh, indent=1)
        fh.write("\n")
    print(f"wrote {OUT}: " + ", ".join(f"{k}={len(v)}" for k, v in data.items() if isinstance(v, list)))


if __name__ == "__main__":
    main()
