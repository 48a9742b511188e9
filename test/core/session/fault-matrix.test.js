"use strict";
// Seeded fault injection over real sockets: every fixture format, sent as-is, through a
// TranscriptionStream to the simulator, with several faults per stream at random points (one of
// them while paused). The simulator hears words at known times in the file and finds where each
// connection's audio begins in the file by matching bytes, independently of the client. For each
// stream: the transcript is the script exactly once, final start_ms never decreases, and the last
// word lands within 100 ms of its time in the file. Runs with the client's ffmpeg use off and on.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { startSimulator } = require("../../../dist/simulator");
const { TranscriptionStream, wsTransport } = require("../../../dist/core/session");
const { systemClock } = require("../../../dist/core/clock");
const { prng } = require("../../fuzz/prng");
const { FIXTURES, SCRIPT, WORDS, FORMATS, locatorFor, bytesPerMsOf } = require("./timed-fixtures");

const SEED = Number(process.env.FAULT_SEED || 1207);
const KEY = "matrix-key";
const MAX_TIMELINE_ERROR_MS = 100;
const FAULTS = ["abrupt-close", "503", "408", "half-open"];

function inject(conn, fault) {
  if (fault === "abrupt-close") conn.abruptClose();
  else if (fault === "half-open") conn.stopResponding();
  else conn.failWith(Number(fault));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One stream of one file with the faults `plan` names; resolves with what the test measures. */
async function runStream(format, ffmpeg, plan) {
  const file = fs.readFileSync(path.join(FIXTURES, format.file));
  const sim = await startSimulator({
    apiKeys: [KEY],
    finalLagMs: 300,
    timedScript: { words: WORDS, locate: locatorFor(format, file) },
  });
  const stream = new TranscriptionStream({
    key: "m",
    url: sim.url,
    apiKey: KEY,
    authMethod: "header",
    start: { model: "stt-rt-v5", ...format.start },
    transport: wsTransport,
    clock: systemClock,
    keepaliveIntervalMs: 1000,
    connectTimeoutMs: 3000,
    finishTimeoutMs: 5000,
    pacing: true,
    maxQueuedBytes: 1 << 24,
    idleTimeoutMs: 0,
    reconnect: { enabled: true, maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 200, rateLimitDelayMs: 100, random: plan.random },
    heartbeatIntervalMs: 250,
    heartbeatTimeoutMs: 250,
    ffmpeg,
  });
  const responses = [];
  const restarts = [];
  const warnings = [];
  stream.on("response", (r) => responses.push(r));
  stream.on("restart", (r) => restarts.push(r));
  stream.on("warning", (w) => warnings.push(w));
  const closed = new Promise((resolve) => stream.on("closed", resolve));
  try {
    // Like `file in` in chunks: odd-sized pieces a bit faster than real time (the pacer holds them).
    const chunk = Math.round(bytesPerMsOf(format) * 100) + 1;
    const pieces = [];
    for (let at = 0; at < file.length; at += chunk) pieces.push(file.subarray(at, at + chunk));
    const faultAt = new Map(plan.live.map((f) => [f.piece, f.fault]));
    for (let i = 0; i < pieces.length; i++) {
      if (i === plan.pauseAt) {
        stream.control({ type: "pause" });
        await sleep(400);
        inject(sim.connections.at(-1), plan.paused);
        await sleep(1200);
        stream.control({ type: "resume" });
      }
      if (faultAt.has(i)) inject(sim.connections.at(-1), faultAt.get(i));
      stream.audio(pieces[i]);
      await sleep(80);
    }
    stream.control({ type: "stop" });
    const info = await Promise.race([closed, sleep(20000).then(() => ({ reason: "timeout" }))]);
    return { info, responses, restarts, warnings, connections: sim.connections.length, stats: stream.stats };
  } finally {
    stream.cancel();
    await sim.close();
  }
}

function planFor(random, pieces) {
  const live = [];
  const used = new Set();
  const pauseAt = random.int(Math.floor(pieces * 0.4), Math.floor(pieces * 0.6));
  used.add(pauseAt);
  while (live.length < 2) {
    const piece = random.int(3, pieces - 3);
    if ([...used].some((u) => Math.abs(u - piece) < 6)) continue;
    used.add(piece);
    live.push({ piece, fault: random.pick(FAULTS) });
  }
  return { live, pauseAt, paused: random.pick(FAULTS), random: random.next };
}

function check(name, result) {
  assert.strictEqual(result.info.reason, "finished", `${name}: ended ${result.info.reason} ${result.info.error ? result.info.error.message : ""}`);
  const finals = result.responses.flatMap((r) => r.tokens).filter((t) => t.is_final && t.text !== "<end>" && t.text !== "<fin>");
  const text = finals.map((t) => t.text).join("");
  assert.strictEqual(text, SCRIPT.join(" "), `${name}: transcript`);
  for (let i = 1; i < finals.length; i++) {
    assert.ok(finals[i].start_ms >= finals[i - 1].start_ms, `${name}: start_ms goes back at token ${i}: ${finals[i - 1].start_ms} → ${finals[i].start_ms}`);
  }
  const last = finals[finals.length - 1];
  const error = Math.abs(last.end_ms - WORDS[WORDS.length - 1].endMs);
  assert.ok(error <= MAX_TIMELINE_ERROR_MS, `${name}: last word ends at ${last.end_ms} ms, in the file at ${WORDS[WORDS.length - 1].endMs} ms`);
  return error;
}

describe(`fault matrix (seed ${SEED}): every format, faults at random points incl. while paused`, function () {
  this.timeout(120000);
  const rows = [];

  after(function () {
    if (rows.length === 0) return;
    const worst = Math.max(...rows.map((r) => r.error));
    console.log(`      format × ffmpeg × faults (seed ${SEED}); worst timeline error ${worst} ms`);
    for (const r of rows) console.log(`        ${r.line}`);
  });

  for (const ffmpeg of [false, true]) {
    it(`ffmpeg ${ffmpeg ? "allowed" : "off"}: every word exactly once, start_ms never back, last word within ${MAX_TIMELINE_ERROR_MS} ms`, async function () {
      const random = prng(SEED + (ffmpeg ? 1 : 0));
      const runs = FORMATS.map((format) => {
        const bytes = fs.statSync(path.join(FIXTURES, format.file)).size;
        const plan = planFor(random, Math.ceil(bytes / (Math.round(bytesPerMsOf(format) * 100) + 1)));
        return runStream(format, ffmpeg, plan).then((result) => ({ format, plan, result }));
      });
      const failures = [];
      for (const { format, plan, result } of await Promise.all(runs)) {
        const faults = [...plan.live.map((f) => f.fault), `${plan.paused} (paused)`].join(", ");
        const name = `${format.name} ffmpeg=${ffmpeg ? "on" : "off"}`;
        try {
          const error = check(name, result);
          rows.push({ error, line: `${name}: ${faults} → ${result.connections} sessions, timeline error ${error} ms, repeats dropped ${result.stats.repeatedFinalsDropped}, skipped ${result.stats.skippedMs} ms` });
        } catch (err) {
          failures.push(`${err.message} [faults: ${faults}; restarts ${JSON.stringify(result.restarts)}; warnings ${result.warnings.join(" | ")}]`);
        }
      }
      assert.deepStrictEqual(failures, []);
    });
  }
});
