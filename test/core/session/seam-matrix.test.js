"use strict";
// Faults placed at the seams, over every container format the fixtures cover (encoded here from the
// fixture WAV, twice over, the way a live encoder writes them: small Ogg pages): the connection is
// cut (abrupt close or 503) between two identical words, between a finalize and its `<fin>`,
// between an utterance's last final word and the `<end>` that closes it, inside a word Soniox
// finalized only in part, during a pause (after its finalize, before the `<fin>`) and right after
// one, and twice in one stream;
// translation on in most. The simulator's timed words have no endpoint detection, so the test
// sends the `<end>` itself through the simulator's socket, alone in a response (as the real
// service sometimes does), once a connection has heard the utterance's last word and 500 ms more. The simulator behaves like
// the recorded service (every session's text starts without a space, sub-word pieces turn final
// one by one) and hears words at known times in the file, finding each connection's place in the
// file by its bytes (compressed audio is timed by its mean byte rate there). The faults are placed
// by watching what the simulator sends and receives, so a seam is hit whatever the machine's
// speed; the audio goes four times faster than real time.
//
// For each stream: the text is the words once each with single spaces, each utterance comes out
// once (as the transcribe node's second output and the token-filter's utterance and phrase modes
// assemble it), each translation once, final start_ms never goes back, and the last word lands
// within 300 ms of its place in the file.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");
const FFMPEG = require("@ffmpeg-installer/ffmpeg").path;
const { startSimulator } = require("../../../dist/simulator");
const { TranscriptionStream, wsTransport } = require("../../../dist/core/session");
const { UtteranceAssembler, TokenFilter } = require("../../../dist/core/filter");
const { systemClock } = require("../../../dist/core/clock");
const { FIXTURES, locatorFor } = require("./timed-fixtures");

const KEY = "seam-key";
/** The fixture sentence twice over. */
const FILE_MS = 2 * 4267;
const SPEED = 4;
const MAX_LAST_WORD_ERROR_MS = 300;

/** Three utterances; the first closed by a finalize, the second by an endpoint, the third by the end. */
const UTTERANCES = [
  [["no", 300, 550], ["no", 800, 1050], ["no", 1300, 1550]],
  [["kitchen", 2400, 3100], ["lights", 3300, 3700], ["please", 4000, 4400]],
  [["wonderful", 5500, 6300], ["evening", 6600, 7100], ["friends", 7400, 7900]],
];
const WORDS = UTTERANCES.flat().map(([text, startMs, endMs]) => ({ text, startMs, endMs }));
const PHRASES = ["no no", "kitchen lights"];
const FINALIZE_AFTER_MS = 2000;
/** Between the second utterance's endpoint and the third utterance. */
const PAUSE_AFTER_MS = 5100;
/** The endpoint: this long after the second utterance's last word (connection time), `<end>`. */
const ENDPOINT_DELAY_MS = 500;
const LAST_OF_SECOND = UTTERANCES[1][2][0];
/** The simulator cuts words over six letters in two pieces, the first ceil(n/2) letters long. */
const FIRST_PIECES = new Set(WORDS.map((w) => w.text).filter((t) => t.length > 6).map((t) => t.slice(0, Math.ceil(t.length / 2))));

/** Each format as an encoder writes it for streaming (ffmpeg arguments after the input). */
const FORMATS = [
  { name: "WAV", file: "seams.wav", args: ["-c:a", "pcm_s16le"], wav: true, bytesPerMs: 32, frame: 2, headerBytes: 44 },
  { name: "Ogg/Opus 20 ms", file: "seams-20.ogg", args: ["-c:a", "libopus", "-b:a", "24k", "-frame_duration", "20", "-page_duration", "100000"] },
  { name: "Ogg/Opus 60 ms", file: "seams-60.ogg", args: ["-c:a", "libopus", "-b:a", "24k", "-frame_duration", "60", "-page_duration", "120000"] },
  { name: "WebM/Opus (clusters, as MediaRecorder)", file: "seams.webm", args: ["-c:a", "libopus", "-b:a", "24k", "-cluster_time_limit", "1000"] },
  { name: "MP3 MPEG-2.5", file: "seams-25.mp3", args: ["-ar", "8000", "-c:a", "libmp3lame", "-b:a", "16k"] },
  { name: "MP3 VBR", file: "seams-vbr.mp3", args: ["-ar", "44100", "-c:a", "libmp3lame", "-q:a", "5"] },
  { name: "FLAC", file: "seams.flac", args: ["-c:a", "flac", "-frame_size", "1024"] },
  { name: "AAC (ADTS)", file: "seams.aac", args: ["-c:a", "aac", "-b:a", "48k", "-f", "adts"] },
].map((f) => ({ container: !f.wav, start: { audio_format: "auto" }, ...f }));

