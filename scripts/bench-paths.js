#!/usr/bin/env node
"use strict";
// What our own code costs per audio message and per response, without Node-RED, sockets or a
// simulator: N streams of each --format go through the transcribe node's StreamRegistry (format
// sniffing, container clocks, pacing, replay log, session, response assembly) on a virtual clock,
// the sockets replaced by counters. The load bench's process figures move by ±0.1x between
// identical runs on a shared 2-core machine; these move by a few percent, so they say whether a
// change to the audio or response path cost or saved anything, and how much of a stream-minute
// our code is. The reference on the same messages is what nr-floor does in JavaScript: a Map
// lookup and a send per message, JSON.parse per response.
// Usage: npm run bench:paths -- [--format pcm,ogg-opus,webm-opus,mp3,aac] [--streams 200]
//        [--seconds 20] [--repeat 3] [--cpu-prof | --alloc-prof] [--out bench-results]
const fs = require("fs");
const path = require("path");
const { fork } = require("child_process");
const { parseArgs } = require("util");
const { FORMATS, FORMAT_NAMES } = require("./bench/formats");

const { values } = parseArgs({
  options: {
    format: { type: "string", default: FORMAT_NAMES.join(",") },
    streams: { type: "string", default: "200" },
    seconds: { type: "string", default: "20" },
    repeat: { type: "string", default: "3" },
    out: { type: "string", default: path.join(__dirname, "..", "bench-results") },
    "cpu-prof": { type: "boolean", default: false },
    "alloc-prof": { type: "boolean", default: false },
    one: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run bench:paths -- [--format ${FORMAT_NAMES.join(",")}] [--streams 200] [--seconds 20] [--repeat 3] [--cpu-prof | --alloc-prof] [--out bench-results]`);
  process.exit(0);
}

if (values.one) {
  const { measure } = require("./bench/paths-run");
  measure(JSON.parse(values.one)).then((result) => process.send(result));
} else {
  main().catch((err) => {
    console.error(`bench:paths: ${err.message}`);
    process.exit(1);
  });
}

function runOne(cfg) {
  return new Promise((resolve, reject) => {
    // A process per run: each format's code paths are measured warm but not shaped by another format's.
    const child = fork(__filename, ["--one", JSON.stringify(cfg)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let result = null;
    child.on("message", (m) => (result = m));
    child.on("error", reject);
    child.on("exit", (code) => (result ? resolve(result) : reject(new Error(`${cfg.format} run exited with ${code}`))));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main() {
  const formats = values.format.split(",").map((f) => f.trim()).filter(Boolean);
  const unknown = formats.find((f) => !FORMATS[f]);
  if (unknown) throw new Error(`unknown format "${unknown}"; formats: ${FORMAT_NAMES.join(", ")}`);
  const streams = Number(values.streams);
  const seconds = Number(values.seconds);
  const repeat = Number(values.repeat);
  if (!(streams >= 1) || !(seconds >= 5) || !(repeat >= 1)) throw new Error("--streams must be >= 1, --seconds >= 5, --repeat >= 1");
  const out = path.resolve(values.out);
  const profileKind = values["cpu-prof"] ? "cpu" : values["alloc-prof"] ? "alloc" : null;
  const { fixturesFor } = require("./bench/fixtures");
  const fixtures = fixturesFor(formats, seconds, path.join(out, "fixtures"));
  const runs = [];
  // Rounds interleave the formats, so a slow minute of the machine does not land on one format.
  for (let round = 0; round < repeat; round++) {
    for (const format of formats) {
      const run = await runOne({ format, streams, seconds, fixture: fixtures[format] ?? null, profile: profileKind && { dir: path.join(out, "profiles"), kind: profileKind } });
      if (run.profileFile) console.log(`  ${format}: profile ${path.relative(process.cwd(), run.profileFile)}`);
      runs.push({ round, ...run });
    }
  }
  const rows = formats.map((format) => summarise(format, runs.filter((r) => r.format === format)));
  printTable(rows, { streams, seconds, repeat });
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, `paths-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(file, JSON.stringify({ machine: machine(), options: { formats, streams, seconds, repeat }, runs, rows }, null, 2));
  console.log(`\nWrote ${path.relative(process.cwd(), file)}`);
}

function summarise(format, runs) {
  const pick = (f) => median(runs.map(f));
  return {
    format,
    chunksPerStreamMin: runs[0].chunksPerStreamMin,
    responsesPerStreamMin: runs[0].responsesPerStreamMin,
    oursUsPerChunk: pick((r) => r.ours.usPerChunk),
    floorUsPerChunk: pick((r) => r.floor.usPerChunk),
    oursUsPerResponse: pick((r) => r.ours.usPerResponse),
    floorUsPerResponse: pick((r) => r.floor.usPerResponse),
    oursMsPerStreamMin: pick((r) => r.ours.msPerStreamMin),
    floorMsPerStreamMin: pick((r) => r.floor.msPerStreamMin),
    oursAllocKBPerStreamMin: pick((r) => r.ours.allocKBPerStreamMin),
    floorAllocKBPerStreamMin: pick((r) => r.floor.allocKBPerStreamMin),
    framesPerChunk: runs[0].ours.framesPerChunk,
    rounds: runs.map((r) => r.ours.msPerStreamMin),
  };
}

function printTable(rows, { streams, seconds, repeat }) {
  const f = (n, d = 2) => n.toFixed(d);
  const header = ["format", "msgs/stream-min", "us/msg ours (floor)", "responses/stream-min", "us/response ours (floor)", "ms/stream-min ours (floor)", "ours, each round", "alloc KB/stream-min ours (floor)"];
  const lines = rows.map((r) => [
    r.format,
    f(r.chunksPerStreamMin, 0),
    `${f(r.oursUsPerChunk)} (${f(r.floorUsPerChunk)})`,
    f(r.responsesPerStreamMin, 0),
    `${f(r.oursUsPerResponse)} (${f(r.floorUsPerResponse)})`,
    `${f(r.oursMsPerStreamMin)} (${f(r.floorMsPerStreamMin)})`,
    r.rounds.map((x) => f(x)).join(", "),
    `${f(r.oursAllocKBPerStreamMin, 0)} (${f(r.floorAllocKBPerStreamMin, 0)})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(`\nOur code per message and per response, ${streams} streams, ${seconds} s of audio each (the first 3 s warm-up), median of ${repeat} round(s);`);
  console.log("floor = nr-floor's JavaScript on the same messages (Map lookup + send; JSON.parse per response). No Node-RED, no sockets:");
  console.log("add these to what the load bench's nr-floor spends per stream-minute to see our share.\n");
  console.log(row(header));
  console.log(row(widths.map((w) => "-".repeat(w))));
  for (const l of lines) console.log(row(l));
  const m = machine();
  console.log(`\nMachine: ${m.cpu}, ${m.cores} cores, load average ${m.load}; Node ${m.node}; ${m.date}.`);
}

function machine() {
  const os = require("os");
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    load: os.loadavg().map((x) => x.toFixed(2)).join(" "),
    node: process.version,
    date: new Date().toISOString(),
  };
}
