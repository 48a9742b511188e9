"use strict";
// The Node-RED floor: the least any Node-RED node can do for Soniox real-time STT. One bare `ws`
// socket per msg.topic: key in the upgrade header, the start message on open (the fields in its config,
// the bench's audio format), each msg.payload as a
// binary frame (held only until the socket is open), JSON.parse of each response and one msg per
// response. msg.control "start" opens without audio, "stop" sends the protocol's empty frame.
// No queue limits, pacing, reconnects, keepalives or status: everything a real node adds is
// measured as the difference between this and soniox-transcribe.
const WebSocket = require("ws");

module.exports = function register(RED) {
  function NrFloor(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    /** @type {Map<string, {ws: WebSocket, pending: (Buffer|string)[] | null}>} */
    const sockets = new Map();

    function open(topic, msg) {
      // A bench node: the key comes in its config; a real node would read its credentials once, here.
      const ws = new WebSocket(config.url, { headers: { Authorization: `Bearer ${config.apiKey}` }, perMessageDeflate: false });
      const s = { ws, pending: [] };
      ws.on("open", () => {
        ws.send(JSON.stringify({ ...config.start, client_reference_id: msg.soniox?.client_reference_id ?? topic }));
        const pending = s.pending;
        s.pending = null;
        for (const data of pending) ws.send(data);
      });
      ws.on("message", (data, isBinary) => {
        if (!isBinary) node.send({ topic, payload: JSON.parse(data.toString()) });
      });
      ws.on("error", (err) => node.error(err.message, { topic }));
      ws.on("close", () => sockets.get(topic) === s && sockets.delete(topic));
      sockets.set(topic, s);
      return s;
    }

    node.on("input", (msg, _send, done) => {
      const topic = String(msg.topic);
      let s = sockets.get(topic);
      if (msg.control === "stop") {
        if (s) s.pending ? s.pending.push("") : s.ws.send("");
        return done();
      }
      s ??= open(topic, msg);
      if (msg.control !== "start") s.pending ? s.pending.push(msg.payload) : s.ws.send(msg.payload);
      done();
    });

    node.on("close", (_removed, done) => {
      for (const s of sockets.values()) s.ws.terminate();
      sockets.clear();
      done();
    });
  }
  RED.nodes.registerType("nr-floor", NrFloor);
};
