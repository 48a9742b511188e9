"use strict";
// Shared client-side helpers for the simulator tests: a real `ws` client, audio generators and a
// bounded wait so a missing event fails with a message instead of a mocha timeout.
const WebSocket = require("ws");
const { startSimulator } = require("../../dist/simulator");

const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };

/** Rejects with `what` if `promise` does not settle within `ms`. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Opens a client. `opened` resolves on open, or with {status, body} on a non-101 answer;
 * `closed` resolves with {code}. Every JSON message received lands in `messages`.
 */
function openClient(sim, { headers = { Authorization: "Bearer test-key" }, protocols } = {}) {
  const ws = new WebSocket(sim.url, protocols, { headers });
  const messages = [];
  ws.on("message", (data) => messages.push(JSON.parse(data.toString())));
  ws.on("error", () => {});
  const opened = new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ status: 101 }));
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(body) }));
    });
    ws.once("error", reject);
  });
  const closed = new Promise((resolve) => ws.once("close", (code) => resolve({ code })));
  return { ws, messages, opened, closed };
}

/** Waits until a received message satisfies `predicate`. */
function waitForMessage(client, predicate, what, ms = 3000) {
  return within(
    new Promise((resolve) => {
      const found = client.messages.find(predicate);
      if (found) return resolve(found);
      const onMessage = () => {
        const hit = client.messages.find(predicate);
        if (hit) {
          client.ws.off("message", onMessage);
          resolve(hit);
        }
      };
      client.ws.on("message", onMessage);
    }),
    ms,
    what,
  );
}

/** pcm_s16le mono: a 440 Hz tone at 30 % of full scale, `ms` long. */
function tone16(ms, rate = 16000) {
  const n = Math.round((rate * ms) / 1000);
  const buf = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  return buf;
}

/** pcm_s16le mono digital silence, `ms` long. */
function silence16(ms, rate = 16000) {
  return Buffer.alloc(Math.round((rate * ms) / 1000) * 2);
}

/** Sends `buf` in 120 ms chunks (3840 bytes for s16le 16 kHz mono), all at once. */
function sendChunks(ws, buf, chunkBytes = 3840) {
  for (let off = 0; off < buf.length; off += chunkBytes) ws.send(buf.subarray(off, off + chunkBytes));
}

/** Resolves once the simulator side of `conn` has seen its close (the client may see it first). */
function serverClosed(conn, ms = 2000) {
  if (conn.closed) return Promise.resolve(conn.closeCode);
  return within(new Promise((resolve) => conn.once("close", resolve)), ms, `server-side close of connection ${conn.index}`);
}

function finalText(messages) {
  return messages
    .flatMap((m) => m.tokens || [])
    .filter((t) => t.is_final && t.text !== "<end>" && t.text !== "<fin>" && t.translation_status !== "translation")
    .map((t) => t.text)
    .join("");
}

/** mocha hooks: a fresh simulator per test on 127.0.0.1:0, closed afterwards. */
function useSimulator(getOptions = () => ({})) {
  const ctx = { sim: null, clients: [] };
  beforeEach(async () => {
    ctx.sim = await startSimulator(getOptions());
    ctx.clients = [];
  });
  afterEach(async () => {
    for (const c of ctx.clients) c.ws.terminate();
    await ctx.sim.close();
  });
  ctx.client = (opts) => {
    const c = openClient(ctx.sim, opts);
    ctx.clients.push(c);
    return c;
  };
  /** A client that is open and has sent `start`. */
  ctx.started = async (start = START) => {
    const c = ctx.client();
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify(start));
    return c;
  };
  return ctx;
}

module.exports = { START, within, openClient, waitForMessage, tone16, silence16, sendChunks, serverClosed, finalText, useSimulator };
