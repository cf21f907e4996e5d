#include "moecut/stats/special.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace moecut::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTiny = 1e-300;  // keeps the Lentz denominators off zero
constexpr double kEps = 1e-16;

// The continued fraction of I_x(a, b) (DLMF 8.17.22) by the modified Lentz
// method; converges quickly for x < (a + 1)/(a + b + 2).
double beta_fraction(double a, double b, double x) {
    auto guard = [](double v) { return std::fabs(v) < kTiny ? kTiny : v; };
    double c = 1.0;
    double d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
    double h = d;
    // The number of terms needed grows like sqrt(max(a, b)).
    const double max_terms = std::min(1e8, 1000.0 + 20.0 * std::sqrt(std::max(a, b)));
    for (double dm = 1; dm <= max_terms; ++dm) {
        // Even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)).
        double coef = dm * (b - dm) * x / ((a + 2 * dm - 1.0) * (a + 2 * dm));
        d = 1.0 / guard(1.0 + coef * d);
        c = guard(1.0 + coef / c);
        h *= d * c;
        // Odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
        coef = -(a + dm) * (a + b + dm) * x / ((a + 2 * dm) * (a + 2 * dm + 1.0));
        d = 1.0 / guard(1.0 + coef * d);
        c = guard(1.0 + coef / c);
        const double delta = d * c;
        h *= delta;
        if (std::fabs(delta - 1.0) < kEps) return h;
    }
    throw std::runtime_error("incomplete beta: continued fraction did not converge");
}

// log1p(t) - t for t > -1, without the cancellation near 0.
double log1p_minus(double t) {
    if (std::fabs(t) >= 0.25) return std::log1p(t) - t;
    // -t^2/2 + t^3/3 - t^4/4 + ...
    double sum = 0.0;
    double power = t;
    for (int k = 2; k < 80; ++k) {
        power *= -t;
        const double term = power / k;
        sum += term;
        if (std::fabs(term) <= 1e-17 * std::fabs(sum)) break;
    }
    return sum;
}

// The Stirling remainder w(x) = lgamma(x) - ((x - 1/2) ln x - x + ln(2 pi)/2),
// by its asymptotic series for x >= 10 (the terms B_2k / (2k (2k - 1) x^(2k-1));
// the first left out is below 1e-16 there), directly below.
constexpr double kHalfLog2Pi = 0.91893853320467274178;  // ln(2 pi) / 2

double stirling_remainder(double x) {
    if (x < 10.0) return std::lgamma(x) - ((x - 0.5) * std::log(x) - x + kHalfLog2Pi);
    const double r = 1.0 / x;
    const double r2 = r * r;
    return r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 + r2 * (1.0 / 1188 +
                r2 * (-691.0 / 360360 + r2 * (1.0 / 156)))))));
}

constexpr double kLargeShape = 10.0;  // from here on a shape parameter takes the Stirling forms

// log(x^a (1-x)^b / B(a, b)), the factor in front of the continued fraction.
// With both shapes large, the terms a ln x, b ln(1 - x) and log B(a, b) are
// each of order a + b while their sum is of order 1, so it is rewritten about
// the mode x0 = a/(a + b), where the first-order terms cancel exactly
// (the idea behind TOMS 708's brcomp):
//   a (log1p(u) - u) + b (log1p(v) - v) + ln(a b / (2 pi c)) / 2 - w(a) - w(b) + w(c)
// with c = a + b, u = x/x0 - 1, v = (1 - x)/(1 - x0) - 1.
double log_beta_front(double a, double b, double x) {
    if (std::min(a, b) < kLargeShape) return a * std::log(x) + b * std::log1p(-x) - log_beta(a, b);
    const double c = a + b;
    const double x0 = a / c;
    const double y0 = b / c;
    const double delta = x - x0;
    const double u = delta / x0;
    const double v = -delta / y0;
    // Far from x0, 1 + u itself would be inexact; take ln(x/x0) from the logs.
    const double part_a = std::fabs(u) < 0.25 ? log1p_minus(u) : (std::log(x) - std::log(x0)) - u;
    const double part_b = std::fabs(v) < 0.25 ? log1p_minus(v) : (std::log1p(-x) - std::log(y0)) - v;
    return a * part_a + b * part_b + 0.5 * std::log(a / c * b / (2.0 * std::numbers::pi)) -
           stirling_remainder(a) - stirling_remainder(b) + stirling_remainder(c);
}

