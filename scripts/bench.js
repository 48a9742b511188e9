#!/usr/bin/env node
// `npm run bench`: what our nodes cost inside Node-RED, against what a Node-RED user would run
// instead, in the same embedded Node-RED and flow shape (source → X → sink): the least any node
// can do with bare ws (nr-floor), and a function node using the official SDK (nr-sdk). The bare ws
// client (floor) and the SDK (sdk) outside Node-RED stay as reference rows. For each stream count
// N and contender it starts a fresh simulator process and a fresh contender process, drives N live
// 16 kHz PCM streams for a fixed time and reports CPU per stream-minute, memory per open session,
// added latency, audio lag, errors, GC pauses and allocation. --find-max searches each contender's
// capacity; first audio → socket is timed cold and pre-connected; a targets table judges ours
// against the issue's goals. --format streams compressed audio too (formats.js), as-is and, for
// ours, transcoded to PCM by ffmpeg (nodered-transcode), each against nr-floor sending the same
// bytes. Prints tables, writes JSON to bench-results/. Options: --help.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { parseArgs } = require("util");
const children = require("./bench/children");
const { loadRow, connectRow, printLoadTable, printGcTable, printCapacityTable, printTargetsTable, printConnectTable, short } = require("./bench/report");
const { findMax } = require("./bench/find-max");
const { packageVersion } = require("./bench/package-dir");
const { evaluateTargets, evaluateFormatTargets } = require("./bench/targets");
const { FORMATS, FORMAT_NAMES } = require("./bench/formats");
const { fixturesFor } = require("./bench/fixtures");
const { planFor } = require("./bench/chunk-plan");

const ROOT = path.resolve(__dirname, "..");
const API_KEY = "bench-key";
const ALL_CONTENDERS = ["floor", "sdk", "nr-floor", "nr-sdk", "nodered", "nodered-transcode"];
// Converts compressed audio to PCM: a PCM stream has nothing for it to do.
const COMPRESSED_ONLY = ["nodered-transcode"];
// Named only on purpose: ours with one hop (transcribe → sink, no token filter), for splitting
// ours' cost from the second hop's.
const EXTRA = ["nodered-tx"];
// Named only on purpose: a contender that crashes mid-run, to check failures become rows.
const SELF_CHECK = ["broken"];
const USAGE = `Usage: npm run bench -- [--streams 1,10,100,200] [--seconds 20] [--contenders ${ALL_CONTENDERS.join(",")}]
                      [--format pcm] [--sim-timing bytes] [--find-max-formats pcm,webm-opus] [--find-max] [--find-max-from 50] [--find-max-to 1000] [--find-max-seconds 10] [--find-max-minutes 8]
                      [--repeat 1] [--connect-samples 10] [--max-lag-ms 500] [--cpu-prof nodered] [--alloc-prof nodered [--alloc-survivors]] [--nodered-flags=--flag] [--out bench-results]
  --streams          stream counts to run (each: a fresh simulator and contender process);
                     with --find-max and no --streams, none
  --seconds          audio seconds per stream per run (the first 3 s are warm-up, not measured)
  --contenders       outside Node-RED: floor (bare ws), sdk (@soniox/node);
                     inside an embedded Node-RED, source → X → sink: nr-floor (minimal bare-ws node),
                     nr-sdk (function node using @soniox/node), nodered (soniox-transcribe → soniox-token-filter);
                     nodered-transcode (ours with convert to PCM: ffmpeg per stream; compressed formats only);
                     named only: nodered-tx (soniox-transcribe → sink, one hop like nr-floor),
                     broken (a harness self-check that crashes mid-run)
  --format           audio every stream sends, one run of every N and contender per format:
                     ${FORMAT_NAMES.map((n) => `${n} (${FORMATS[n].label})`).join(",\n                     ")};
                     compressed fixtures are encoded once into <out>/fixtures (scripts/bench/fixtures.js)
  --sim-timing       how the simulator times compressed audio: bytes (default: each byte at the stream's
                     average rate, speech and silence where the source audio has them; no decoders on the
                     machine) or decode (an ffmpeg per stream counts its samples: about 0.25-0.85 % of a
                     core per stream, so at hundreds of streams the simulator saturates and misjudges pacing)
  --find-max-formats formats whose capacity --find-max searches (default: pcm and webm-opus, those named in --format)
  --find-max         search each contender's capacity (largest N with >= 99 % of streams in real
                     time and no errors), doubling from --find-max-from to --find-max-to, then
                     bisecting to 10 %; floor is always searched too, as the reference.
                     --find-max-seconds: audio seconds per search run (default: --seconds, at most 10);
                     --find-max-minutes bounds each contender's search (default 8)
  --repeat           rounds of the load runs and of the capacity search: each round runs every contender
                     at every N once (and searches each once), in turn; the targets take each round's
                     ratios and the median over rounds decides
  --connect-samples  streams per contender for the first-audio → socket test (0 skips it)
  --max-lag-ms       a stream "kept real time" if it never fell further behind than this
  --cpu-prof         contenders to profile over the measured window (load runs; <out>/profiles/*.cpuprofile,
                     read with node scripts/bench/profile-summary.js)
  --alloc-prof       contenders whose allocations to sample over the measured window, also what a scavenge
                     frees (<out>/profiles/*.heapprofile, read with the same script);
                     with --alloc-survivors, only what outlived every scavenge (promoted to the old generation)
  --nodered-flags    extra node flags for every embedded Node-RED process (nr-floor, nr-sdk, nodered*),
                     e.g. --nodered-flags=--max-semi-space-size=32
Env: BENCH_STREAMS, BENCH_SECONDS override the defaults.`;

