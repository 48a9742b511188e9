"use strict";
// Capacity search: the largest N at which a contender keeps >= 99 % of its streams within the lag
// limit of real time with no errors. Doubling from `from` until a run fails or `to` passes, then
// bisection until the bracket is narrower than `precision` of the passing N (at least 5 streams),
// or the time budget is spent, in which case the bracket found so far is reported.

/** Did this load row hold N streams? A reason when not, null when it did. */
function whyNotHeld(row) {
  if (row.failed) return row.failed;
  if (row.errorCount > 0) return `${row.errorCount} errors (${(row.contenderErrors[0] ?? row.simulatorErrors[0] ?? "").split("\n")[0]})`;
  if (row.streamsKeptRealTime < 0.99 * row.streams) return `${row.streamsKeptRealTime}/${row.streams} kept real time (max lag ${Math.round(row.audioLag.maxMs ?? 0)} ms)`;
  return null;
}

/**
 * @param {string} contender
 * @param {(streams: number) => Promise<object>} measure runs one load and returns its row (never throws)
 * @param {{from: number, to: number, precision: number, budgetSeconds: number, log: (line: string) => void}} o
 */
async function findMax(contender, measure, o) {
  const started = Date.now();
  const probes = [];
  let held = 0;
  let failed = null;
  let failReason = null;
  const probe = async (n) => {
    const t0 = Date.now();
    const row = await measure(n);
    const reason = whyNotHeld(row);
    probes.push({ streams: n, held: !reason, reason, row });
    o.log(`    ${contender} N=${n}: ${reason ? `no: ${reason.split("\n")[0].slice(0, 120)}` : "held"} (${Math.round((Date.now() - t0) / 1000)} s)`);
    if (reason) {
      failed = n;
      failReason = reason;
    } else held = n;
    return !reason;
  };
  const overBudget = () => (Date.now() - started) / 1000 > o.budgetSeconds;

  for (let n = Math.min(o.from, o.to); ; n = Math.min(2 * n, o.to)) {
    if (!(await probe(n)) || n >= o.to || overBudget()) break;
  }
  while (failed !== null && failed - held > Math.max(5, o.precision * held) && !overBudget()) {
    await probe(Math.round((held + failed) / 2));
  }
  return {
    contender,
    capacity: held,
    capacityLabel: failed === null && held >= o.to ? `>= ${held}` : String(held),
    firstFailing: failed,
    failReason,
    failed: held === 0 ? failReason : null,
    probes: probes.map(({ row, ...p }) => p),
    searchSeconds: (Date.now() - started) / 1000,
  };
}

module.exports = { findMax, whyNotHeld };