void check_beta_args(double a, double b, double x) {
    if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1))
        throw std::domain_error("incomplete beta: needs a > 0, b > 0, 0 <= x <= 1");
}

// I_x(a, b) and 1 - I_x(a, b), each from the side where it is a small
// quantity computed directly.
struct BetaTails {
    double lower;
    double upper;
};

BetaTails beta_tails(double a, double b, double x) {
    check_beta_args(a, b, x);
    if (x == 0) return {0.0, 1.0};
    if (x == 1) return {1.0, 0.0};
    const double front = std::exp(log_beta_front(a, b, x));
    if (x < (a + 1.0) / (a + b + 2.0)) {
        const double lower = front * beta_fraction(a, b, x) / a;
        return {lower, 1.0 - lower};
    }
    const double upper = front * beta_fraction(b, a, 1.0 - x) / b;
    return {1.0 - upper, upper};
}

// The x with I_x(a, b) = p, for 0 < p <= 0.5: Newton steps on log I against
// log x (near 0, I_x behaves like x^a, which makes that map nearly linear),
// kept inside a shrinking bracket and replaced by bisection when they leave it.
double solve_lower_beta(double a, double b, double p) {
    double lo = 0.0;
    double hi = 1.0;
    double x = a / (a + b);
    const double log_p = std::log(p);
    for (int iter = 0; iter < 1000; ++iter) {
        const double value = beta_tails(a, b, x).lower;
        if (value == p) return x;
        if (value < p) lo = x;
        else hi = x;
        double next = -1.0;
        if (value > 0) {
            // d log I / d log x = x pdf(x) / I, and x pdf(x) = front / (1 - x).
            const double slope = std::exp(log_beta_front(a, b, x)) / ((1.0 - x) * value);
            if (slope > 0 && std::isfinite(slope)) next = x * std::exp(-(std::log(value) - log_p) / slope);
        }
        if (!(next > lo && next < hi)) {
            if (lo == 0.0) next = hi / 8.0;
            else if (hi / lo > 8.0) next = std::sqrt(lo * hi);
            else next = 0.5 * (lo + hi);
        }
        if (std::fabs(next - x) <= 4e-16 * x || hi - lo <= 4e-16 * hi) return next;
        x = next;
    }
    return x;
}

} // namespace

double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); }

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double normal_sf(double x) { return 0.5 * std::erfc(x / std::numbers::sqrt2); }

