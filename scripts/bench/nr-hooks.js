"use strict";
// Shared between the Node-RED contender and the bench nodes it loads into the embedded runtime
// (same process, same module instance): where sources register and sinks deliver.
module.exports = {
  /** @type {import("node-red").Node | null} the bench-source node instance, once created */
  source: null,
  /** Called with (sinkName, msg) for every message a bench-sink node receives. */
  onSink: () => {},
};
