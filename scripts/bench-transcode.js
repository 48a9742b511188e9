#!/usr/bin/env node
// CPU cost of "convert to PCM 16 kHz mono": one live stream (audio arriving in 120 ms chunks at real
// time) sent to the simulator, as raw PCM and transcoded from Ogg/Opus (Telegram voice notes) and
// MP3 44.1 kHz stereo. Reports CPU time (user + sys) of this process (the client: node, our code,
// the WebSocket) and of the ffmpeg child, as a share of one core. The simulator runs in its own
// process so its work is not counted. A measurement, not a test: run `node scripts/build.js` first.
// Usage: node scripts/bench-transcode.js [seconds per case, default 20]
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync, spawn } = require("child_process");
const { resolveFormat } = require("../dist/core/audio/format-declaration");
const { AudioPipeline } = require("../dist/core/audio/audio-pipeline");
const { TranscriptionStream } = require("../dist/core/session/stream");
const { systemClock } = require("../dist/core/clock");
const { wsTransport } = require("../dist/core/session/transport");
const { findFfmpeg, ffmpegMissingMessage } = require("../dist/core/audio/ffmpeg-binary");
const { processCpuSeconds } = require("./bench/child-cpu");

const SECONDS = Number(process.argv[2] || 20);
const CHUNK_MS = 120;
const KEY = "bench-key";
const AUDIO = path.join(__dirname, "..", "test", "fixtures", "audio");

/** `seconds` of the fixture sentence, looped, encoded by ffmpeg in the given output format. */
function loopedAudio(seconds, outputArgs) {
  const args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-stream_loop", "-1", "-i", path.join(AUDIO, "speech-16k-mono.wav"), "-t", String(seconds), ...outputArgs, "pipe:1"];
  const ffmpeg = findFfmpeg();
  if (ffmpeg === null) throw new Error(ffmpegMissingMessage("This benchmark"));
  return execFileSync(ffmpeg, args, { maxBuffer: 64 * 1024 * 1024 });
}

/** The simulator CLI on a free port; its banner names the WebSocket URL. */
function startSimulatorProcess() {
  const child = spawn(process.execPath, [path.join(__dirname, "..", "dist", "simulator", "cli.js"), "--port", "0", "--key", KEY], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let banner = "";
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text) => {
      banner += text;
      const url = /WebSocket:\s*(\S+)/.exec(banner);
      if (url) resolve({ url: url[1], child });
    });
  });
}

async function runCase(sim, name, bytes, request) {
  const resolution = resolveFormat(request, bytes, true);
  let stream = null;
  let ffmpegPid;
  let ffmpegCpu = 0;
  let closed = null;
  const pipeline = new AudioPipeline(resolution, {
    send: (b) => stream.audio(b),
    queuedBytes: () => stream.session.queuedBytes,
    maxQueuedBytes: 16 * 1024 * 1024,
    warn: (w) => console.warn(`  warning: ${w}`),
    fail: (err) => console.error(`  failed: ${err.message}`),
    firstProps: {},
    createTranscoder: (options) => {
      const t = require("../dist/core/audio/transcoder").createTranscoder(options);
      ffmpegPid = t.pid;
      return t;
    },
  });
  stream = new TranscriptionStream({
    key: name,
    url: sim.url,
    apiKey: KEY,
    authMethod: "header",
    start: { model: "stt-rt-v5", ...resolution.audio },
    transport: wsTransport,
    clock: systemClock,
    keepaliveIntervalMs: 8000,
    connectTimeoutMs: 10000,
    finishTimeoutMs: 10000,
    pacing: true,
    maxQueuedBytes: 16 * 1024 * 1024,
    idleTimeoutMs: 0,
  });
  const finished = new Promise((resolve) => stream.once("closed", (info) => resolve((closed = info))));
  const perChunk = Math.ceil(bytes.length / ((SECONDS * 1000) / CHUNK_MS));
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  await new Promise((resolve) => {
    let at = 0;
    const timer = setInterval(() => {
      pipeline.push(bytes.subarray(at, at + perChunk), {});
      at += perChunk;
      if (at < bytes.length) return;
      clearInterval(timer);
      // Read ffmpeg's CPU time while it still exists: it exits once its input ends.
      if (ffmpegPid) ffmpegCpu = processCpuSeconds(ffmpegPid);
      pipeline.end(() => {
        stream.control({ type: "stop" });
        finished.then(resolve);
      });
    }, CHUNK_MS);
  });
  const cpu = process.cpuUsage(cpuBefore);
  if (closed.error) throw closed.error;
  const wallS = (Date.now() - started) / 1000;
  const nodeS = (cpu.user + cpu.system) / 1e6;
  pipeline.destroy();
  return { name, format: resolution.audio.audio_format, wallS, nodeS, ffmpegS: ffmpegCpu, sentBytes: stream.session.stats.audioBytesSent };
}

async function main() {
  console.log(`Encoding ${SECONDS} s test sources with ffmpeg...`);
  const pcm = loopedAudio(SECONDS, ["-f", "s16le", "-ac", "1", "-ar", "16000"]);
  const ogg = loopedAudio(SECONDS, ["-c:a", "libopus", "-b:a", "24k", "-f", "ogg"]);
  const mp3 = loopedAudio(SECONDS, ["-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3"]);
  const sim = await startSimulatorProcess();
  const base = { sox: {}, floatHandling: "send" };
  const results = [];
  try {
    results.push(await runCase(sim, "raw PCM s16le 16 kHz mono (no ffmpeg)", pcm, { ...base, declared: { audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 }, convertToPcm: false }));
    results.push(await runCase(sim, "Ogg/Opus 24 kbps -> PCM 16 kHz mono", ogg, { ...base, declared: { audio_format: "auto" }, convertToPcm: true }));
    results.push(await runCase(sim, "MP3 44.1 kHz stereo 64 kbps -> PCM 16 kHz mono", mp3, { ...base, declared: { audio_format: "auto" }, convertToPcm: true }));
  } finally {
    sim.child.kill();
  }
  console.log(`\nOne live stream, ${SECONDS} s of audio in ${CHUNK_MS} ms chunks, ${require("os").cpus().length} cores (${require("os").cpus()[0].model}):`);
  for (const r of results) {
    const pct = (s) => ((100 * s) / r.wallS).toFixed(2);
    console.log(
      `  ${r.name.padEnd(48)} node ${r.nodeS.toFixed(2)} s (${pct(r.nodeS)}% of a core)  ffmpeg ${r.ffmpegS.toFixed(2)} s (${pct(r.ffmpegS)}%)  total ${pct(r.nodeS + r.ffmpegS)}%  sent ${(r.sentBytes / 1024).toFixed(0)} KiB as ${r.format}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
