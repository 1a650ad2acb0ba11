/** Random counts and durations from lib/sim's seeded generator, so every run of a scenario is the same. */
import type { Rng } from "../../../lib/sim/random.js";

export class Sampler {
  constructor(private readonly rng: Rng) {}

  next(): number {
    return this.rng.next();
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(this.rng.next(), Number.EPSILON);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rng.next());
  }

  /** Events in a minute around `mean`: exact for small means, the normal approximation above 50. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.rng.next(); p > limit; p *= this.rng.next()) k++;
    return k;
  }

  /** How many of `n` trials succeed with probability `p`: exact up to 2,000 trials. */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n > 2000) {
      const mean = n * p;
      return Math.min(n, Math.max(0, Math.round(mean + Math.sqrt(mean * (1 - p)) * this.normal())));
    }
    let k = 0;
    for (let i = 0; i < n; i++) if (this.rng.next() < p) k++;
    return k;
  }

  /** Log-normal with this median; `spread` is σ of the logarithm (0.5: p90 ≈ 1.9 × the median). */
  logNormal(median: number, spread: number): number {
    return median * Math.exp(spread * this.normal());
  }

  /** `count` independent log-normal values. */
  logNormals(count: number, median: number, spread: number): number[] {
    return Array.from({ length: count }, () => this.logNormal(median, spread));
  }
}
