#!/usr/bin/env node
"use strict";
// Conformance check against the real Soniox service (or anything speaking its protocol, such as
// the bundled simulator via SONIOX_WS_URL): streams the bundled sample through this package's own
// client from dist/ and probes each behaviour the protocol notes leave UNCONFIRMED that our code
// depends on, then says which simulator switch (src/simulator/options.ts) matches what it saw.
//
//   SONIOX_API_KEY=... npm run check:soniox            real service (SONIOX_REGION us|eu|jp)
//   SONIOX_WS_URL=ws://127.0.0.1:8765/... SONIOX_API_KEY=test-key npm run check:soniox
//   --json   also print the results as one JSON line at the end
//   --only a,b   run only these probes (ids as listed in the plan), to bill less
//
// Every probe opens a stream, and Soniox bills open streams by their duration: the estimate is
// printed before anything connects.
const fs = require("fs");
const path = require("path");
const WebSocket = require("ws");

const ROOT = path.resolve(__dirname, "..");
const SAMPLE = path.join(ROOT, "test", "fixtures", "audio", "speech-16k-mono.wav");
const TRANSCRIPT = fs.readFileSync(path.join(ROOT, "test", "fixtures", "audio", "transcript.txt"), "utf8").trim();
const REGION_WS = {
  us: "wss://stt-rt.soniox.com/transcribe-websocket",
  eu: "wss://stt-rt.eu.soniox.com/transcribe-websocket",
  jp: "wss://stt-rt.jp.soniox.com/transcribe-websocket",
};
/** How long the keepalive probes stay without audio (or without a start message): past 20 s, Soniox's documented idle limit. */
const WAIT_MS = Number(process.env.SONIOX_CHECK_WAIT_MS || 25000);
const KEEPALIVE_EVERY_MS = Math.max(200, Math.min(5000, Math.floor(WAIT_MS / 5)));
const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };

/**
 * A compiled module of this package by file name, wherever it sits under dist/core: the core is
 * being regrouped into sub-folders, and this script must not depend on the layout.
 */
function coreModule(name) {
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        const found = walk(full);
        if (found) return found;
      } else if (entry.name === `${name}.js`) return full;
    }
    return null;
  };
  const dir = path.join(ROOT, "dist", "core");
  const file = fs.existsSync(dir) ? walk(dir) : null;
  if (!file) throw new Error(`dist/core has no ${name}.js: run npm run build first`);
  return require(file);
}

const sample = fs.readFileSync(SAMPLE).subarray(44);
const sampleMs = Math.round(sample.length / 32);

/** The probes, in order, with the stream time each one keeps open (for the billing estimate). */
const PLAN = [
  { id: "recognition", what: "stream the bundled sample (header auth) through our SonioxSession; Soniox recognises its words", ms: sampleMs + 2000 },
  { id: "subprotocol-auth", what: "connect with the key in the WebSocket protocols list (soniox-api-key)", ms: 1500 },
  { id: "keepalive-before-audio", what: `start message, then only keepalives for ${WAIT_MS / 1000} s, then audio: does a keepalive hold off the first-audio timeout?`, ms: WAIT_MS + 1500 },
  { id: "keepalive-before-start", what: `only keepalives for ${WAIT_MS / 1000} s before the start message: do they hold off the start timeout?`, ms: WAIT_MS + 1500 },
  { id: "unknown-start-fields", what: "an unknown field in the start message: ignored or refused?", ms: 1500 },
  { id: "temp-key-subprotocol", what: "mint a temporary key: can it go in the protocols list (no colon)?", ms: 1500 },
  { id: "finalize-cadence", what: "finalize every 300 ms while streaming: tolerated?", ms: 2500 },
  { id: "error-frame-shape", what: "an invalid control message: error frame fields and close code", ms: 500 },
  { id: "bad-key", what: "an invalid key: error frame after open, or HTTP 401 on the upgrade?", ms: 0 },
  { id: "header-and-subprotocol", what: "the key as header and in the protocols list at once: accepted?", ms: 1500 },
  { id: "empty-binary-frame", what: "an empty binary frame: ignored, or end of stream?", ms: 2500 },
];

