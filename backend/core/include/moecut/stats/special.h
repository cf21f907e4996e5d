// Special functions for moecut's statistics, written for this project:
// the normal distribution, the regularized incomplete beta function and its
// inverse, and the binomial and hypergeometric distributions built on them.
//
// Accuracy: normal_cdf/sf come from std::erfc (a few ulp). normal_quantile is
// a rational start (Abramowitz & Stegun 26.2.23) refined by Halley steps on
// erfc, so it is as accurate as erfc. incomplete_beta uses the classic
// continued fraction evaluated by the modified Lentz method, with the
// symmetry I_x(a,b) = 1 - I_{1-x}(b,a) so the fraction always converges
// fast; log-beta comes from std::lgamma, so relative errors grow slowly with
// a+b (about 1e-12 at a+b = 1e4). Domain errors throw std::domain_error:
// callers validate user input first and report it as InputError.
#pragma once

#include <cstdint>

namespace moecut::stats {

// Standard normal: density, lower tail P(Z <= x), upper tail P(Z > x).
double normal_pdf(double x);
double normal_cdf(double x);
double normal_sf(double x);
// Inverse of normal_cdf for p in [0, 1] (-inf at 0, +inf at 1).
double normal_quantile(double p);
// Inverse of normal_sf: the z with P(Z > z) = q (e.g. 1.959964 for 0.025).
double normal_isf(double q);

// Upper tail of the chi-square distribution with one degree of freedom.
double chi2_1_sf(double x);

// log B(a, b) for a, b > 0.
double log_beta(double a, double b);
// log C(n, k) for 0 <= k <= n.
double log_choose(std::uint64_t n, std::uint64_t k);

// Regularized incomplete beta I_x(a, b), a, b > 0, x in [0, 1], and its
// complement 1 - I_x(a, b) computed without cancellation.
double incomplete_beta(double a, double b, double x);
double incomplete_beta_complement(double a, double b, double x);
// Quantiles of Beta(a, b): the x with I_x(a, b) = p (beta_quantile), and the
// x with 1 - I_x(a, b) = q (beta_isf), for p, q in [0, 1].
double beta_quantile(double a, double b, double p);
double beta_isf(double a, double b, double q);

// Binomial(n, p): P(X <= k) and P(X > k).
double binomial_cdf(std::uint64_t k, std::uint64_t n, double p);
double binomial_sf(std::uint64_t k, std::uint64_t n, double p);

// Hypergeometric: x successes in a draw of `draws` items from a population of
// `population` items of which `successes` are successes. log of the pmf;
// -inf outside the support.
double hypergeometric_log_pmf(std::uint64_t x, std::uint64_t population, std::uint64_t successes,
                              std::uint64_t draws);

} // namespace moecut::stats
