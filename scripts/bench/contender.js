"use strict";
// The body of every contender process: set up the contender (see contenders/), drive the load or
// the connect-time test, measure, report to the parent over IPC.
// Usage (by bench.js only): node --expose-gc contender.js '<json config>'
const { hrMs, sleep } = require("./clock");
const { Probe } = require("./probe");
const { RealTimeLoad } = require("./load");
const { planFor } = require("./chunk-plan");
const { GcWindow } = require("./gc");
const { ErrorLog } = require("./errors");
const { WindowProfile } = require("./window-profile");

const cfg = JSON.parse(process.argv[2]);
// Never outlive the bench: if it goes away, so do we.
process.on("disconnect", () => process.exit(2));
// A throw nobody catches ends a real Node-RED too (its red.js exits on uncaughtException): report
// it as this contender's failure, with its message, rather than as a bare exit code.
process.on("uncaughtException", (err) => fail(`uncaught: ${err && err.stack ? err.stack : err}`));
const WARMUP_MS = 3000;

const send = (msg) => new Promise((resolve) => process.send(msg, resolve));
const keyOf = (i) => `s${i}`;

// What every stream sends (default PCM, as the bench always sent): its messages and their times.
const plan = planFor(cfg.format ?? "pcm", cfg.seconds, cfg.fixture);

async function runLoad(contender, probe) {
  const streams = cfg.streams;
  probe.markMemory("base");
  probe.markCpu("start");
  const rssSamples = [];
  const sampler = setInterval(() => rssSamples.push(process.memoryUsage.rss()), 1000);
  let windowOpen = false;
  const gcWindow = new GcWindow();
  const name = `${cfg.contender}${cfg.format && cfg.format !== "pcm" ? `-${cfg.format}` : ""}-${streams}`;
  const profiles = [
    new WindowProfile(cfg.cpuProfDir, name, "cpu"),
    cfg.allocSurvivors ? new WindowProfile(cfg.allocProfDir, `${name}-survivors`, "survivors") : new WindowProfile(cfg.allocProfDir, name, "alloc"),
  ];
  const finished = new Promise((resolve) => {
    const load = new RealTimeLoad({
      streams,
      plan,
      onChunk: (i, chunk, seq) => {
        // A contender that throws on send (the SDK's StateError once a session failed) is
        // counted, not allowed to stop the other streams' audio.
        try {
          contender.audio(keyOf(i), chunk, seq === 0);
        } catch (err) {
          contender.errors.push(`${keyOf(i)}: ${err.name ?? "Error"}: ${err.message}`);
        }
      },
      onDone: resolve,
    });
    load.start();
    setTimeout(() => {
      settleHeapLimit();
      windowOpen = true;
      probe.recording = true;
      probe.markCpu("window");
      gcWindow.start();
      for (const p of profiles) p.start();
      process.send({ type: "mark", name: "window" });
    }, Math.min(WARMUP_MS, (cfg.seconds * 1000) / 3));
    contender.generator = load;
  });
  await finished;
  probe.recording = false;
  probe.markCpu("end");
  const gc = windowOpen ? gcWindow.stop() : null;
  if (windowOpen) for (const p of profiles) await p.stop();
  process.send({ type: "mark", name: "end" });
  clearInterval(sampler);
  const lateSamples = contender.generator.lateSamples.sort((a, b) => a - b);
  probe.markMemory("open"); // every stream still open: memory per open session
  const ended = await contender.endAll(keyList(streams), 15000);
  return {
    windowOpen,
    plan: { format: cfg.format ?? "pcm", count: plan.count, periodMs: plan.periodMs, audioMs: plan.audioMs, lastDueMs: plan.dueMs(plan.count - 1) },
    generator: {
      maxLateMs: contender.generator.maxLateMs,
      p99LateMs: lateSamples[Math.floor(lateSamples.length * 0.99)] ?? 0,
    },
    peakRss: Math.max(0, ...rssSamples),
    gc,
    ended,
  };
}

/**
 * One full collection under load before the window opens. At each full collection V8 sets the old
 * generation's next limit from how fast the old generation is filling: the collection that takes
 * the idle baseline above happens while nothing is allocated, so the limit it leaves depends on the
 * last few milliseconds before it (growth factors 1.6-4 were seen) and decides whether a contender
 * ever starts marking within the window. A Node-RED that has run for a while has had its full
 * collections under load, which with these heaps (~35 MB, a few hundred KB promoted per second)
 * give the smallest factor, 1.1, and a mark-compact every second or so. This puts every contender
 * in that regime, the one it stays in, rather than leaving it to chance.
 */
function settleHeapLimit() {
  if (global.gc) global.gc();
}

/**
 * First audio message → first audio byte on the socket, one stream at a time so nothing else
 * competes: cold (the audio opens the stream) and pre-connected (opened first, audio later).
 */
async function runConnect(contender) {
  const firstSend = {};
  const count = cfg.samples;
  for (let i = 0; i < count; i++) {
    const key = `cold${i}`;
    firstSend[key] = { mode: "cold", at: hrMs() };
    contender.audio(key, plan.chunk(0), true);
    await sleep(150);
  }
  const warm = Array.from({ length: count }, (_, i) => `warm${i}`);
  for (const key of warm) await contender.preconnect(key);
  await sleep(300);
  for (const key of warm) {
    firstSend[key] = { mode: "pre-connected", at: hrMs() };
    contender.audio(key, plan.chunk(0), true);
    await sleep(50);
  }
  await sleep(300);
  const ended = await contender.endAll([...Array.from({ length: count }, (_, i) => `cold${i}`), ...warm], 10000);
  return { firstSend, ended };
}

function keyList(n) {
  return Array.from({ length: n }, (_, i) => keyOf(i));
}

async function main() {
  const probe = new Probe();
  const create = require(`./contenders/${cfg.contender}`);
  const contender = await create(cfg, probe, new ErrorLog());
  // One throwaway stream first, so modules loaded on first use (undici for the SDK, the transport
  // for all) are in the baseline and memory per session is the cost of one more session.
  contender.audio("warmup", plan.chunk(0), true);
  await sleep(300);
  await contender.endAll(["warmup"], 5000);
  await sleep(500);
  await send({ type: "ready" });
  const result = cfg.mode === "connect" ? await runConnect(contender) : await runLoad(contender, probe);
  await send({
    type: "result",
    result: {
      ...result,
      cpuMarks: probe.cpuMarks,
      memMarks: probe.memMarks,
      latencies: probe.latencies,
      anyTextLatencies: probe.anyTextLatencies,
      sinkMessages: probe.sinkMessages,
      errors: contender.errors.toJSON(),
    },
  });
  await contender.close();
  process.exit(0);
}

async function fail(error) {
  if (process.connected) await send({ type: "failed", error });
  process.exit(1);
}

main().catch((err) => fail(err && err.stack ? err.stack : String(err)));