/** Encodes every format from the fixture WAV played twice; returns the folder. */
function encodeFormats() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seam-matrix-"));
  const wav = path.join(FIXTURES, "speech-16k-mono.wav");
  // A little seeded noise, so no stretch of samples occurs twice, silence included: the
  // simulator finds a connection's place in the file by its bytes.
  const graph = "[0:a][1:a]concat=n=2:v=0:a=1[speech];anoisesrc=r=16000:a=0.003:seed=23[noise];[speech][noise]amix=inputs=2:duration=first";
  const input = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", wav, "-i", wav, "-filter_complex", graph];
  const exact = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact"];
  for (const f of FORMATS) execFileSync(FFMPEG, [...input, ...exact, ...f.args, path.join(dir, f.file)]);
  return dir;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isFinalize = (frame) => frame.dir === "in" && frame.type === "text" && /"finalize"/.test(frame.text || "");

/**
 * Where each scenario cuts the connection. `message` sees each result the simulator sent (with
 * the finals this connection sent so far), `frame` each frame; returning true fires the fault.
 */
const SCENARIOS = [
  {
    name: "between two identical words",
    fault: "abrupt-close",
    message: (m, finals) => finals.filter((t) => t === "no").length === 2,
  },
  {
    name: "between a finalize and its <fin>",
    fault: "503",
    frame: (f, conn) => isFinalize(f) && conn.audioMs < 3000,
  },
  {
    name: "between an utterance's last word and its <end>",
    fault: "503",
    translation: true,
    message: (m) => (m.tokens || []).some((t) => t.is_final && t.text.trim() === LAST_OF_SECOND),
  },
  {
    name: "inside a partly finalized word",
    fault: "503",
    translation: true,
    message: (m) => splitMidWord(m),
  },
  {
    name: "during a pause",
    fault: "abrupt-close",
    translation: true,
    frame: (f, conn) => isFinalize(f) && conn.audioMs > 4000,
  },
  {
    name: "right after a pause",
    fault: "503",
    translation: true,
    frame: (f, conn, seen) => {
      if (isFinalize(f) && conn.audioMs > 4000) seen.paused = true;
      return seen.paused && f.dir === "in" && f.type === "binary";
    },
  },
  {
    name: "twice: identical words, then mid-word",
    fault: "abrupt-close",
    translation: true,
    times: 2,
    message: (m, finals, conn) => (conn.index === 0 ? finals.filter((t) => t === "no").length === 2 : splitMidWord(m)),
  },
];

/** A result where the first piece of a word turned final and the rest of it did not. */
function splitMidWord(message) {
  const tokens = message.tokens || [];
  return tokens.some((t, i) => t.is_final && FIRST_PIECES.has(t.text.trim()) && !(tokens[i + 1] && tokens[i + 1].is_final));
}

function inject(conn, fault) {
  // After the frame that triggered it has gone out: an abrupt close would otherwise lose it in the socket.
  if (fault === "abrupt-close") setTimeout(() => conn.abruptClose(), 5);
  else conn.failWith(503);
}

