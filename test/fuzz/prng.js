"use strict";
// A tiny seeded PRNG (mulberry32) so every fuzz run with the same seed makes the same cases, and a
// failure can be replayed from the seed and case number printed with it.

/** Returns a random source whose every draw depends only on `seed` and the draws before it. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    /** Float in [0, 1). */
    next,
    /** Integer in [min, max]. */
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    /** Calls one of the functions, each weighted by the number before it: [[w, fn], ...]. */
    weighted: (entries) => {
      const total = entries.reduce((s, [w]) => s + w, 0);
      let x = next() * total;
      for (const [w, fn] of entries) {
        x -= w;
        if (x < 0) return fn();
      }
      return entries[entries.length - 1][1]();
    },
    bytes: (n) => {
      const buf = Buffer.alloc(n);
      for (let i = 0; i < n; i++) buf[i] = Math.floor(next() * 256);
      return buf;
    },
    /** Printable, control, multi-byte and lone-surrogate characters. */
    string: (maxLen) => {
      const n = r.int(0, maxLen);
      let s = "";
      for (let i = 0; i < n; i++) {
        s += r.weighted([
          [8, () => String.fromCharCode(r.int(32, 126))],
          [1, () => String.fromCharCode(r.int(0, 31))],
          [1, () => r.pick(["é", "ß", "中", "🎤", "\u0000", "\ud800", "\u202e"])],
        ]);
      }
      return s;
    },
  };
  return r;
}

/** FUZZ_SEED overrides the suite's seed (to replay or explore); FUZZ_LONG=1 multiplies the case count. */
function fuzzSettings(defaultSeed, normalCases, longCases) {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : defaultSeed;
  const cases = process.env.FUZZ_LONG === "1" ? longCases : normalCases;
  return { seed, cases };
}

module.exports = { prng, fuzzSettings };
