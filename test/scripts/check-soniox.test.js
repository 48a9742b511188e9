"use strict";
// npm run check:soniox against the simulator, run as a real child process over real sockets,
// once with every UNCONFIRMED switch at its default and once with each one flipped: the script
// must name the switch setting the simulator actually runs with, both ways.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { spawn } = require("child_process");
const { startSimulator } = require("../../dist/simulator");

const ROOT = path.resolve(__dirname, "..", "..");
const KEY = "check-key";
const TRANSCRIPT = fs.readFileSync(path.join(ROOT, "test", "fixtures", "audio", "transcript.txt"), "utf8").trim();

function runCheck(env, args = []) {
  return new Promise((resolve) => {
    const childEnv = { ...process.env, SONIOX_CHECK_WAIT_MS: "2000", ...env };
    for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
    const child = spawn(process.execPath, [path.join(ROOT, "scripts", "check-soniox.js"), "--json", ...args], { cwd: ROOT, env: childEnv });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").pop();
      let rows = null;
      try {
        rows = JSON.parse(last).rows;
      } catch {
        rows = null;
      }
      resolve({ code, stdout, stderr, rows });
    });
  });
}

/** The probe's answer by probe id (the recognition probe has two rows; the auth row is what matters here). */
function switches(rows) {
  return Object.fromEntries(rows.filter((r) => r.check !== "text recognised").map((r) => [r.probe, r.simulator]));
}

describe("scripts/check-soniox.js (npm run check:soniox) against the simulator", function () {
  this.timeout(60000);
  let sim = null;

  afterEach(async function () {
    if (sim) await sim.close();
    sim = null;
  });

  it("without SONIOX_API_KEY: prints what it would do and the billed time, exits non-zero, connects nowhere", async function () {
    sim = await startSimulator({ apiKeys: [KEY] });
    const r = await runCheck({ SONIOX_WS_URL: sim.url, SONIOX_API_KEY: undefined });
    assert.strictEqual(r.code, 2, r.stderr);
    assert.match(r.stdout, /Billed stream time, up front: about \d+ s/);
    assert.match(r.stdout, /keepalive-before-audio/);
    assert.match(r.stderr, /SONIOX_API_KEY is not set/);
    assert.strictEqual(sim.connections.length, 0);
  });

  it("a key the region rejects: says so from the key check and stops before opening any stream", async function () {
    sim = await startSimulator({ apiKeys: [KEY] });
    const r = await runCheck({ SONIOX_WS_URL: sim.url, SONIOX_API_KEY: "not-the-key" });
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /Key check \(http:\/\/127\.0\.0\.1:\d+\): key-rejected \(HTTP 401 unauthenticated/);
    assert.match(r.stderr, /Nothing was streamed/);
    assert.strictEqual(sim.connections.length, 0);
    assert.ok(!r.stdout.includes("not-the-key") && !r.stderr.includes("not-the-key"));
  });

  it("every switch at its default: the text is recognised and each probe names the default setting", async function () {
    sim = await startSimulator({ apiKeys: [KEY], script: TRANSCRIPT, startTimeoutMs: 1200, firstAudioTimeoutMs: 1200 });
    const r = await runCheck({ SONIOX_WS_URL: sim.url, SONIOX_API_KEY: KEY });
    assert.ok(r.rows, `no JSON result:\n${r.stdout}\n${r.stderr}`);
    assert.strictEqual(r.code, 0, r.stdout);
    assert.ok(r.rows.find((x) => x.check === "text recognised").pass);
    assert.match(r.stdout, /check\s+result\s+simulator switch/);
    // The README invites users to paste this output into bug reports.
    assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY), "the API key appears in the output");
    assert.deepStrictEqual(switches(r.rows), {
      recognition: "auth.header: true",
      "subprotocol-auth": "auth.subprotocol: true",
      // The simulator is strict by default: the pessimistic reading of both UNCONFIRMED points.
      "keepalive-before-audio": "firstAudioKeepaliveCounts: false",
      "keepalive-before-start": "keepaliveBeforeStartCounts: true",
      "unknown-start-fields": "rejectUnknownFields: true",
      "temp-key-subprotocol": "mints temp: keys (as the simulator does)",
      "finalize-cadence": "none (the simulator never refuses frequent finalize)",
      "error-frame-shape": "error_code + error_message (+ tokens: [])",
      "bad-key": 'badKeyResponse: "frame"',
      "header-and-subprotocol": "rejectHeaderAndSubprotocolTogether: false",
      "empty-binary-frame": "emptyBinaryEndsStream: false",
    });
  });

  it("every switch flipped: each probe names the other setting", async function () {
    sim = await startSimulator({
      apiKeys: [KEY],
      script: TRANSCRIPT,
      startTimeoutMs: 1200,
      firstAudioTimeoutMs: 1200,
      keepaliveBeforeStartCounts: false,
      firstAudioKeepaliveCounts: true,
      rejectUnknownFields: false,
      badKeyResponse: "http",
      rejectHeaderAndSubprotocolTogether: true,
      emptyBinaryEndsStream: true,
    });
    const r = await runCheck({ SONIOX_WS_URL: sim.url, SONIOX_API_KEY: KEY });
    assert.ok(r.rows, `no JSON result:\n${r.stdout}\n${r.stderr}`);
    assert.strictEqual(r.code, 0, r.stdout);
    assert.ok(r.rows.find((x) => x.check === "text recognised").pass, "header auth still streams the sample");
    const s = switches(r.rows);
    assert.deepStrictEqual(
      [s["keepalive-before-audio"], s["keepalive-before-start"], s["unknown-start-fields"], s["bad-key"], s["header-and-subprotocol"], s["empty-binary-frame"]],
      ["firstAudioKeepaliveCounts: true", "keepaliveBeforeStartCounts: false", "rejectUnknownFields: false", 'badKeyResponse: "http"', "rejectHeaderAndSubprotocolTogether: true", "emptyBinaryEndsStream: true"],
    );
  });

  // Apart: with subprotocol auth off, the simulator never looks at the protocols list, so the header+protocols probe would see a plain header connection.
  it("subprotocol auth refused (--only subprotocol-auth): reported as auth.subprotocol: false, and the failed check fails the run", async function () {
    sim = await startSimulator({ apiKeys: [KEY], auth: { subprotocol: false } });
    const r = await runCheck({ SONIOX_WS_URL: sim.url, SONIOX_API_KEY: KEY }, ["--only", "subprotocol-auth"]);
    assert.ok(r.rows, `no JSON result:\n${r.stdout}\n${r.stderr}`);
    assert.strictEqual(r.code, 1, "a failed check fails the run");
    assert.deepStrictEqual(r.rows.map((x) => [x.probe, x.pass, x.simulator]), [["subprotocol-auth", false, "auth.subprotocol: false"]]);
    assert.match(r.stdout, /FAIL {2}subprotocol auth/);
    assert.match(r.stdout, /about 2 s in 1 streams/);
  });
});
