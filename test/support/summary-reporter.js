"use strict";
// Mocha's spec output, plus the plain "N passed, N failed" closing line CI reads.
// The mocha that is running (tools/node-red-4.0 brings its own for Node 18), not this package's.
const Mocha = require(require.resolve("mocha", { paths: [process.argv[1]] }));

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats;
      process.stdout.write(`\n${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}

module.exports = SummaryReporter;