function options() {
  const { values } = parseArgs({
    options: {
      streams: { type: "string", default: process.env.BENCH_STREAMS },
      seconds: { type: "string", default: process.env.BENCH_SECONDS || "20" },
      contenders: { type: "string", default: ALL_CONTENDERS.join(",") },
      format: { type: "string", default: "pcm" },
      "find-max-formats": { type: "string" },
      "sim-timing": { type: "string", default: "bytes" },
      "find-max": { type: "boolean", default: false },
      "find-max-from": { type: "string", default: "50" },
      "find-max-to": { type: "string", default: "1000" },
      "find-max-seconds": { type: "string" },
      "find-max-minutes": { type: "string", default: "8" },
      repeat: { type: "string", default: "1" },
      "connect-samples": { type: "string", default: "10" },
      "max-lag-ms": { type: "string", default: "500" },
      "cpu-prof": { type: "string", default: "" },
      "alloc-prof": { type: "string", default: "" },
      "alloc-survivors": { type: "boolean", default: false },
      "nodered-flags": { type: "string", default: "" },
      out: { type: "string", default: path.join(ROOT, "bench-results") },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const list = (s) => s.split(",").map((x) => x.trim()).filter(Boolean);
  const streams = list(values.streams ?? (values["find-max"] ? "" : "1,10,100,200")).map(Number);
  const validN = (n) => Number.isInteger(n) && n >= 1 && n <= 1000;
  if (streams.some((n) => !validN(n))) {
    throw new Error(`--streams must be whole numbers from 1 to 1000 (the node's max streams), got "${values.streams}".`);
  }
  const seconds = Number(values.seconds);
  if (!(seconds >= 6 && seconds <= 600)) throw new Error(`--seconds must be from 6 to 600, got "${values.seconds}".`);
  const contenders = list(values.contenders);
  const unknown = contenders.filter((c) => ![...ALL_CONTENDERS, ...EXTRA, ...SELF_CHECK].includes(c));
  if (unknown.length) throw new Error(`Unknown contender "${unknown[0]}": use ${ALL_CONTENDERS.join(", ")}.`);
  const findMaxRange = [Number(values["find-max-from"]), Number(values["find-max-to"])];
  if (!findMaxRange.every(validN) || findMaxRange[0] > findMaxRange[1]) {
    throw new Error(`--find-max-from and --find-max-to must be whole numbers from 1 to 1000, from <= to.`);
  }
  const repeat = Number(values.repeat);
  if (!(Number.isInteger(repeat) && repeat >= 1 && repeat <= 10)) throw new Error(`--repeat must be a whole number from 1 to 10, got "${values.repeat}".`);
  const formats = list(values.format);
  const unknownFormat = formats.find((x) => !FORMAT_NAMES.includes(x));
  if (unknownFormat || formats.length === 0) throw new Error(`Unknown format "${unknownFormat ?? ""}": use ${FORMAT_NAMES.join(", ")}.`);
  const findMaxFormats = values["find-max-formats"] === undefined ? formats.filter((x) => x === "pcm" || x === "webm-opus") : list(values["find-max-formats"]);
  const strayFormat = findMaxFormats.find((x) => !formats.includes(x));
  if (strayFormat) throw new Error(`--find-max-formats names "${strayFormat}", which --format does not.`);
  if (!["decode", "bytes"].includes(values["sim-timing"])) throw new Error(`--sim-timing must be decode or bytes, got "${values["sim-timing"]}".`);
  const findMaxSeconds = values["find-max-seconds"] === undefined ? Math.min(10, seconds) : Number(values["find-max-seconds"]);
  if (!(findMaxSeconds >= 6 && findMaxSeconds <= 600)) throw new Error(`--find-max-seconds must be from 6 to 600, got "${values["find-max-seconds"]}".`);
  return {
    streams,
    seconds,
    contenders: [...ALL_CONTENDERS, ...EXTRA, ...SELF_CHECK].filter((c) => contenders.includes(c)),
    formats,
    simTiming: values["sim-timing"],
    findMaxFormats: findMaxFormats.length ? findMaxFormats : formats.slice(0, 1),
    findMax: values["find-max"] ? { from: findMaxRange[0], to: findMaxRange[1], seconds: findMaxSeconds, precision: 0.1, budgetSeconds: Number(values["find-max-minutes"]) * 60 } : null,
    repeat,
    connectSamples: Number(values["connect-samples"]),
    maxLagMs: Number(values["max-lag-ms"]),
    cpuProf: list(values["cpu-prof"]),
    allocProf: list(values["alloc-prof"]),
    allocSurvivors: values["alloc-survivors"],
    noderedFlags: values["nodered-flags"].split(" ").filter(Boolean),
    out: path.resolve(values.out),
  };
}

const IN_NODE_RED = /^(nodered|nr-)/;

/** Extra node flags per contender: gc for memory marks; a WebSocket global for the SDK on Node 20. */
function execArgvFor(contender, opts) {
  const args = ["--expose-gc"];
  if ((contender === "sdk" || contender === "nr-sdk") && typeof WebSocket === "undefined") args.push("--experimental-websocket", "--no-warnings");
  if (IN_NODE_RED.test(contender)) args.push(...opts.noderedFlags);
  return args;
}

function profileDir(profiled, contender, opts) {
  return profiled.includes(contender) ? path.join(opts.out, "profiles") : null;
}

function sdkAvailable() {
  try {
    require.resolve("@soniox/node");
    return true;
  } catch {
    return false;
  }
}

/**
 * With --sim-timing bytes, the rate at which the simulator counts a compressed stream's bytes as
 * audio instead of decoding it: this run's bytes over the audio they hold, so a stream heard whole
 * is heard as long as it is. Null: the simulator decodes (and PCM is read as PCM anyway).
 */
function bytesTiming(config, opts) {
  if (opts.simTiming !== "bytes" || (config.format ?? "pcm") === "pcm") return null;
  const plan = planFor(config.format, config.seconds, config.fixture);
  let bytes = 0;
  for (const p of plan.pieces) bytes += p.end - p.start;
  return bytes / plan.audioMs;
}

/** One contender against a fresh simulator; returns the raw result and the simulator's view. */
async function runOne(contender, config, opts) {
  const sim = children.start(path.join(__dirname, "bench", "sim-process.js"), { apiKey: API_KEY, seconds: opts.seconds, containerBytesPerMs: bytesTiming(config, opts) });
  let child = null;
  try {
    const { url } = await children.next(sim, "listening", 10000, "the simulator to listen");
    child = children.start(path.join(__dirname, "bench", "contender.js"), { ...config, contender, url, apiKey: API_KEY, cpuProfDir: profileDir(opts.cpuProf, contender, opts), allocProfDir: profileDir(opts.allocProf, contender, opts), allocSurvivors: opts.allocSurvivors }, execArgvFor(contender, opts));
    child.on("message", (msg) => {
      if (msg.type === "mark" && sim.connected) sim.send({ type: "mark", name: msg.name });
    });
    await children.next(child, "ready", 30000, `${contender} to start`);
    const budget = (config.seconds ?? 10) * 1000 + 60000;
    const { result } = await children.next(child, "result", budget, `${contender} results`);
    sim.send({ type: "stats" });
    const stats = await children.next(sim, "stats", 10000, "simulator stats");
    return { result, sim: stats };
  } finally {
    if (child) await children.stop(child);
    await children.stop(sim);
  }
}

function machine() {
  const cpus = os.cpus();
  const version = packageVersion;
  return {
    date: new Date().toISOString(),
    cpu: `${cpus.length} × ${cpus[0]?.model ?? "unknown"}`,
    cpuModel: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    nodeRed: version("node-red"),
    ws: version("ws"),
    sonioxSdk: version("@soniox/node"),
  };
}

/** One load run as a row; a contender that throws, errors or crashes is a row with its error. */
async function measureLoad(contender, streams, format, opts) {
  try {
    const { result, sim } = await runOne(contender, { mode: "load", streams, seconds: opts.seconds, format, fixture: opts.fixtures[format] }, opts);
    return loadRow({ contender, streams, seconds: opts.seconds, maxLagLimitMs: opts.maxLagMs, result, sim });
  } catch (err) {
    return { contender, format, streams, failed: err.message };
  }
}

/** The contenders that stream `format`. */
const contendersFor = (format, contenders) => (format === "pcm" ? contenders.filter((c) => !COMPRESSED_ONLY.includes(c)) : contenders);

async function main() {
  const opts = options();
  if (!fs.existsSync(path.join(ROOT, "dist", "simulator", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run bench` (it builds first) or `node scripts/build.js`.");
  }
  if (opts.contenders.some((c) => c.endsWith("sdk")) && !sdkAvailable()) {
    console.warn("@soniox/node is not installed (npm install --no-save @soniox/node): skipping the SDK contenders.");
    opts.contenders = opts.contenders.filter((c) => !c.endsWith("sdk"));
  }
  fs.mkdirSync(opts.out, { recursive: true });
  // Made once (and kept) before anything is timed: encoding is not the contenders' cost.
  opts.fixtures = fixturesFor(opts.formats, Math.max(opts.seconds, opts.findMax?.seconds ?? 0), path.join(opts.out, "fixtures"));
  const formatted = opts.formats.length > 1 || opts.formats[0] !== "pcm";
  const env = machine();
  console.log(`Bench ${env.date} on ${env.cpuModel}, ${env.cores} cores, ${env.memoryGB} GB (load average ${env.loadAverage.join(" ")}),`);
  console.log(`Node ${env.node}, Node-RED ${env.nodeRed}, ws ${env.ws}, @soniox/node ${env.sonioxSdk}; contenders ${opts.contenders.join(",")};`);
  const search = opts.findMax && `; capacity search ${opts.findMax.from}..${opts.findMax.to} with ${opts.findMax.seconds} s runs`;
  console.log(`streams ${opts.streams.join(",") || "-"}, ${opts.seconds} s each${search || ""}.`);
  for (const format of opts.formats) console.log(`  ${format}: ${FORMATS[format].label}`);
  console.log("Every contender and the simulator run in their own processes on 127.0.0.1, one contender at a time.\n");

  const loadRows = [];
  for (const format of opts.formats) {
    for (const streams of opts.streams) {
      // Rounds interleave the contenders, so a slow minute of the shared machine falls on all of them.
      for (let round = 1; round <= opts.repeat; round++) {
        for (const contender of contendersFor(format, opts.contenders)) {
          process.stdout.write(`  ${formatted ? `${format} ` : ""}N=${streams} ${contender}${opts.repeat > 1 ? ` #${round}` : ""} ... `);
          const row = { ...(await measureLoad(contender, streams, format, opts)), round };
          loadRows.push(row);
          if (row.failed) console.log(`FAILED: ${short(row.failed)}`);
          else console.log(`${row.cpuSecondsPerStreamMinute.toFixed(3)} CPU s/stream-min${row.childCpuSecondsPerStreamMinute ? ` + ffmpeg ${row.childCpuSecondsPerStreamMinute.toFixed(3)}` : ""}, p99 ${row.latencyMs.p99?.toFixed(2)} ms, ${row.streamsKeptRealTime}/${streams} real time, ${row.errorCount} errors`);
        }
      }
    }
  }
  const ok = loadRows.filter((r) => !r.failed);
  // Against the same format's bytes; a contender's ffmpeg children count as its CPU here.
  const totalCpu = (r) => r.cpuSecondsPerStreamMinute + (r.childCpuSecondsPerStreamMinute ?? 0);
  for (const r of ok) {
    const ratio = (other) => {
      const o = ok.find((x) => x.contender === other && x.streams === r.streams && x.round === r.round && x.format === r.format);
      return o ? totalCpu(r) / totalCpu(o) : null;
    };
    r.ratioToFloor = ratio("floor");
    r.ratioToNrFloor = ratio("nr-floor");
  }

  const capacity = [];
  if (opts.findMax) {
    const searched = opts.contenders.includes("floor") ? opts.contenders : ["floor", ...opts.contenders];
    const searchOpts = { ...opts, seconds: opts.findMax.seconds };
    console.log(`\n  capacity search (${searchOpts.seconds} s runs, >= 99 % of streams within ${opts.maxLagMs} ms of real time, no errors)`);
    // One search is one sample per N, and identical searches differ by more than the 0.9x target
    // allows (nr-floor 600 in one, 850 in the next): rounds interleave them as the load runs do.
    for (let round = 1; round <= opts.repeat; round++) {
      for (const format of opts.findMaxFormats) {
        for (const contender of contendersFor(format, searched)) {
          const label = `${formatted ? `${format} ` : ""}${contender}${opts.repeat > 1 ? ` #${round}` : ""}`;
          const result = await findMax(label, (n) => measureLoad(contender, n, format, searchOpts), { ...opts.findMax, log: (line) => console.log(line) });
          capacity.push({ ...result, contender, format, round });
        }
      }
    }
  }

  const connectRows = [];
  if (opts.connectSamples > 0) {
    // Timed on the first format only: its first message is what the connect path sees.
    const format = opts.formats[0];
    console.log(`\n  first audio → socket (${opts.connectSamples} cold + ${opts.connectSamples} pre-connected streams, one at a time${formatted ? `, ${format}` : ""})`);
    for (const contender of contendersFor(format, opts.contenders)) {
      try {
        const { result, sim } = await runOne(contender, { mode: "connect", samples: opts.connectSamples, seconds: opts.seconds, format, fixture: opts.fixtures[format] }, opts);
        connectRows.push(connectRow({ contender, result, sim }));
      } catch (err) {
        console.log(`  ${contender}: FAILED: ${short(err.message)}`);
        connectRows.push({ contender, failed: err.message });
      }
    }
  }

  console.log(`\nMachine: ${env.cpuModel}, ${env.cores} cores, load average ${env.loadAverage.join(" ")} at start; Node ${env.node}, Node-RED ${env.nodeRed}; ${env.date}.`);
  if (loadRows.length) {
    console.log("\nPer stream, steady state (CPU = process user+sys; x nr-floor / x floor = CPU against that contender at the same N;");
    console.log("RSS/heap after GC with every session open, (- young) = RSS without the growth of V8's young generation, which");
    console.log("every contender pays once whatever its session count; latency = simulator send → sink of the responses carrying final");
    console.log("text, the same responses at every sink (any text p99: every response with text that reached the sink); lag = worst");
    console.log(`lateness of audio at the simulator; kept RT = never > ${opts.maxLagMs} ms behind and all audio arrived; errors = contender + simulator):\n`);
    if (formatted) {
      console.log("ffmpeg = CPU and RSS of the contender's ffmpeg children (ours' transcoders); x nr-floor counts that CPU, against the same");
      console.log("format. Compressed streams: lag = how late the last message reached the simulator against its schedule (its decoder");
      console.log("trails the bytes, so its own reading would charge the decoding to the contender); sim CPU includes its decoders.\n");
    }
    console.log(printLoadTable(loadRows, opts.repeat > 1, formatted));
    for (const r of ok) {
      const problems = [...r.simulatorErrors, ...r.contenderErrorKinds.map((k) => `${k.count} × ${k.kind}`)];
      if (problems.length) console.log(`  ${r.contender}${formatted ? ` ${r.format}` : ""} N=${r.streams}: ${problems.slice(0, 3).join("; ")}`);
    }
    console.log(`\nGarbage collection over the measured window (pauses from perf_hooks 'gc' entries, allocation from v8.GCProfiler):\n\n${printGcTable(loadRows, opts.repeat > 1, formatted)}`);
  }
  if (capacity.length) console.log(`\nCapacity (largest N held, ${opts.findMax.seconds} s runs):\n\n${printCapacityTable(capacity, opts.repeat > 1, formatted)}`);
  if (connectRows.length) console.log(`\nFirst audio message → first audio byte at the simulator:\n\n${printConnectTable(connectRows)}`);
  const pcm = (r) => (r.format ?? "pcm") === "pcm";
  const targets = opts.formats.includes("pcm")
    ? evaluateTargets({ loadRows: loadRows.filter(pcm), capacity: capacity.filter(pcm), connectRows: opts.formats[0] === "pcm" ? connectRows.filter((r) => !r.failed) : [] })
    : [];
  if (targets.length) console.log(`\nIssue 15 targets for ours (nodered), PCM:\n\n${printTargetsTable(targets)}`);
  const formatTargets = formatted ? evaluateFormatTargets({ loadRows, capacity }) : [];
  if (formatTargets.length) console.log(`\nIssue 28 targets for ours (nodered), per format against nr-floor on the same bytes:\n\n${printTargetsTable(formatTargets)}`);

  const file = path.join(opts.out, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const report = { machine: env, options: opts, load: loadRows, capacity, connect: connectRows, targets, formatTargets };
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(opts.out, "latest.json"), JSON.stringify(report, null, 2));
  console.log(`\nWrote ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(`bench: ${err.message}\n${USAGE}`);
  process.exit(1);
});
