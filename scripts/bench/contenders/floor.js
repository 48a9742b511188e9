"use strict";
// The floor: a bare `ws` client per stream doing only what the protocol requires — key in the
// upgrade header, start message on open, audio frames (held only until the socket is open),
// JSON.parse of each response, "" to end and wait for the server's close.
const WebSocket = require("ws");
const { startFieldsFor } = require("../formats");

module.exports = async function createFloor(cfg, probe, errors) {
  const streams = new Map();
  const startFields = startFieldsFor(cfg.format ?? "pcm");

  function open(key) {
    const ws = new WebSocket(cfg.url, { headers: { Authorization: `Bearer ${cfg.apiKey}` }, perMessageDeflate: false });
    const s = { ws, pending: [], open: false, finished: false, closed: null };
    s.closed = new Promise((resolve) => ws.on("close", resolve));
    ws.on("open", () => {
      ws.send(JSON.stringify({ ...startFields, client_reference_id: key }));
      s.open = true;
      for (const chunk of s.pending) ws.send(chunk);
      s.pending = null;
    });
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const response = JSON.parse(data.toString());
      if (response.error_code !== undefined) errors.push(`${key}: ${response.error_code} ${response.error_message}`);
      if (response.tokens && response.tokens.length > 0) probe.sink(response.tokens);
      if (response.finished) s.finished = true;
    });
    ws.on("error", (err) => errors.push(`${key}: ${err.message}`));
    streams.set(key, s);
    return s;
  }

  return {
    errors,
    audio(key, chunk) {
      const s = streams.get(key) ?? open(key);
      if (s.open) s.ws.send(chunk);
      else s.pending.push(chunk);
    },
    preconnect(key) {
      const s = open(key);
      return new Promise((resolve) => s.ws.once("open", resolve));
    },
    async endAll(keys, timeoutMs) {
      for (const key of keys) {
        const s = streams.get(key);
        if (s && s.ws.readyState === WebSocket.OPEN) s.ws.send("");
      }
      await Promise.race([Promise.all(keys.map((k) => streams.get(k)?.closed)), new Promise((r) => setTimeout(r, timeoutMs))]);
      const finished = keys.filter((k) => streams.get(k)?.finished).length;
      return { finished, of: keys.length };
    },
    async close() {
      for (const s of streams.values()) s.ws.terminate();
    },
  };
};
