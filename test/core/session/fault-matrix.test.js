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
const { spawnSync } = require("child_process");
const FFMPEG = require("@ffmpeg-installer/ffmpeg").path;

const SEED = Number(process.env.FAULT_SEED || 1207);
const KEY = "matrix-key";
const FIXTURES = path.join(__dirname, "../../fixtures/audio");
const SCRIPT = fs.readFileSync(path.join(FIXTURES, "transcript.txt"), "utf8").trim().split(/\s+/);
const FILE_MS = 4267;
const MAX_TIMELINE_ERROR_MS = 100;

/** The script spread over the file: word i at a fixed place, so "its time in the file" is known. */
const WORDS = SCRIPT.map((text, i) => {
  const step = (FILE_MS - 200) / SCRIPT.length;
  const startMs = Math.round(100 + i * step);
  return { text, startMs, endMs: Math.round(startMs + step * 0.8) };
});

/** Where the audio data of a RIFF file starts: after the "data" chunk header. */
function wavDataStart(buf) {
  const at = buf.indexOf("data", 12, "latin1");
  return at < 0 ? -1 : at + 8;
}

/**
 * Finds a connection's first audio in the file by its bytes. `bytesPerMs` and `frame` describe
 * the file's samples; a WAV connection may start with the header re-sent, which is skipped.
 */
function locator(file, { wav, bytesPerMs, frame }) {
  const dataStart = wav ? wavDataStart(file) : 0;
  const data = file.subarray(dataStart);
  return (received) => {
    let audio = received;
    if (wav && received.subarray(0, 4).toString("latin1") === "RIFF") {
      const start = wavDataStart(received);
      if (start < 0) return null;
      audio = received.subarray(start);
    }
    if (audio.length < 256) return null;
    const probe = audio.subarray(0, Math.min(audio.length, 4096));
    const at = data.indexOf(probe);
    if (at < 0 || at % frame !== 0 || data.lastIndexOf(probe) !== at) return null;
    return at / bytesPerMs;
  };
}

/**
 * Audio time before byte `at` of a compressed file, by ffmpeg decoding the bytes before it (so the
 * test's truth owes nothing to the client's container clocks).
 */
function decodedMsBefore(file, at) {
  if (at === 0) return 0;
  // A cut file ends in a partial frame or page, which ffmpeg reports as an error after decoding the rest.
  const run = spawnSync(FFMPEG, ["-v", "quiet", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", "48000", "pipe:1"], {
    input: file.subarray(0, at),
    maxBuffer: 1 << 26,
  });
  // Nothing decoded means the bytes before `at` are the header alone: time 0.
  return (run.stdout ? run.stdout.length : 0) / 96;
}

/**
 * Finds a connection's first audio in a compressed file: the longest run at the end of what it
 * received that matches the file (whatever header came before it), then the decoded time there.
 */
function containerLocator(file) {
  const memo = new Map();
  return (received) => {
    if (received.length < 1024) return null;
    const n = received.length;
    const end = file.indexOf(received.subarray(n - 512));
    if (end < 0 || file.lastIndexOf(received.subarray(n - 512)) !== end) return null;
    const shift = end - (n - 512); // received[i] is file[i + shift] along the matching run
    let i = n - 513;
    while (i >= 0 && i + shift >= 0 && received[i] === file[i + shift]) i--;
    const position = i + 1 + shift;
    if (!memo.has(position)) memo.set(position, decodedMsBefore(file, position));
    return memo.get(position);
  };
}

const FORMATS = [
  { name: "WAV s16 16k", file: "speech-16k-mono.wav", start: { audio_format: "auto" }, wav: true, bytesPerMs: 32, frame: 2 },
  { name: "raw PCM s16le", file: "speech-16k-mono.s16le", start: { audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 }, bytesPerMs: 32, frame: 2 },
  { name: "mu-law raw", file: "speech-8k.mulaw", start: { audio_format: "mulaw", sample_rate: 8000, num_channels: 1 }, bytesPerMs: 8, frame: 1 },
  { name: "mu-law WAV", file: "speech-8k-mulaw.wav", start: { audio_format: "auto" }, wav: true, bytesPerMs: 8, frame: 1 },
  ...[
    ["OGG/Opus", "speech.ogg"],
    ["OGG/Vorbis", "speech-vorbis.ogg"],
    ["WebM/Opus", "speech.webm"],
    ["WebM/Opus, many clusters", "speech-clusters.webm"],
    ["MP3 44.1k stereo", "speech-44k-stereo.mp3"],
    ["MP3 CBR + ID3", "speech-16k-cbr-id3.mp3"],
    ["MP3 VBR + ID3", "speech-44k-vbr-id3.mp3"],
    ["FLAC", "speech.flac"],
    ["FLAC in Ogg", "speech-flac.oga"],
    ["AAC (ADTS)", "speech.aac"],
    ["AIFF", "speech.aiff"],
  ].map(([name, file]) => ({ name, file, start: { audio_format: "auto" }, container: true })),
];

/** Bytes per ms of a file (compressed files: on average), for feeding it in 100 ms pieces. */
function bytesPerMsOf(format) {
  return format.bytesPerMs ?? fs.statSync(path.join(FIXTURES, format.file)).size / FILE_MS;
}

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
    timedScript: { words: WORDS, locate: format.container ? containerLocator(file) : locator(file, format) },
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
