/**
 * The alert suite's sampler with cheaper exact methods for the draws weeks of minutes repeat most: two
 * normals per pair of uniforms (Marsaglia's polar method) instead of one, durations in a plain loop, and a
 * binomial with a small probability by skipping from one success to the next instead of a draw per trial. Same distributions,
 * another random stream: the alert suite keeps its own, so its numbers do not move.
 */
import { Sampler } from "../alerts/sampling.js";

/** Below this expected number of successes per trial, skipping beats a draw per trial. */
const SKIP_BELOW = 0.2;

export class FastSampler extends Sampler {
  private spare: number | undefined;

  override normal(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const scale = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * scale;
    return u * scale;
  }

  override logNormals(count: number, median: number, spread: number): number[] {
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = median * Math.exp(spread * this.normal());
    return out;
  }

  override binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= SKIP_BELOW || n > 2000) return super.binomial(n, p);
    // The gap to the next success is geometric: floor(ln U / ln(1 − p)) trials fail first.
    const logFail = Math.log1p(-p);
    let k = 0;
    for (let at = Math.floor(Math.log(1 - this.next()) / logFail); at < n; k++)
      at += 1 + Math.floor(Math.log(1 - this.next()) / logFail);
    return k;
  }
}
