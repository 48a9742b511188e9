"use strict";
// The simulator in a process of its own, so its CPU is not charged to the contender. Bench
// settings: no frame log (hundreds of streams), the shared monotonic clock, send-time stamps on
// tokens, and a far start-message cutoff so the SDK's deprecated api_key field is accepted.
// IPC: sends {type:"listening", url}; answers {type:"mark", name} and {type:"stats"}.
const path = require("path");
const { hrMs } = require("./clock");
const { SPEECH_CYCLE, scriptFor } = require("./audio");
const { childCpu } = require("./child-cpu");

const cfg = JSON.parse(process.argv[2]);
// Never outlive the bench: if it goes away, so do we.
process.on("disconnect", () => process.exit(2));
const { startSimulator } = require(path.join(__dirname, "..", "..", "dist", "simulator"));

function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function main() {
  const sim = await startSimulator({
    apiKeys: [cfg.apiKey],
    script: scriptFor(cfg.seconds + 10),
    recordFrames: false,
    // --sim-timing bytes: containers counted at this rate instead of decoded (bench.js bytesTiming),
    // with the silences the fixtures' source audio has, so they get the PCM streams' responses.
    ...(cfg.containerBytesPerMs ? { containerBytesPerMs: cfg.containerBytesPerMs, containerSpeech: SPEECH_CYCLE } : {}),
    stampSentTime: true,
    clock: hrMs,
    auth: { startMessageCutoff: "2100-01-01" },
    // Plenty of headroom: a loaded client is measured by its lag, not cut off by the simulator.
    firstAudioTimeoutMs: 60_000,
    keepaliveTimeoutMs: 60_000,
    pacing: { maxLeadMs: 4000, enforce: true },
  });
  const marks = { listening: { at: hrMs(), cpuMs: cpuMs() } };
  process.on("message", (msg) => {
    if (msg.type === "mark") {
      // The simulator decodes every container stream with an ffmpeg of its own: those count too.
      marks[msg.name] = { at: hrMs(), cpuMs: cpuMs(), children: childCpu() };
    } else if (msg.type === "stats") {
      const connections = sim.connections.map((c) => ({
        ref: c.startMessage?.client_reference_id ?? null,
        auth: c.authMethod,
        audioFormat: c.startMessage?.audio_format ?? null,
        audioMs: c.audioMs,
        audioChunks: c.audioChunks,
        firstAudioAt: c.firstAudioAt,
        lastAudioAt: c.lastAudioAt,
        maxLagMs: c.maxLagMs,
        maxLeadMs: c.maxLeadMs,
        messagesSent: c.messagesSent,
        finished: c.finished,
        error: c.error,
      }));
      process.send({ type: "stats", marks, connections });
    } else if (msg.type === "stop") {
      sim.close().then(() => process.exit(0));
    }
  });
  process.send({ type: "listening", url: sim.url });
}

main().catch((err) => {
  console.error(`bench simulator: ${err.stack ?? err}`);
  process.exit(1);
});
