"use strict";
// The bench's "bare" Wyoming server: our core Wyoming server (same parser, state machine and
// transcript rules as the node) bridged straight to Soniox with a plain `ws` per command, in a
// process of its own, with no Node-RED and no transcribe node: what the Node-RED hop is compared
// with. argv: JSON {port, url, apiKey, endpointing, streaming}. IPC: sends {type: "listening"}.
const path = require("path");
const WebSocket = require("ws");

const cfg = JSON.parse(process.argv[2]);
process.on("disconnect", () => process.exit(2));
const dist = path.join(__dirname, "..", "..", "dist");
const { WyomingServer } = require(path.join(dist, "core", "wyoming"));
const { systemClock } = require(path.join(dist, "core", "clock"));

const sockets = new Map();

const server = new WyomingServer({
  host: "127.0.0.1",
  port: cfg.port,
  name: "bare",
  version: "bench",
  streaming: cfg.streaming,
  endpointing: cfg.endpointing,
  responseTimeoutMs: 10_000,
  clock: systemClock,
  handlers: {
    start(command) {
      const ws = new WebSocket(cfg.url, { headers: { Authorization: `Bearer ${cfg.apiKey}` } });
      const pending = [];
      sockets.set(command.id, { ws, pending });
      ws.on("open", () => {
        const start = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: command.format.rate, num_channels: command.format.channels };
        if (command.hint) start.language_hints = [command.hint];
        if (command.endpointing) start.enable_endpoint_detection = true;
        ws.send(JSON.stringify(start));
        for (const frame of pending.splice(0)) ws.send(frame);
      });
      ws.on("message", (data) => {
        const r = JSON.parse(String(data));
        if (Array.isArray(r.tokens)) server.deliver(command.id, { kind: "response", tokens: r.tokens, finished: r.finished === true });
      });
      ws.on("error", () => {});
    },
    audio(command, audio) {
      send(command.id, audio);
    },
    stop(command) {
      send(command.id, "");
    },
    cancel(command) {
      sockets.get(command.id)?.ws.close();
      sockets.delete(command.id);
    },
    ended() {},
    timeout() {},
    protocolError() {},
  },
});

function send(id, frame) {
  const s = sockets.get(id);
  if (!s) return;
  if (s.ws.readyState === WebSocket.OPEN) s.ws.send(frame);
  else s.pending.push(frame);
}

server.listen().then(() => process.send({ type: "listening" }));
