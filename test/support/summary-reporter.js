"use strict";
// Mocha's spec output, plus the plain "N passed, N failed" closing line CI reads. Each failure is
// also written as one "FAILED: title — message" line, so scripts/test.js can repeat them at the
// very end: CI keeps only the tail of the output, and a failure in an early leg scrolls out of it.
// The mocha that is running (tools/node-red-4.0 brings its own for Node 18), not this package's.
const Mocha = require(require.resolve("mocha", { paths: [process.argv[1]] }));

const FAILED = "FAILED: ";

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, err) => {
      const message = String((err && err.message) || err).split("\n").slice(0, 3).join(" | ");
      failures.push(`${FAILED}${test.fullTitle()} — ${message.slice(0, 400)}`);
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats;
      for (const line of failures) process.stdout.write(`${line}\n`);
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}

SummaryReporter.FAILED = FAILED;
module.exports = SummaryReporter;
