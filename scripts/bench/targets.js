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

const keptUp = (r) => r.streamsKeptRealTime === r.streams;

/** Load rows of one run, looked up by contender, stream count and (default PCM) format. */
function rowIndex(loadRows) {
  const ok = loadRows.filter((r) => !r.failed);
  const rows = (contender, streams, format = "pcm") => ok.filter((r) => r.contender === contender && r.streams === streams && (r.format ?? "pcm") === format);
  /** The rounds in which both contenders ran at N on this format and kept every stream in real time. */
  const pairs = (ours, other, n, format) =>
    rows(ours, n, format).flatMap((mine) => {
      const theirs = rows(other, n, format).find((r) => r.round === mine.round);
      return theirs && keptUp(mine) && keptUp(theirs) ? [[mine, theirs]] : [];
    });
  // CPU figures of a run that fell behind are not steady-state figures: compare at the largest N both kept up with.
  const commonN = (ours, other, format) =>
    [...new Set(ok.map((r) => r.streams))].filter((n) => pairs(ours, other, n, format).length > 0).sort((a, b) => b - a)[0];
  return { ok, rows, pairs, commonN };
}

/** ours / other over paired rounds at the largest N both kept up with, judged against `limit`. */
function ratioTarget(index, { target, ours, other, format, figure, limit }) {
  const n = index.commonN(ours, other, format);
  const ratios = n ? index.pairs(ours, other, n, format).map(([mine, theirs]) => figure(mine) / figure(theirs)).filter(Number.isFinite) : [];
  return {
    target,
    measured: ratios.length ? `${overRounds(ratios, (v) => `${f(v)}x`)} at N=${n}` : "-",
    limit: `<= ${limit}x`,
    met: ratios.length ? median(ratios) <= limit : null,
  };
}

/** Each round's capacity searches paired; a round whose reference search held nothing says nothing. */
function capacityTarget(capacity, { target, ours, reference, limit }) {
  const capPairs = capacity
    .filter(ours)
    .flatMap((mine) => {
      const ref = capacity.find((c) => reference(c) && c.round === mine.round);
      return ref && ref.capacity > 0 ? [[mine, ref]] : [];
    });
  const capRatios = capPairs.map(([mine, ref]) => mine.capacity / ref.capacity);
  const capShown = capPairs.map(([mine, ref]) => `${mine.capacityLabel} / ${ref.capacityLabel} = ${f(mine.capacity / ref.capacity)}x`);
  return {
    target,
    measured: capPairs.length === 0 ? "-" : capPairs.length === 1 ? capShown[0] : `${f(median(capRatios))}x (median of ${capPairs.length}: ${capShown.join(", ")})`,
    limit: `>= ${limit}x`,
    // Both at the search's upper bound says nothing about the ratio beyond it, but does not fail it.
    met: capPairs.length ? median(capRatios) >= limit : null,
  };
}

/** Issue 15's targets, from the PCM rows. @returns {{target: string, measured: string, limit: string, met: boolean | null}[]} */
function evaluateTargets({ loadRows, capacity, connectRows }) {
  const index = rowIndex(loadRows);
  const rows = (contender, streams) => index.rows(contender, streams);
  const pairs = (other, n) => index.pairs("nodered", other, n, "pcm");
  const commonN = (other) => index.commonN("nodered", other, "pcm");
  const targets = [];

  for (const [other, limit] of [["nr-floor", 1.15], ["nr-sdk", 0.8]]) {
    const figure = (r) => r.cpuSecondsPerStreamMinute;
    targets.push(ratioTarget(index, { target: `CPU per stream-minute, ours / ${other}`, ours: "nodered", other, format: "pcm", figure, limit }));
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

  const pcmCapacity = (contender) => (c) => c.contender === contender && (c.format ?? "pcm") === "pcm";
  targets.push(capacityTarget(capacity, { target: "capacity, ours / nr-floor (--find-max)", ours: pcmCapacity("nodered"), reference: pcmCapacity("nr-floor"), limit: 0.9 }));

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

/**
 * Issue 28's targets, per compressed format against nr-floor sending the same bytes: CPU and
 * allocation ratios, ours' WebM/Opus capacity against its PCM capacity, and memory per session.
 */
function evaluateFormatTargets({ loadRows, capacity }) {
  const index = rowIndex(loadRows);
  const formats = [...new Set(index.ok.map((r) => r.format ?? "pcm"))];
  const targets = [];
  for (const format of formats.filter((x) => x !== "pcm")) {
    targets.push(ratioTarget(index, { target: `CPU per stream-minute, ours / nr-floor, ${format}`, ours: "nodered", other: "nr-floor", format, figure: (r) => r.cpuSecondsPerStreamMinute, limit: 1.2 }));
  }
  for (const format of formats) {
    targets.push(ratioTarget(index, { target: `allocation per stream-minute, ours / nr-floor, ${format}`, ours: "nodered", other: "nr-floor", format, figure: (r) => r.gc?.allocatedMBPerStreamMinute, limit: 1.15 }));
  }
  const ofFormat = (format) => (c) => c.contender === "nodered" && (c.format ?? "pcm") === format;
  targets.push(capacityTarget(capacity, { target: "capacity, ours on webm-opus / ours on pcm (--find-max)", ours: ofFormat("webm-opus"), reference: ofFormat("pcm"), limit: 0.9 }));
  for (const format of formats) {
    // At the largest N ours ran on this format: the figure per session is steadiest there.
    const n = Math.max(...index.ok.filter((r) => r.contender === "nodered" && (r.format ?? "pcm") === format).map((r) => r.streams));
    const ours = Number.isFinite(n) ? index.rows("nodered", n, format) : [];
    targets.push({
      target: `memory per open session (RSS without young generation), ours, ${format}`,
      measured: ours.length ? `${overRounds(ours.map((r) => r.rssLessYoungPerSessionKB), (v) => `${f(v, 0)} KB`)} at N=${n}` : "-",
      limit: "<= 150 KB",
      met: ours.length ? median(ours.map((r) => r.rssLessYoungPerSessionKB)) <= 150 : null,
    });
  }
  return targets;
}

module.exports = { evaluateTargets, evaluateFormatTargets };
