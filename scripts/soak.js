#!/usr/bin/env node
/**
 * The long form of the fuzz and soak suites: `node scripts/soak.js` builds, then runs test/fuzz
 * and test/soak with FUZZ_LONG=1 and SOAK_LONG=1 (ten times the cases and cycles of `npm test`,
 * several minutes on two cores). FUZZ_SEED=n replays or explores another seed.
 */
const { spawnSync } = require("child_process");
const path = require("path");

const root = path.join(__dirname, "..");
const run = (args, env = process.env) => spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env }).status ?? 1;

const built = run([path.join(__dirname, "build.js")]);
if (built !== 0) process.exit(built);
const mocha = require.resolve("mocha/bin/mocha.js", { paths: [root] });
process.exit(
  run(
    [mocha, "--no-config", "--exit", "--timeout", "600000", "--reporter", "test/support/summary-reporter.js", "test/fuzz", "test/soak"],
    { ...process.env, FUZZ_LONG: "1", SOAK_LONG: "1" },
  ),
);