function target() {
  const custom = (process.env.SONIOX_WS_URL || "").trim();
  if (custom) return { wsUrl: custom, region: "custom", real: false };
  const region = (process.env.SONIOX_REGION || "us").trim();
  if (!REGION_WS[region]) throw new Error(`SONIOX_REGION=${region}: use us, eu or jp (or SONIOX_WS_URL for another server)`);
  return { wsUrl: REGION_WS[region], region, real: true };
}

/**
 * A raw WebSocket to the service, recording every text frame (parsed), the HTTP status of a
 * refused upgrade and the close code, for probes of server behaviour below our client.
 */
function rawStream(wsUrl, { key, header = true, protocols = [] }) {
  const log = { frames: [], closeCode: null, upgradeStatus: null, openError: null, opened: false };
  const headers = header ? { Authorization: `Bearer ${key}` } : {};
  let ws;
  try {
    ws = new WebSocket(wsUrl, protocols, { headers, handshakeTimeout: 10000 });
  } catch (err) {
    log.openError = err.message;
    return { log, ws: null, closed: Promise.resolve(log), opened: Promise.resolve(false), send() {}, close() {} };
  }
  const opened = new Promise((resolve) => {
    ws.once("open", () => {
      log.opened = true;
      resolve(true);
    });
    ws.once("unexpected-response", (req, res) => {
      log.upgradeStatus = res.statusCode;
      res.resume();
      resolve(false);
      ws.terminate();
    });
    ws.once("error", (err) => {
      if (!log.opened) log.openError = log.openError || err.message;
      resolve(false);
    });
  });
  ws.on("message", (data, isBinary) => {
    if (isBinary) return;
    try {
      log.frames.push(JSON.parse(data.toString()));
    } catch {
      log.frames.push({ unparsable: data.toString().slice(0, 200) });
    }
  });
  const closed = new Promise((resolve) => ws.once("close", (code) => {
    log.closeCode = code;
    resolve(log);
  }));
  return {
    log,
    ws,
    opened,
    closed,
    send(data, binary = false) {
      if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary });
    },
    close() {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const errorOf = (log) => log.frames.find((f) => typeof f.error_code === "number");
const finishedIn = (log) => log.frames.some((f) => f.finished === true);

/** Sends `ms` of the sample at real time in 120 ms chunks, starting at `fromMs`. */
async function sendSample(stream, ms, fromMs = 0, onChunk = null) {
  const chunk = 120 * 32;
  const end = Math.min(sample.length, (fromMs + ms) * 32);
  for (let at = fromMs * 32; at < end; at += chunk) {
    stream.send(sample.subarray(at, Math.min(end, at + chunk)), true);
    if (onChunk) onChunk(at);
    await sleep(120);
  }
}

/** Ends a raw stream with the documented empty text frame and waits (bounded) for the close. */
async function finish(stream, timeoutMs = 8000) {
  stream.send("");
  const timer = sleep(timeoutMs).then(() => stream.close());
  await Promise.race([stream.closed, timer]);
  return stream.log;
}

const words = (s) => s.toLowerCase().replace(/[^a-z0-9\s-]/g, " ").split(/\s+/).filter(Boolean);

const PROBES = {
  async recognition({ wsUrl, key }) {
    const { SonioxSession } = coreModule("session");
    const { wsTransport } = coreModule("transport");
    const { systemClock } = coreModule("clock");
    const { AssumedRateMeter } = coreModule("audio-meter");
    const session = new SonioxSession({ url: wsUrl, apiKey: key, authMethod: "header", start: { ...START, enable_endpoint_detection: true }, transport: wsTransport, clock: systemClock, pacing: true, meter: new AssumedRateMeter(32) });
    let text = "";
    session.on("result", (r) => {
      for (const t of r.tokens) if (t.is_final && !/^<(end|fin)>$/.test(t.text)) text += t.text;
    });
    const closed = new Promise((resolve) => session.once("close", resolve));
    session.start();
    for (let at = 0; at < sample.length; at += 3840) session.sendAudio(sample.subarray(at, at + 3840));
    session.end();
    const info = await Promise.race([closed, sleep(sampleMs + 20000).then(() => ({ reason: "timeout" }))]);
    if (info.reason === "timeout") session.cancel();
    const heard = words(text);
    const expected = words(TRANSCRIPT);
    const hit = expected.filter((w) => heard.includes(w)).length;
    const ok = info.reason === "finished" && hit >= Math.ceil(expected.length * 0.6);
    return [
      { check: "text recognised", pass: ok, detail: `${hit}/${expected.length} words of "${TRANSCRIPT}" in "${text.trim()}" (${info.reason}${info.error ? `: ${info.error.message}` : ""})` },
      { check: "header auth (Authorization: Bearer)", pass: info.reason === "finished", detail: info.reason === "finished" ? "stream ran to finished" : `closed: ${info.reason}`, simulator: "auth.header: true" },
    ];
  },

  async "subprotocol-auth"({ wsUrl, key }) {
    const s = rawStream(wsUrl, { key, header: false, protocols: ["soniox-api-key", key] });
    const opened = await s.opened;
    if (!opened) return { check: "subprotocol auth", pass: false, detail: `not opened: ${s.log.upgradeStatus || s.log.openError}`, simulator: "auth.subprotocol: false" };
    const echoed = s.ws.protocol;
    s.send(JSON.stringify(START));
    await sendSample(s, 600);
    const log = await finish(s);
    const err = errorOf(log);
    const ok = !err && finishedIn(log);
    return { check: "subprotocol auth", pass: ok, detail: ok ? `accepted, server chose protocol "${echoed}"` : `refused: ${err ? `${err.error_code} ${err.error_message}` : `close ${log.closeCode}`}`, simulator: ok ? "auth.subprotocol: true" : "auth.subprotocol: false" };
  },

  async "keepalive-before-audio"({ wsUrl, key }) {
    const s = rawStream(wsUrl, { key });
    if (!(await s.opened)) return { check: "keepalive before first audio", pass: false, detail: `not opened: ${s.log.upgradeStatus || s.log.openError}` };
    s.send(JSON.stringify(START));
    for (let waited = 0; waited < WAIT_MS && s.ws.readyState === WebSocket.OPEN; waited += KEEPALIVE_EVERY_MS) {
      s.send('{"type":"keepalive"}');
      await sleep(KEEPALIVE_EVERY_MS);
    }
    await sendSample(s, 600);
    const log = await finish(s);
    const err = errorOf(log);
    const counts = !err && finishedIn(log);
    return {
      check: "keepalive before first audio holds the stream",
      pass: true,
      detail: counts ? `yes: ${WAIT_MS / 1000} s of keepalives, then audio, then finished` : `no: ${err ? `${err.error_code} "${err.error_message}"` : `close ${log.closeCode}`}`,
      simulator: `firstAudioKeepaliveCounts: ${counts}`,
    };
  },

  async "keepalive-before-start"({ wsUrl, key }) {
    const s = rawStream(wsUrl, { key });
    if (!(await s.opened)) return { check: "keepalive before the start message", pass: false, detail: `not opened: ${s.log.upgradeStatus || s.log.openError}` };
    for (let waited = 0; waited < WAIT_MS && s.ws.readyState === WebSocket.OPEN; waited += KEEPALIVE_EVERY_MS) {
      s.send('{"type":"keepalive"}');
      await sleep(KEEPALIVE_EVERY_MS);
    }
    s.send(JSON.stringify(START));
    await sendSample(s, 600);
    const log = await finish(s);
    const err = errorOf(log);
    const counts = !err && finishedIn(log);
    return {
      check: "keepalive before the start message holds the connection",
      pass: true,
      detail: counts ? `yes: ${WAIT_MS / 1000} s of keepalives, then start, audio, finished` : `no: ${err ? `${err.error_code} "${err.error_message}"` : `close ${log.closeCode}`}`,
      simulator: `keepaliveBeforeStartCounts: ${counts}`,
    };
  },

  async "unknown-start-fields"({ wsUrl, key }) {
    const s = rawStream(wsUrl, { key });
    if (!(await s.opened)) return { check: "unknown start-message fields", pass: false, detail: `not opened: ${s.log.upgradeStatus || s.log.openError}` };
    s.send(JSON.stringify({ ...START, x_node_red_soniox_probe: true }));
    await sendSample(s, 600);
    const log = await finish(s);
    const err = errorOf(log);
    const ignored = !err && finishedIn(log);
    // Our transcribe node sends only fields it knows, but passes msg.soniox through: either answer works, the check records which.
    return { check: "unknown start-message fields", pass: true, detail: ignored ? "ignored (stream finished)" : `refused: ${err ? `${err.error_code} "${err.error_message}"` : `close ${log.closeCode}`}`, simulator: `rejectUnknownFields: ${!ignored}` };
  },

  async "temp-key-subprotocol"({ wsUrl, key, apiUrl }) {
    const { mintTemporaryKey } = coreModule("temp-key");
    let temp;
    try {
      temp = await mintTemporaryKey({ apiUrl, apiKey: key, request: { usage_type: "transcribe_websocket", expires_in_seconds: 60 } });
    } catch (err) {
      return { check: "temporary key in the protocols list", pass: false, detail: `could not mint a key at ${apiUrl}: ${err.message}` };
    }
    const form = temp.api_key.includes(":") ? `${temp.api_key.split(":")[0]}:… (has a colon)` : `${temp.api_key.slice(0, 9)}… (no colon)`;
    if (temp.api_key.includes(":")) {
      // A colon is not allowed in a subprotocol token, so no WebSocket client can send it there; our direct-stream page falls back to the start message.
      return { check: "temporary key in the protocols list", pass: true, detail: `${form}: cannot be a subprotocol token; browsers must put it in the start message (refused from 2027-01-15)`, simulator: "mints temp: keys (as the simulator does)" };
    }
    const s = rawStream(wsUrl, { key: temp.api_key, header: false, protocols: ["soniox-api-key", temp.api_key] });
    const opened = await s.opened;
    if (!opened) return { check: "temporary key in the protocols list", pass: false, detail: `${form}: refused at upgrade (${s.log.upgradeStatus || s.log.openError})` };
    s.send(JSON.stringify(START));
    await sendSample(s, 600);
    const log = await finish(s);
    const ok = !errorOf(log) && finishedIn(log);
    return { check: "temporary key in the protocols list", pass: ok, detail: `${form}: ${ok ? "accepted in the protocols list" : "refused"}`, simulator: "none: the simulator mints temp: keys" };
  },

  async "finalize-cadence"({ wsUrl, key }) {
    const s = rawStream(wsUrl, { key });
    if (!(await s.opened)) return { check: "finalize every 300 ms", pass: false, detail: `not opened: ${s.log.upgradeStatus || s.log.openError}` };
    s.send(JSON.stringify(START));
    let last = 0;
    await sendSample(s, 1800, 0, (at) => {
      if (at / 32 - last >= 300) {
        last = at / 32;
        s.send('{"type":"finalize"}');
      }
    });
    const log = await finish(s);
    const err = errorOf(log);
    const fins = log.frames.reduce((n, f) => n + (Array.isArray(f.tokens) ? f.tokens.filter((t) => t.text === "<fin>").length : 0), 0);
    // The control node limits finalize to one per 2 s by default; this shows whether that margin is needed.
    return { check: "finalize every 300 ms", pass: true, detail: err ? `refused: ${err.error_code} "${err.error_message}"` : `tolerated: ${fins} <fin> markers, ${finishedIn(log) ? "finished" : `close ${log.closeCode}`}`, simulator: "none (the simulator never refuses frequent finalize)" };
  },

  async "error-frame-shape"({ wsUrl, key }) {
    const s = rawStream(wsUrl, { key });
    if (!(await s.opened)) return { check: "error frame shape", pass: false, detail: `not opened: ${s.log.upgradeStatus || s.log.openError}` };
    s.send(JSON.stringify(START));
    s.send('{"type":"x_node_red_soniox_probe"}');
    await Promise.race([s.closed, sleep(5000)]);
    s.close();
    const err = errorOf(s.log);
    const ok = !!err && typeof err.error_message === "string";
    const keys = err ? Object.keys(err).sort().join(", ") : "none";
    return { check: "error frame shape", pass: ok, detail: err ? `{${keys}}: ${err.error_code} "${err.error_message}", then close ${s.log.closeCode}` : `no error frame (close ${s.log.closeCode})`, simulator: "error_code + error_message (+ tokens: [])" };
  },

  async "bad-key"({ wsUrl }) {
    const s = rawStream(wsUrl, { key: "x-node-red-soniox-invalid-key" });
    const opened = await s.opened;
    if (!opened) {
      const ok = s.log.upgradeStatus === 401;
      return { check: "invalid key", pass: ok, detail: `refused at the upgrade: ${s.log.upgradeStatus || s.log.openError}`, simulator: 'badKeyResponse: "http"' };
    }
    s.send(JSON.stringify(START));
    await Promise.race([s.closed, sleep(5000)]);
    s.close();
    const err = errorOf(s.log);
    return { check: "invalid key", pass: !!err && err.error_code === 401, detail: err ? `opened, then error frame ${err.error_code} "${err.error_message}", close ${s.log.closeCode}` : `opened, no error frame (close ${s.log.closeCode})`, simulator: 'badKeyResponse: "frame"' };
  },

  async "header-and-subprotocol"({ wsUrl, key }) {
    const s = rawStream(wsUrl, { key, header: true, protocols: ["soniox-api-key", key] });
    const opened = await s.opened;
    if (!opened) return { check: "header and protocols list together", pass: true, detail: `refused at the upgrade (${s.log.upgradeStatus || s.log.openError})`, simulator: "rejectHeaderAndSubprotocolTogether: true" };
    s.send(JSON.stringify(START));
    await sendSample(s, 600);
    const log = await finish(s);
    const err = errorOf(log);
    const accepted = !err && finishedIn(log);
    // Our nodes send one or the other, never both; this records what happens if a proxy adds the other.
    return { check: "header and protocols list together", pass: true, detail: accepted ? "accepted" : `refused: ${err ? `${err.error_code} "${err.error_message}"` : `close ${log.closeCode}`}`, simulator: `rejectHeaderAndSubprotocolTogether: ${!accepted}` };
  },

  async "empty-binary-frame"({ wsUrl, key }) {
    const s = rawStream(wsUrl, { key });
    if (!(await s.opened)) return { check: "empty binary frame", pass: false, detail: `not opened: ${s.log.upgradeStatus || s.log.openError}` };
    s.send(JSON.stringify(START));
    await sendSample(s, 600);
    s.send(Buffer.alloc(0), true);
    await Promise.race([s.closed, sleep(1500)]);
    const endedByIt = finishedIn(s.log);
    const log = endedByIt ? s.log : await finish(s);
    const err = errorOf(log);
    // Our client ends streams with the empty text frame and never sends an empty binary frame (it drops zero-length audio).
    return { check: "empty binary frame", pass: !err, detail: endedByIt ? "ended the stream (finished)" : err ? `error ${err.error_code} "${err.error_message}"` : "ignored; the empty text frame ended the stream", simulator: `emptyBinaryEndsStream: ${endedByIt}` };
  },
};

function printPlan(t, plan) {
  const total = plan.reduce((s, p) => s + p.ms, 0);
  console.log(`Soniox conformance check against ${t.wsUrl}${t.real ? "" : " (not the Soniox service)"}`);
  console.log(`Billed stream time, up front: about ${Math.ceil(total / 1000)} s in ${plan.filter((p) => p.ms > 0).length} streams (Soniox bills every open stream for its duration).`);
  for (const p of plan) console.log(`  - ${p.id}: ${p.what} (~${Math.ceil(p.ms / 1000)} s)`);
  console.log("");
}

/** The plan, or the probes named by --only. */
function selectedPlan() {
  const i = process.argv.indexOf("--only");
  if (i === -1) return PLAN;
  const ids = (process.argv[i + 1] || "").split(",").filter(Boolean);
  const unknown = ids.filter((id) => !PROBES[id]);
  if (ids.length === 0 || unknown.length) throw new Error(`--only needs probe ids from: ${PLAN.map((p) => p.id).join(", ")}${unknown.length ? ` (unknown: ${unknown.join(", ")})` : ""}`);
  return PLAN.filter((p) => ids.includes(p.id));
}

async function main() {
  const json = process.argv.includes("--json");
  const plan = selectedPlan();
  const t = target();
  const key = (process.env.SONIOX_API_KEY || "").trim();
  if (!key) {
    printPlan(t, plan);
    console.error("Not run: SONIOX_API_KEY is not set. Set it to a Soniox API key to run these probes (they open real, billed streams).");
    process.exit(2);
  }
  const { resolveApiUrl } = coreModule("rest-base");
  const apiUrl = resolveApiUrl(t.region, t.wsUrl, process.env.SONIOX_API_URL);
  printPlan(t, plan);
  // The config dialog's Check first: a rejected key, an empty balance or no way through would fail
  // every probe, and it costs no stream.
  const { checkKey, proxyInEnvironment } = coreModule("check");
  const keyCheck = await checkKey({ apiUrl, apiKey: key, proxyConfigured: proxyInEnvironment(process.env) });
  console.log(`Key check (${apiUrl}): ${keyCheck.outcome}${keyCheck.outcome === "ok" ? "" : ` (${keyCheck.detail})`}`);
  if (keyCheck.outcome !== "ok") {
    console.error("Not run: the key check failed, so every probe would too. Nothing was streamed.");
    process.exit(1);
  }
  const rows = [];
  for (const p of plan) {
    let out;
    try {
      out = await PROBES[p.id]({ wsUrl: t.wsUrl, key, apiUrl });
    } catch (err) {
      out = { check: p.id, pass: false, detail: `probe failed: ${err.message}` };
    }
    for (const row of [].concat(out)) {
      rows.push({ probe: p.id, simulator: "", ...row });
      console.log(`${row.pass ? "PASS" : "FAIL"}  ${row.check}: ${row.detail}`);
    }
  }
  console.log("");
  const w1 = Math.max(...rows.map((r) => r.check.length), 5);
  const w2 = Math.max(...rows.map((r) => r.simulator.length), 16);
  console.log(`${"check".padEnd(w1)}  result  ${"simulator switch".padEnd(w2)}`);
  console.log(`${"-".repeat(w1)}  ------  ${"-".repeat(w2)}`);
  for (const r of rows) console.log(`${r.check.padEnd(w1)}  ${(r.pass ? "pass" : "FAIL").padEnd(6)}  ${r.simulator.padEnd(w2)}`);
  const failed = rows.filter((r) => !r.pass).length;
  console.log(`\n${rows.length - failed} passed, ${failed} failed`);
  if (json) console.log(JSON.stringify({ target: t.wsUrl, rows }));
  process.exit(failed ? 1 : 0);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err.stack || err.message);
    process.exit(1);
  });
}

module.exports = { PLAN };