/** Arms the scenario's fault on every connection until it fired `times` times. */
function placeFaults(sim, scenario, fired) {
  sim.on("connection", (conn) => {
    const finals = [];
    const seen = {};
    let lastWordEnd = null;
    let ended = false;
    const fire = () => {
      if (fired.length >= (scenario.times || 1) || fired.some((f) => f.connection === conn.index)) return;
      fired.push({ connection: conn.index, audioMs: Math.round(conn.audioMs) });
      inject(conn, scenario.fault);
    };
    conn.on("message", (m) => {
      for (const t of m.tokens || []) if (t.is_final && t.translation_status !== "translation") finals.push(t.text.trim());
      if (scenario.message && scenario.message(m, finals, conn)) fire();
      for (const t of m.tokens || []) if (t.is_final && t.text.trim() === LAST_OF_SECOND) lastWordEnd = t.end_ms;
      if (!ended && lastWordEnd !== null && m.total_audio_proc_ms >= lastWordEnd + ENDPOINT_DELAY_MS) {
        ended = true;
        conn.sendRaw(JSON.stringify({ tokens: [{ text: "<end>", is_final: true }], final_audio_proc_ms: m.final_audio_proc_ms, total_audio_proc_ms: m.total_audio_proc_ms }));
      }
    });
    conn.on("frame", (f) => {
      if (scenario.frame && scenario.frame(f, conn, seen)) fire();
    });
  });
}

/** File time at the end of the first `bytes` bytes (proportional for compressed files: only places commands). */
function fileMsAt(format, bytes, total) {
  if (format.wav) return (bytes - format.headerBytes) / format.bytesPerMs;
  return (bytes / total) * FILE_MS;
}

async function runStream(dir, format, scenario) {
  const file = fs.readFileSync(path.join(dir, format.file));
  const sim = await startSimulator({
    apiKeys: [KEY],
    finalBatchMs: 0,
    finalLagMs: 300,
    finDelayMs: [30, 60],
    pacing: { enforce: false },
    timedScript: { words: WORDS, locate: locatorFor(format, file) },
    // Compressed audio is timed by its mean byte rate, not decoded: the decoder's lag would make a
    // finalize cover less than the audio sent before it. Where each connection begins in the file
    // is still found by decoding (the locator), and token times come from the words' places in it.
    containerBytesPerMs: format.container ? file.length / FILE_MS : undefined,
  });
  const fired = [];
  placeFaults(sim, scenario, fired);
  const start = { model: "stt-rt-v5", ...format.start };
  if (scenario.translation) start.translation = { type: "one_way", target_language: "de" };
  const stream = new TranscriptionStream({
    key: "seams",
    url: sim.url,
    apiKey: KEY,
    authMethod: "header",
    start,
    transport: wsTransport,
    clock: systemClock,
    keepaliveIntervalMs: 1000,
    connectTimeoutMs: 3000,
    finishTimeoutMs: 8000,
    pacing: false,
    maxQueuedBytes: 1 << 24,
    idleTimeoutMs: 0,
    reconnect: { enabled: true, maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 100, rateLimitDelayMs: 100, random: () => 0.5 },
    heartbeatIntervalMs: 250,
    heartbeatTimeoutMs: 250,
    ffmpeg: false,
  });
  const responses = [];
  const restarts = [];
  stream.on("response", (r) => responses.push(r));
  stream.on("restart", (r) => restarts.push(r));
  stream.on("warning", () => {});
  const closed = new Promise((resolve) => stream.on("closed", resolve));
  try {
    const chunk = Math.round((file.length / FILE_MS) * 100);
    const commands = [
      { afterMs: FINALIZE_AFTER_MS, run: async () => stream.control({ type: "finalize" }) },
      { afterMs: PAUSE_AFTER_MS, run: async () => {
        // A source that stops while paused (push-to-talk): nothing is dropped, the session is paused.
        stream.control({ type: "pause" });
        await sleep(300);
        stream.control({ type: "resume" });
      } },
    ];
    for (let at = 0; at < file.length; at += chunk) {
      stream.audio(file.subarray(at, at + chunk));
      if (commands.length > 0 && fileMsAt(format, Math.min(file.length, at + chunk), file.length) >= commands[0].afterMs) await commands.shift().run();
      await sleep(100 / SPEED);
    }
    stream.control({ type: "stop" });
    const info = await Promise.race([closed, sleep(20000).then(() => ({ reason: "timeout" }))]);
    return { info, responses, restarts, fired, connections: sim.connections.length, stats: stream.stats };
  } finally {
    stream.cancel();
    await sim.close();
  }
}

