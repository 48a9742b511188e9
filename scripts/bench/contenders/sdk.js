"use strict";
// The official @soniox/node SDK: one client.realtime.stt() session per stream, results through
// its "result" event. It needs a WebSocket global (Node 22+, or Node 20 with
// --experimental-websocket) and sends the key as the deprecated api_key start-message field.
const { startFieldsFor } = require("../formats");

module.exports = async function createSdk(cfg, probe, errors) {
  const { SonioxNodeClient } = require("@soniox/node");
  const client = new SonioxNodeClient({ api_key: cfg.apiKey, realtime: { ws_base_url: cfg.url } });
  const streams = new Map();
  const startFields = startFieldsFor(cfg.format ?? "pcm");

  function open(key) {
    const session = client.realtime.stt({ ...startFields, client_reference_id: key });
    const s = { session, pending: [], connected: false, finished: false };
    // The SDK drops the unknown bench field from its tokens; the raw response keeps it.
    session.on("result", (result) => {
      if (result.tokens.length > 0) probe.sink(result.raw.tokens);
    });
    session.on("finished", () => (s.finished = true));
    session.on("error", (err) => errors.push(`${key}: ${err.message}`));
    // .catch after .then: sendAudio throws (StateError) if the session failed meanwhile.
    s.connecting = session
      .connect()
      .then(() => {
        s.connected = true;
        const pending = s.pending;
        s.pending = null;
        for (const chunk of pending) session.sendAudio(chunk);
      })
      .catch((err) => errors.push(`${key}: ${err.name ?? "Error"}: ${err.message}`));
    streams.set(key, s);
    return s;
  }

  return {
    errors,
    audio(key, chunk) {
      const s = streams.get(key) ?? open(key);
      if (s.connected) s.session.sendAudio(chunk);
      else if (s.pending) s.pending.push(chunk);
    },
    preconnect(key) {
      return open(key).connecting;
    },
    async endAll(keys, timeoutMs) {
      const done = keys.map((k) => {
        const s = streams.get(k);
        if (!s || !s.connected) return Promise.resolve();
        return s.session.finish().catch((err) => errors.push(`${k}: finish: ${err.message}`));
      });
      await Promise.race([Promise.all(done), new Promise((r) => setTimeout(r, timeoutMs))]);
      const finished = keys.filter((k) => streams.get(k)?.finished).length;
      return { finished, of: keys.length };
    },
    async close() {
      for (const s of streams.values()) s.session.close();
    },
  };
};
