#!/usr/bin/env node
// `npm run bench`: how many real-time streams one Node-RED holds, against two baselines.
// For each stream count N and each contender (bare ws = the floor, the official @soniox/node SDK,
// Node-RED with soniox-transcribe → soniox-token-filter) it starts a fresh simulator process and a
// fresh contender process, drives N live 16 kHz PCM streams for a fixed time, and reports CPU per
// stream-minute, memory per open session, added latency, audio lag and whether every stream kept
// real time. Then it times first audio → socket, cold and pre-connected. Prints tables, writes JSON
// to bench-results/. Options: --help.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { parseArgs } = require("util");
const children = require("./bench/children");
const { loadRow, connectRow, printLoadTable, printConnectTable } = require("./bench/report");

const ROOT = path.resolve(__dirname, "..");
const API_KEY = "bench-key";
const ALL_CONTENDERS = ["floor", "sdk", "nodered"];
const USAGE = `Usage: npm run bench -- [--streams 1,10,100,200] [--seconds 20] [--contenders ${ALL_CONTENDERS.join(",")}]
                      [--connect-samples 10] [--max-lag-ms 500] [--cpu-prof nodered] [--nodered-flags=--flag] [--out bench-results]
  --streams          stream counts to run (each: a fresh simulator and contender process)
  --seconds          audio seconds per stream per run (the first 3 s are warm-up, not measured)
  --contenders       floor (bare ws), sdk (@soniox/node), nodered (embedded Node-RED runtime)
  --connect-samples  streams per contender for the first-audio → socket test (0 skips it)
  --max-lag-ms       a stream "kept real time" if it never fell further behind than this
  --cpu-prof         contenders to run under --cpu-prof (profiles go to <out>/profiles)
  --nodered-flags    extra node flags for the Node-RED process, e.g. --nodered-flags=--max-semi-space-size=32
Env: BENCH_STREAMS, BENCH_SECONDS override the defaults.`;

