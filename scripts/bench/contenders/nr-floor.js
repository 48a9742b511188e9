"use strict";
// The Node-RED floor: the bench-only nr-floor node (scripts/bench/nr-nodes/nr-floor.js) in the
// same embedded Node-RED and flow shape as ours, one msg per raw response to the sink.
const { frame, startNodeRed, nodeRedContender } = require("../embedded-nr");
const { startFieldsFor } = require("../formats");

module.exports = async function createNrFloor(cfg, probe, errors) {
  const finished = new Set();
  const nr = await startNodeRed({
    flow: frame([{ id: "x", type: "nr-floor", url: cfg.url, apiKey: cfg.apiKey, start: startFieldsFor(cfg.format ?? "pcm"), wires: [["text-sink"]] }]),
    errors,
    onSink: (msg) => {
      if (msg.payload.tokens?.length > 0) probe.sink(msg.payload.tokens);
      if (msg.payload.finished) finished.add(msg.topic);
    },
  });
  return nodeRedContender({ ...nr, errors, ended: (keys) => keys.every((k) => finished.has(k)) });
};
