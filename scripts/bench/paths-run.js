"use strict";
// One run of bench-paths.js: `streams` streams of one format through a StreamRegistry, on a
// virtual clock, every socket a counter. Messages go in at their plan's due times (chunk-plan.js,
// each stream from its own phase, as load.js sends them); each stream gets a response every
// RESPONSE_EVERY_MS of its audio shaped like the simulator's (finals 2 s behind, the words since
// as non-finals), so the response path and the replay log work as under the load bench.
const path = require("path");
const { GcWindow } = require("./gc");
const { planFor } = require("./chunk-plan");
const { WindowProfile } = require("./window-profile");
const { transcribeDialog } = require("./contenders/nodered");
const dist = path.join(__dirname, "..", "..", "dist");
const { StreamRegistry } = require(path.join(dist, "core", "streams"));
const { streamSettings, baseStartMessage } = require(path.join(dist, "nodes", "lib", "transcribe-options"));

const WARM_UP_MS = 3000;
const RESPONSE_EVERY_MS = 280;
const FINAL_LAG_MS = 2000;
const WORD_MS = 350;
const NO_PROPS = Object.freeze({ rate: undefined, channels: undefined, bits: undefined, encoding: undefined, format: undefined });

/** Timers in due order; time moves only when the run says so. */
class VirtualClock {
  constructor() {
    this.t = 0;
    this.timers = [];
    this.seq = 0;
  }
  now() {
    return this.t;
  }
  setTimeout(fn, ms) {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, live: true };
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1].at > timer.at || (this.timers[i - 1].at === timer.at && this.timers[i - 1].seq > timer.seq))) i--;
    this.timers.splice(i, 0, timer);
    return timer;
  }
  clearTimeout(timer) {
    if (timer) timer.live = false;
  }
  advanceTo(t) {
    while (this.timers.length > 0 && this.timers[0].at <= t) {
      const timer = this.timers.shift();
      this.t = timer.at;
      if (timer.live) timer.fn();
    }
    this.t = Math.max(this.t, t);
  }
}

/** A registry with the transcribe node's settings as the load bench's flow sets them. */
function registryFor(format, clock, transports) {
  const dialog = transcribeDialog(format);
  const transport = (_request, handlers) => {
    const t = { handlers, frames: 0, bytes: 0, opened: false, bufferedAmount: 0, send: (data) => ((t.frames += 1), (t.bytes += data.length)), close() {}, terminate() {} };
    transports.push(t);
    return t;
  };
  return new StreamRegistry({
    settings: streamSettings(dialog),
    base: baseStartMessage(dialog),
    connection: () => ({ url: "ws://127.0.0.1:9/transcribe-websocket", apiKey: "bench", authMethod: "header" }),
    transport,
    clock,
    utterances: false,
  });
}

/** The response a stream gets `ms` into its audio: new finals up to ms - FINAL_LAG_MS, the rest non-final. */
function responseText(ms, lastFinalMs) {
  const finalMs = Math.max(0, ms - FINAL_LAG_MS);
  const tokens = [];
  for (let w = Math.floor(lastFinalMs / WORD_MS); (w + 1) * WORD_MS <= ms; w++) {
    const start = w * WORD_MS;
    const end = start + WORD_MS - 50;
    if (end <= lastFinalMs) continue;
    tokens.push({ text: w % 3 === 0 ? " al" : "pha", start_ms: start, end_ms: end, confidence: 0.93, is_final: end <= finalMs });
  }
  return { text: JSON.stringify({ tokens, final_audio_proc_ms: finalMs, total_audio_proc_ms: ms }), finalMs };
}

/**
 * Drives every stream's plan through `input` and its responses through `respond`; times only what
 * happens after the warm-up. Returns the measured totals.
 */
