#!/usr/bin/env node
// `npm run bench:wyoming`: how long Home Assistant waits for a transcript. A Wyoming client plays
// Home Assistant (16 kHz PCM at real-time pace: speech, then silence until its own VAD would stop)
// against the simulator, through
//   nodered: a real Node-RED process running wyoming in → soniox-transcribe → wyoming response
//   bare:    our core Wyoming server bridged to Soniox with plain ws, no Node-RED (scripts/bench/wyoming-bare.js)
// each with Soniox endpointing off (the client sends audio-stop after VAD_MS of silence) and on
// (the client keeps streaming silence until the transcript comes, as when requires_external_vad
// is false). Prints p50/p99 of audio-stop → transcript and of speech end → transcript.
// Options: --commands N (per run, default 40), --clients N (at once, default 4).
"use strict";
const path = require("path");
const { fork } = require("child_process");
const { startNodeRed } = require("./lib/node-red");
const { hrMs, sleep } = require("./bench/clock");
const { WyomingClient, speech, freePort } = require("../test/support/wyoming-client");
const { startSimulator } = require(path.join(__dirname, "..", "dist", "simulator"));

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const COMMANDS = opt("commands", 40);
const CLIENTS = opt("clients", 4);
const KEY = "bench-wyoming-key";
const SPEECH_MS = 1200;
// Home Assistant's voice command segmenter ends a command after about this much silence.
const VAD_MS = 700;
const CHUNK_MS = 64;
const SCRIPT = "turn on the kitchen lights";

function nodeRedFlows(port, endpointing) {
  return [
    { id: "tab", type: "tab", label: "bench" },
    { id: "cfg", type: "soniox-config", name: "sim", region: "custom", url: "", authMethod: "header" },
    { id: "win", z: "tab", type: "wyoming-in", host: "127.0.0.1", port, streaming: false, endpointing, timeout: 10, wires: [["tx"]] },
    {
      id: "tx", z: "tab", type: "soniox-transcribe", config: "cfg", model: "stt-rt-v5", audioFormat: "pcm_s16le", sampleRate: 16000, numChannels: 1,
      enableEndpointDetection: true, streamKeyProperty: "topic", maxStreams: 20, idleTimeout: 60, keepaliveInterval: 8, pacing: true,
      maxQueueMb: 16, connectTimeout: 10, finishTimeout: 10, outputs: 2, wires: [["resp"], []],
    },
    { id: "resp", z: "tab", type: "wyoming-response" },
  ];
}

async function startContender(kind, url, endpointing) {
  const port = await freePort();
  if (kind === "nodered") {
    const red = await startNodeRed({ flows: nodeRedFlows(port, endpointing), configPatch: { url }, credentials: { cfg: { apiKey: KEY } } });
    await waitListening(port);
    return { port, stop: () => red.stop() };
  }
  const child = fork(path.join(__dirname, "bench", "wyoming-bare.js"), [JSON.stringify({ port, url, apiKey: KEY, endpointing, streaming: false })]);
  await new Promise((resolve) => child.on("message", (m) => m.type === "listening" && resolve()));
  return { port, stop: () => new Promise((resolve) => (child.once("exit", resolve), child.kill())) };
}

async function waitListening(port) {
  for (let i = 0; i < 200; i++) {
    try {
      (await WyomingClient.connect(port)).close();
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`nothing listens on ${port}`);
}

/** One command at real-time pace; returns {stopToText, speechEndToText} in ms (stopToText null when the transcript came first). */
async function command(client, endpointing) {
  const format = { rate: 16000, width: 2, channels: 1 };
  const chunkBytes = (CHUNK_MS * 16000 * 2) / 1000;
  const loud = speech(SPEECH_MS);
  const silence = Buffer.alloc(chunkBytes);
  client.send("transcribe", { language: "en" });
  client.send("audio-start", format);
  const t0 = hrMs();
  let sent = 0;
  const paced = async (bytes) => {
    sent += CHUNK_MS;
    client.send("audio-chunk", format, bytes);
    const wait = t0 + sent - hrMs();
    if (wait > 0) await sleep(wait);
  };
  for (let at = 0; at < loud.length; at += chunkBytes) await paced(loud.subarray(at, at + chunkBytes));
  const speechEnd = hrMs();
  const transcript = client.next("transcript", 15000).then((e) => ({ e, at: hrMs() }));
  let got = null;
  transcript.then((r) => (got = r));
  const silenceMs = endpointing ? 5000 : VAD_MS;
  for (let ms = 0; ms < silenceMs && !got; ms += CHUNK_MS) await paced(silence);
  const stopAt = hrMs();
  client.send("audio-stop", {});
  const { e, at } = await transcript;
  if (e.data.text !== SCRIPT) throw new Error(`transcript "${e.data.text}", expected "${SCRIPT}"`);
  return { stopToText: at >= stopAt ? at - stopAt : null, speechEndToText: at - speechEnd };
}

async function run(kind, endpointing, url) {
  const contender = await startContender(kind, url, endpointing);
  const samples = [];
  try {
    const perClient = Math.ceil(COMMANDS / CLIENTS);
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        await sleep(i * 150);
        const client = await WyomingClient.connect(contender.port);
        for (let n = 0; n < perClient; n++) samples.push(await command(client, endpointing));
        client.close();
      }),
    );
  } finally {
    await contender.stop();
  }
  return samples;
}

function pct(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const fmt = (v) => (v === null ? "—" : v.toFixed(1));

async function main() {
  const sim = await startSimulator({ apiKeys: [KEY], script: SCRIPT, wordMs: 200, recordFrames: false });
  const rows = [];
  try {
    for (const endpointing of [false, true]) {
      for (const kind of ["bare", "nodered"]) {
        const samples = await run(kind, endpointing, sim.url);
        const stop = samples.map((s) => s.stopToText).filter((v) => v !== null);
        const speechEnd = samples.map((s) => s.speechEndToText);
        rows.push({ kind, endpointing, n: samples.length, stop50: pct(stop, 50), stop99: pct(stop, 99), end50: pct(speechEnd, 50), end99: pct(speechEnd, 99) });
        console.error(`  ${kind}, endpointing ${endpointing ? "on" : "off"}: ${samples.length} commands`);
      }
    }
  } finally {
    await sim.close();
  }
  console.log(`\nWyoming commands: ${SPEECH_MS} ms speech at real-time pace, ${CLIENTS} clients at once, ${COMMANDS} commands per row; ms`);
  console.log("| contender | Soniox endpointing | commands | audio-stop → transcript p50 | p99 | speech end → transcript p50 | p99 |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(`| ${r.kind} | ${r.endpointing ? `on (client streams until the transcript)` : `off (audio-stop after ${VAD_MS} ms silence)`} | ${r.n} | ${fmt(r.stop50)} | ${fmt(r.stop99)} | ${fmt(r.end50)} | ${fmt(r.end99)} |`);
  }
  for (const endpointing of [false, true]) {
    const [bare, nr] = ["bare", "nodered"].map((k) => rows.find((r) => r.kind === k && r.endpointing === endpointing));
    const key = endpointing ? "end" : "stop";
    const delta = (p) => {
      const d = nr[`${key}${p}`] - bare[`${key}${p}`];
      return `${d >= 0 ? "+" : ""}${d.toFixed(1)}`;
    };
    console.log(`Node-RED hop, endpointing ${endpointing ? "on" : "off"}: p50 ${delta(50)} ms, p99 ${delta(99)} ms`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