double normal_quantile(double p) {
    if (std::isnan(p) || p < 0 || p > 1) throw std::domain_error("normal quantile: p outside [0, 1]");
    if (p == 0) return -kInf;
    if (p == 1) return kInf;
    if (p == 0.5) return 0.0;
    // 1 - p is exact for p in [0.5, 1] (Sterbenz), so the upper half costs nothing.
    if (p > 0.5) return -normal_quantile(1.0 - p);
    // Start: Abramowitz & Stegun 26.2.23 (absolute error < 4.5e-4).
    const double t = std::sqrt(-2.0 * std::log(p));
    double x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                         (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
    // Halley steps on Phi(x) - p (Phi''/Phi' = -x); cubic convergence.
    for (int i = 0; i < 8; ++i) {
        const double density = normal_pdf(x);
        if (!(density > 0)) break;
        const double u = (normal_cdf(x) - p) / density;
        const double step = u / (1.0 + 0.5 * x * u);
        x -= step;
        if (std::fabs(step) <= 1e-16 * std::fabs(x)) break;
    }
    return x;
}

double normal_isf(double q) {
    if (std::isnan(q) || q < 0 || q > 1) throw std::domain_error("normal isf: q outside [0, 1]");
    // P(Z > z) = q  <=>  P(Z <= -z) = q.
    return -normal_quantile(q);
}

double chi2_1_sf(double x) {
    if (std::isnan(x)) throw std::domain_error("chi-square sf: NaN");
    if (x <= 0) return 1.0;
    return std::erfc(std::sqrt(0.5 * x));
}

double log_beta(double a, double b) {
    if (!(a > 0) || !(b > 0)) throw std::domain_error("log_beta: needs a > 0, b > 0");
    if (a > b) std::swap(a, b);
    if (b < kLargeShape) return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
    const double c = a + b;
    // lgamma(b) - lgamma(c) by Stirling: (b - 1/2) ln(b/c) - a ln c + a + w(b) - w(c),
    // free of the cancellation between two numbers of order c ln c.
    const double tail = (b - 0.5) * std::log1p(-a / c) - a * std::log(c) + a + stirling_remainder(b) -
                        stirling_remainder(c);
    if (a < kLargeShape) return std::lgamma(a) + tail;
    // Both large: (a - 1/2) ln a - a + ln(2 pi)/2 + w(a) for lgamma(a) as well.
    return (a - 0.5) * std::log(a) - a + kHalfLog2Pi + stirling_remainder(a) + tail;
}

double log_choose(std::uint64_t n, std::uint64_t k) {
    if (k > n) throw std::domain_error("log_choose: k > n");
    if (k == 0 || k == n) return 0.0;
    const double dn = static_cast<double>(n);
    const double dk = static_cast<double>(k);
    return std::lgamma(dn + 1.0) - std::lgamma(dk + 1.0) - std::lgamma(dn - dk + 1.0);
}

double incomplete_beta(double a, double b, double x) { return beta_tails(a, b, x).lower; }

double incomplete_beta_complement(double a, double b, double x) { return beta_tails(a, b, x).upper; }

double beta_quantile(double a, double b, double p) {
    check_beta_args(a, b, 0.5);
    if (std::isnan(p) || p < 0 || p > 1) throw std::domain_error("beta quantile: p outside [0, 1]");
    if (p == 0) return 0.0;
    if (p == 1) return 1.0;
    if (p <= 0.5) return solve_lower_beta(a, b, p);
    // I_x(a, b) = p  <=>  I_{1-x}(b, a) = 1 - p.
    return 1.0 - solve_lower_beta(b, a, 1.0 - p);
}

double beta_isf(double a, double b, double q) {
    check_beta_args(a, b, 0.5);
    if (std::isnan(q) || q < 0 || q > 1) throw std::domain_error("beta isf: q outside [0, 1]");
    if (q == 0) return 1.0;
    if (q == 1) return 0.0;
    // 1 - I_x(a, b) = q  <=>  I_{1-x}(b, a) = q.
    if (q <= 0.5) return 1.0 - solve_lower_beta(b, a, q);
    return solve_lower_beta(a, b, 1.0 - q);
}

double binomial_cdf(std::uint64_t k, std::uint64_t n, double p) {
    if (!(p >= 0 && p <= 1)) throw std::domain_error("binomial cdf: p outside [0, 1]");
    if (k >= n) return 1.0;
    // P(X <= k) = 1 - I_p(k + 1, n - k).
    return incomplete_beta_complement(static_cast<double>(k) + 1.0, static_cast<double>(n - k), p);
}

double binomial_sf(std::uint64_t k, std::uint64_t n, double p) {
    if (!(p >= 0 && p <= 1)) throw std::domain_error("binomial sf: p outside [0, 1]");
    if (k >= n) return 0.0;
    return incomplete_beta(static_cast<double>(k) + 1.0, static_cast<double>(n - k), p);
}

double hypergeometric_log_pmf(std::uint64_t x, std::uint64_t population, std::uint64_t successes,
                              std::uint64_t draws) {
    if (successes > population || draws > population)
        throw std::domain_error("hypergeometric: successes and draws must not exceed the population");
    const std::uint64_t failures = population - successes;
    if (x > successes || x > draws || draws - x > failures) return -kInf;
    return log_choose(successes, x) + log_choose(failures, draws - x) - log_choose(population, draws);
}

} // namespace moecut::stats