function drive({ plan, streams, clock, input, respond, afterInput }) {
  const chunks = Array.from({ length: plan.count }, (_, seq) => plan.chunk(seq));
  const nextResponse = new Float64Array(streams).fill(RESPONSE_EVERY_MS);
  const lastFinal = new Float64Array(streams);
  let chunkNs = 0n;
  let responseNs = 0n;
  let measuredChunks = 0;
  let measuredResponses = 0;
  let gc = null;
  let measureFrom = 0;
  const keys = Array.from({ length: streams }, (_, k) => `s${k}`);
  for (let seq = 0; seq < plan.count; seq++) {
    for (let k = 0; k < streams; k++) {
      const phase = (k * plan.periodMs) / streams;
      const due = plan.dueMs(seq) + phase;
      clock.advanceTo(due);
      const measuring = due >= WARM_UP_MS;
      if (measuring && gc === null) {
        gc = new GcWindow();
        gc.start();
        measureFrom = due;
      }
      const t0 = process.hrtime.bigint();
      input(keys[k], chunks[seq]);
      if (measuring) {
        chunkNs += process.hrtime.bigint() - t0;
        measuredChunks++;
      }
      afterInput();
      const audioMs = due - phase;
      while (nextResponse[k] <= audioMs) {
        const { text, finalMs } = responseText(nextResponse[k], lastFinal[k]);
        lastFinal[k] = finalMs;
        nextResponse[k] += RESPONSE_EVERY_MS;
        const t1 = process.hrtime.bigint();
        respond(k, text);
        if (measuring) {
          responseNs += process.hrtime.bigint() - t1;
          measuredResponses++;
        }
      }
    }
  }
  const gcStats = gc.stop();
  const streamMinutes = (streams * (clock.now() - measureFrom)) / 60000;
  return {
    usPerChunk: Number(chunkNs) / 1000 / measuredChunks,
    usPerResponse: Number(responseNs) / 1000 / measuredResponses,
    msPerStreamMin: (Number(chunkNs + responseNs) / 1e6) / streamMinutes,
    allocKBPerStreamMin: gcStats.allocatedBytes / 1024 / streamMinutes,
    chunksPerStreamMin: measuredChunks / streamMinutes,
    responsesPerStreamMin: measuredResponses / streamMinutes,
  };
}

function measureOurs(format, streams, plan) {
  const clock = new VirtualClock();
  const transports = [];
  const registry = registryFor(format, clock, transports);
  const warnings = new Set();
  let responses = 0;
  registry.on("response", () => responses++);
  registry.on("warning", (w) => warnings.add(w));
  registry.on("failure", ({ key, error }) => {
    throw new Error(`${format} stream ${key} failed: ${error.message}`);
  });
  let opened = 0;
  const result = drive({
    plan,
    streams,
    clock,
    input: (key, chunk) => registry.input({ key, audio: chunk, command: null, overrides: undefined, routing: {}, props: NO_PROPS }),
    // A session connects on its first audio; its socket opens at once here.
    afterInput: () => {
      while (opened < transports.length) transports[opened++].handlers.open();
    },
    respond: (k, text) => transports[k].handlers.message(text, false),
  });
  const frames = transports.reduce((n, t) => n + t.frames, 0);
  if (responses === 0) throw new Error(`${format}: no response reached the registry's listeners`);
  return { ...result, framesPerChunk: frames / (plan.count * streams), warnings: [...warnings] };
}

/** nr-floor's own JavaScript on the same messages: find the stream's socket, send; parse each response. */
function measureFloor(streams, plan) {
  const clock = new VirtualClock();
  const sockets = new Map();
  let sink = 0;
  return drive({
    plan,
    streams,
    clock,
    input: (key, chunk) => {
      let s = sockets.get(key);
      if (s === undefined) sockets.set(key, (s = { frames: 0, bytes: 0 }));
      s.frames++;
      s.bytes += chunk.length;
    },
    afterInput: () => {},
    respond: (_k, text) => {
      sink += JSON.parse(text).tokens.length;
    },
  });
}

/**
 * Each side runs the whole plan twice and the second run is measured: the first leaves the code
 * compiled by V8's optimizing tier, as a Node-RED that has been streaming for a while has it (a
 * single run measured a process's first seconds: 2-3x slower per message, and varying).
 */
async function measure({ format, streams, seconds, fixture, profile }) {
  const plan = planFor(format, seconds, fixture);
  measureFloor(streams, plan);
  const floor = measureFloor(streams, plan);
  measureOurs(format, streams, plan);
  // --cpu-prof / --alloc-prof: ours' measured run only (scripts/bench/profile-summary.js reads it).
  const profiler = profile ? new WindowProfile(profile.dir, `paths-${format}`, profile.kind) : null;
  profiler?.start();
  const ours = measureOurs(format, streams, plan);
  const profileFile = profiler ? await profiler.stop() : null;
  for (const w of ours.warnings) console.error(`  ${format}: warning from a stream: ${w}`);
  return { format, streams, seconds, chunksPerStreamMin: ours.chunksPerStreamMin, responsesPerStreamMin: ours.responsesPerStreamMin, ours, floor, profileFile };
}

module.exports = { measure, VirtualClock, responseText };