function options() {
  const { values } = parseArgs({
    options: {
      streams: { type: "string", default: process.env.BENCH_STREAMS || "1,10,100,200" },
      seconds: { type: "string", default: process.env.BENCH_SECONDS || "20" },
      contenders: { type: "string", default: ALL_CONTENDERS.join(",") },
      "connect-samples": { type: "string", default: "10" },
      "max-lag-ms": { type: "string", default: "500" },
      "cpu-prof": { type: "string", default: "" },
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
  const streams = list(values.streams).map(Number);
  if (streams.some((n) => !Number.isInteger(n) || n < 1 || n > 1000)) {
    throw new Error(`--streams must be whole numbers from 1 to 1000 (the node's max streams), got "${values.streams}".`);
  }
  const seconds = Number(values.seconds);
  if (!(seconds >= 6 && seconds <= 600)) throw new Error(`--seconds must be from 6 to 600, got "${values.seconds}".`);
  const contenders = list(values.contenders);
  const unknown = contenders.filter((c) => !ALL_CONTENDERS.includes(c));
  if (unknown.length) throw new Error(`Unknown contender "${unknown[0]}": use ${ALL_CONTENDERS.join(", ")}.`);
  return {
    streams,
    seconds,
    contenders: ALL_CONTENDERS.filter((c) => contenders.includes(c)),
    connectSamples: Number(values["connect-samples"]),
    maxLagMs: Number(values["max-lag-ms"]),
    cpuProf: list(values["cpu-prof"]),
    noderedFlags: values["nodered-flags"].split(" ").filter(Boolean),
    out: path.resolve(values.out),
  };
}

/** Extra node flags per contender: gc for memory marks; a WebSocket global for the SDK on Node 20. */
function execArgvFor(contender, opts) {
  const args = ["--expose-gc"];
  if (contender === "sdk" && typeof WebSocket === "undefined") args.push("--experimental-websocket", "--no-warnings");
  if (contender === "nodered") args.push(...opts.noderedFlags);
  if (opts.cpuProf.includes(contender)) args.push("--cpu-prof", `--cpu-prof-dir=${path.join(opts.out, "profiles")}`);
  return args;
}

function sdkAvailable() {
  try {
    require.resolve("@soniox/node");
    return true;
  } catch {
    return false;
  }
}

/** One contender against a fresh simulator; returns the raw result and the simulator's view. */
async function runOne(contender, config, opts) {
  const sim = children.start(path.join(__dirname, "bench", "sim-process.js"), { apiKey: API_KEY, seconds: opts.seconds });
  let child = null;
  try {
    const { url } = await children.next(sim, "listening", 10000, "the simulator to listen");
    child = children.start(path.join(__dirname, "bench", "contender.js"), { ...config, contender, url, apiKey: API_KEY }, execArgvFor(contender, opts));
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
  const version = (name) => {
    try {
      return require(`${name}/package.json`).version;
    } catch {
      return null;
    }
  };
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model ?? "unknown"}`,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    nodeRed: version("node-red"),
    ws: version("ws"),
    sonioxSdk: version("@soniox/node"),
  };
}

async function main() {
  const opts = options();
  if (!fs.existsSync(path.join(ROOT, "dist", "simulator", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run bench` (it builds first) or `node scripts/build.js`.");
  }
  if (opts.contenders.includes("sdk") && !sdkAvailable()) {
    console.warn("@soniox/node is not installed (npm install --no-save @soniox/node): skipping the SDK baseline.");
    opts.contenders = opts.contenders.filter((c) => c !== "sdk");
  }
  fs.mkdirSync(opts.out, { recursive: true });
  const env = machine();
  console.log(`Bench on ${env.cpu}, ${env.memoryGB} GB, Node ${env.node}, Node-RED ${env.nodeRed}; streams ${opts.streams.join(",")}, ${opts.seconds} s each.`);
  console.log("Every contender and the simulator run in their own processes on 127.0.0.1, one contender at a time.\n");

  const loadRows = [];
  for (const streams of opts.streams) {
    for (const contender of opts.contenders) {
      process.stdout.write(`  N=${streams} ${contender} ... `);
      try {
        const { result, sim } = await runOne(contender, { mode: "load", streams, seconds: opts.seconds }, opts);
        const row = loadRow({ contender, streams, seconds: opts.seconds, maxLagLimitMs: opts.maxLagMs, result, sim });
        loadRows.push(row);
        console.log(`${row.cpuSecondsPerStreamMinute.toFixed(3)} CPU s/stream-min, p99 ${row.latencyMs.p99?.toFixed(2)} ms, ${row.streamsKeptRealTime}/${streams} real time`);
      } catch (err) {
        console.log(`FAILED: ${err.message}`);
        loadRows.push({ contender, streams, failed: err.message });
      }
    }
  }
  const ok = loadRows.filter((r) => !r.failed);
  for (const r of ok) {
    const floor = ok.find((x) => x.contender === "floor" && x.streams === r.streams);
    r.ratioToFloor = floor ? r.cpuSecondsPerStreamMinute / floor.cpuSecondsPerStreamMinute : null;
  }

  const connectRows = [];
  if (opts.connectSamples > 0) {
    console.log(`\n  first audio → socket (${opts.connectSamples} cold + ${opts.connectSamples} pre-connected streams, one at a time)`);
    for (const contender of opts.contenders) {
      try {
        const { result, sim } = await runOne(contender, { mode: "connect", samples: opts.connectSamples }, opts);
        connectRows.push(connectRow({ contender, result, sim }));
      } catch (err) {
        console.log(`  ${contender}: FAILED: ${err.message}`);
      }
    }
  }

  console.log("\nPer stream, steady state (CPU = process user+sys; RSS/heap after GC with every session open;");
  console.log("latency = simulator send → sink; lag = worst lateness of audio at the simulator; kept RT = never >" + ` ${opts.maxLagMs} ms behind and all audio arrived):\n`);
  console.log(printLoadTable(ok));
  for (const r of loadRows.filter((x) => x.failed)) console.log(`FAILED ${r.contender} N=${r.streams}: ${r.failed}`);
  for (const r of ok) {
    const problems = [...r.simulatorErrors, ...r.contenderErrors];
    if (problems.length) console.log(`  ${r.contender} N=${r.streams}: ${problems.slice(0, 3).join("; ")}`);
  }
  if (connectRows.length) console.log(`\nFirst audio message → first audio byte at the simulator:\n\n${printConnectTable(connectRows)}`);

  const file = path.join(opts.out, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const report = { machine: env, options: opts, load: loadRows, connect: connectRows };
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(opts.out, "latest.json"), JSON.stringify(report, null, 2));
  console.log(`\nWrote ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(`bench: ${err.message}\n${USAGE}`);
  process.exit(1);
});
