"use strict";
// Ours: soniox-transcribe → soniox-token-filter (text) in the embedded Node-RED; `oneHop` is
// soniox-transcribe straight to the sink (every response), the same flow shape as nr-floor;
// `transcode` is ours converting compressed audio to PCM with ffmpeg (convert_to_pcm).
// PCM is declared (pcm_s16le, 16 kHz, mono); compressed formats are "auto", as a user leaves them.
const path = require("path");
const { frame, startNodeRed, nodeRedContender } = require("../embedded-nr");
const { TRANSCRIBE_DIALOG_DEFAULTS } = require(path.join(__dirname, "..", "..", "..", "dist", "nodes", "lib", "transcribe-options"));

/**
 * The transcribe node's settings in the bench: a new node's defaults (what the editor gives it),
 * with the format declared for PCM, streams keyed by msg.topic and room for the run's streams.
 * bench:paths builds its registry from them too.
 */
function transcribeDialog(format, { transcode = false, maxStreams = 1000 } = {}) {
  const pcm = format === "pcm";
  return {
    ...TRANSCRIBE_DIALOG_DEFAULTS,
    audioFormat: pcm ? "pcm_s16le" : "auto",
    sampleRate: pcm ? 16000 : "",
    numChannels: pcm ? 1 : "",
    convertToPcm: transcode,
    streamKeyProperty: "topic",
    maxStreams,
  };
}

function flowFor(cfg, oneHop, transcode) {
  const maxStreams = Math.min(1000, Math.max(10, cfg.streams ?? 0, 2 * (cfg.samples ?? 0)));
  return frame([
    { id: "cfg", type: "soniox-config", name: "simulator", region: "custom", url: cfg.url, authMethod: "header" },
    {
      id: "x",
      type: "soniox-transcribe",
      config: "cfg",
      ...transcribeDialog(cfg.format ?? "pcm", { transcode, maxStreams }),
      wires: [[oneHop ? "text-sink" : "tf"], []],
    },
    ...(oneHop ? [] : [{ id: "tf", type: "soniox-token-filter", mode: "text", maxStreams: Math.max(100, cfg.streams ?? 0, 2 * (cfg.samples ?? 0)), wires: [["text-sink"]] }]),
  ]);
}

async function createNodeRed(cfg, probe, errors, { oneHop = false, transcode = false } = {}) {
  if (transcode && (cfg.format ?? "pcm") === "pcm") throw new Error("nodered-transcode converts compressed audio: run it with a compressed --format.");
  let lastStatus = "";
  const nr = await startNodeRed({
    flow: flowFor(cfg, oneHop, transcode),
    credentials: { cfg: { apiKey: cfg.apiKey } },
    errors,
    // The token filter's text messages carry msg.tokens; transcribe's carry them in msg.payload.
    onSink: (msg) => probe.sink(oneHop ? msg.payload.tokens : msg.tokens),
    onStatus: (text) => (lastStatus = text),
  });
  // The transcribe node shows "idle" once its last stream has ended.
  return nodeRedContender({ ...nr, errors, ended: () => lastStatus === "idle" });
}

module.exports = createNodeRed;
module.exports.oneHop = (cfg, probe, errors) => createNodeRed(cfg, probe, errors, { oneHop: true });
module.exports.transcode = (cfg, probe, errors) => createNodeRed(cfg, probe, errors, { transcode: true });
module.exports.transcribeDialog = transcribeDialog;
