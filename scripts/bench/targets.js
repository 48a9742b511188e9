"use strict";
// Issue 15's targets for our nodes ("nodered"), each judged against the contender a Node-RED user
// would otherwise run, from the rows of one bench run (with --repeat, the median over its rounds,
// each round's contenders paired). A target whose rows are missing (contender not run, stream
// count not run, row failed) is "not measured", never met.
const { f } = require("./report");

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * A figure judged over the rounds of a run (--repeat): the median decides, the spread is shown,
 * since between identical runs on a shared machine the CPU ratio moves by about ±0.1×.
 */
function overRounds(values, format) {
  const shown = format(median(values));
  return values.length > 1 ? `${shown} (median of ${values.length}: ${values.map(format).join(", ")})` : shown;
}

/** @returns {{target: string, measured: string, limit: string, met: boolean | null}[]} */
function evaluateTargets({ loadRows, capacity, connectRows }) {
  const ok = loadRows.filter((r) => !r.failed);
  const rows = (contender, streams) => ok.filter((r) => r.contender === contender && r.streams === streams);
  const keptUp = (r) => r.streamsKeptRealTime === r.streams;
  /** The rounds in which both contenders ran at N and kept every stream in real time. */
  const pairs = (other, n) =>
    rows("nodered", n).flatMap((ours) => {
      const theirs = rows(other, n).find((r) => r.round === ours.round);
      return theirs && keptUp(ours) && keptUp(theirs) ? [[ours, theirs]] : [];
    });
  // CPU figures of a run that fell behind are not steady-state figures: compare at the largest N both kept up with.
  const commonN = (other) =>
    [...new Set(ok.map((r) => r.streams))].filter((n) => pairs(other, n).length > 0).sort((a, b) => b - a)[0];
  const targets = [];

  for (const [other, limit] of [["nr-floor", 1.15], ["nr-sdk", 0.8]]) {
    const n = commonN(other);
    const ratios = n ? pairs(other, n).map(([ours, theirs]) => ours.cpuSecondsPerStreamMinute / theirs.cpuSecondsPerStreamMinute) : [];
    targets.push({
      target: `CPU per stream-minute, ours / ${other}`,
      measured: n ? `${overRounds(ratios, (v) => `${f(v)}x`)} at N=${n}` : "-",
      limit: `<= ${limit}x`,
      met: n ? median(ratios) <= limit : null,
    });
  }

  const latN = pairs("nr-floor", 200).length ? 200 : commonN("nr-floor");
  const latPairs = latN ? pairs("nr-floor", latN).filter(([ours, floor]) => ours.latencyMs.p99 !== null && floor.latencyMs.p99 !== null) : [];
  const excess = latPairs.map(([ours, floor]) => ours.latencyMs.p99 - floor.latencyMs.p99);
  targets.push({
    target: `latency p99 (final text), ours vs nr-floor${latN && latN !== 200 ? " (no N=200 pair)" : ""}`,
    measured: latPairs.length
      ? `${latPairs.map(([ours, floor]) => `${f(ours.latencyMs.p99)} vs ${f(floor.latencyMs.p99)}`).join(", ")} ms at N=${latN}` +
        (latPairs.length > 1 ? `; excess median ${f(median(excess))} ms` : "")
      : "-",
    limit: "<= nr-floor + 1 ms",
    met: latPairs.length ? median(excess) <= 1 : null,
  });

  // Each round's searches are paired; a round whose nr-floor search held nothing says nothing.
  const capPairs = capacity
    .filter((c) => c.contender === "nodered")
    .flatMap((ours) => {
      const floor = capacity.find((c) => c.contender === "nr-floor" && c.round === ours.round);
      return floor && floor.capacity > 0 ? [[ours, floor]] : [];
    });
  const capRatios = capPairs.map(([ours, floor]) => ours.capacity / floor.capacity);
  const capShown = capPairs.map(([ours, floor]) => `${ours.capacityLabel} / ${floor.capacityLabel} = ${f(ours.capacity / floor.capacity)}x`);
  targets.push({
    target: "capacity, ours / nr-floor (--find-max)",
    measured: capPairs.length === 0 ? "-" : capPairs.length === 1 ? capShown[0] : `${f(median(capRatios))}x (median of ${capPairs.length}: ${capShown.join(", ")})`,
    limit: ">= 0.9x",
    // Both at the search's upper bound says nothing about the ratio beyond it, but does not fail it.
    met: capPairs.length ? median(capRatios) >= 0.9 : null,
  });

  for (const n of [200, 1000]) {
    const ours = rows("nodered", n);
    const raw = ours.map((r) => r.rssPerSessionKB);
    const lessYoung = ours.map((r) => r.rssLessYoungPerSessionKB);
    targets.push({
      target: `memory per open session (RSS), ours at N=${n}`,
      measured: ours.length ? overRounds(raw, (v) => `${f(v, 0)} KB`) : "-",
      limit: "<= 150 KB",
      met: ours.length ? median(raw) <= 150 : null,
    });
    targets.push({
      target: `  the same without V8's young generation`,
      measured: ours.length ? overRounds(lessYoung, (v) => `${f(v, 0)} KB`) : "-",
      limit: "<= 150 KB",
      met: ours.length ? median(lessYoung) <= 150 : null,
    });
  }

  const pre = connectRows.find((r) => r.contender === "nodered")?.["pre-connected"];
  targets.push({
    target: "pre-connected first audio -> socket p50, ours",
    measured: pre ? `${f(pre.p50)} ms` : "-",
    limit: "<= 1.0 ms",
    met: pre ? pre.p50 <= 1.0 : null,
  });
  return targets;
}

module.exports = { evaluateTargets };