/** What a flow sees, checked against the words in the file. */
function check(scenario, result) {
  const times = scenario.times || 1;
  assert.strictEqual(result.info.reason, "finished", `ended ${result.info.reason} ${result.info.error ? result.info.error.message : ""}`);
  assert.strictEqual(result.fired.length, times, `the seam was reached ${result.fired.length} of ${times} times`);
  const expected = WORDS.map((w) => w.text).join(" ");
  assert.strictEqual(result.responses.map((r) => r.final_text).join(""), expected, "final text");
  const finals = result.responses.flatMap((r) => r.tokens).filter((t) => t.is_final && !t.text.startsWith("<") && t.translation_status !== "translation");
  for (let i = 1; i < finals.length; i++) {
    assert.ok(finals[i].start_ms >= finals[i - 1].start_ms, `start_ms goes back at "${finals[i].text}": ${finals[i - 1].start_ms} → ${finals[i].start_ms}`);
  }
  const last = finals[finals.length - 1];
  const lastWord = WORDS[WORDS.length - 1];
  assert.ok(Math.abs(last.end_ms - lastWord.endMs) <= MAX_LAST_WORD_ERROR_MS, `last word ends at ${last.end_ms} ms, in the file at ${lastWord.endMs} ms`);

  const utterances = UTTERANCES.map((u) => u.map(([t]) => t).join(" "));
  const translations = utterances.map((u) => u.toUpperCase());
  if (scenario.translation) {
    const translated = result.responses.map((r) => (r.translation ? r.translation.final_text : "")).join("");
    assert.strictEqual(translated, translations.join(" "), "translated text");
  }
  // The transcribe node's second output.
  const assembler = new UtteranceAssembler();
  const output2 = result.responses.flatMap((r) => assembler.push(r.tokens, r.finished));
  assert.deepStrictEqual(output2.map((u) => u.text), utterances, "output 2: one message per utterance");
  if (scenario.translation) assert.deepStrictEqual(output2.map((u) => u.translation), translations, "output 2: each translation once");
  // The token-filter's modes that assemble utterances (phrases are looked for in the text and its translation).
  const utteranceMode = new TokenFilter({ mode: "utterance" });
  const byUtterance = result.responses.flatMap((r) => utteranceMode.push("s", r.tokens, r.finished).outputs);
  assert.deepStrictEqual(byUtterance.map((o) => o.utterance.text), utterances, "token-filter utterance mode");
  const phraseMode = new TokenFilter({ mode: "phrase", phrases: PHRASES });
  const matches = result.responses.flatMap((r) => phraseMode.push("s", r.tokens, r.finished).outputs).map((o) => o.payload);
  const texts = utterances.flatMap((u) => (scenario.translation ? [u, u.toUpperCase()] : [u]));
  assert.deepStrictEqual(matches, texts.flatMap((t) => PHRASES.filter((p) => t.toLowerCase().includes(p))), "token-filter phrase mode: each phrase once");
}

describe("seam fault matrix: faults at seams, every container format, translation on", function () {
  this.timeout(60000);
  const rows = [];
  let dir;

  before(function () {
    dir = encodeFormats();
  });

  after(function () {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    for (const row of rows) console.log(`        ${row}`);
  });

  for (const format of FORMATS) {
    it(`${format.name}: ${SCENARIOS.length} seams, each word, utterance and translation once, timeline true`, async function () {
      const results = await Promise.all(SCENARIOS.map((s) => runStream(dir, format, s).then((r) => [s, r])));
      const failures = [];
      for (const [scenario, result] of results) {
        try {
          check(scenario, result);
          rows.push(`${format.name} / ${scenario.name}: ${result.connections} sessions, cut at ${result.fired.map((f) => `${f.audioMs} ms`).join(", ")}, repeats dropped ${result.stats.repeatedFinalsDropped}`);
        } catch (err) {
          failures.push(`${scenario.name}: ${err.message} [cut at ${JSON.stringify(result.fired)}; restarts ${JSON.stringify(result.restarts.map((r) => [r.reason, r.offset_ms, r.skipped_ms]))}]`);
        }
      }
      assert.deepStrictEqual(failures, []);
    });
  }
});
