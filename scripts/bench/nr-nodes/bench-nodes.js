"use strict";
// Two bench-only node types for the embedded Node-RED: a source the bench sends from (like an
// inject node's send on its timer) and a sink that hands each message to the bench.
const hooks = require("../nr-hooks");

module.exports = function register(RED) {
  function BenchSource(config) {
    RED.nodes.createNode(this, config);
    hooks.source = this;
  }
  function BenchSink(config) {
    RED.nodes.createNode(this, config);
    const name = config.name || "sink";
    this.on("input", (msg, _send, done) => {
      hooks.onSink(name, msg);
      done();
    });
  }
  RED.nodes.registerType("bench-source", BenchSource);
  RED.nodes.registerType("bench-sink", BenchSink);
};
