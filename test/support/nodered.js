"use strict";
// Shared set-up for flow tests: the real Node-RED runtime (node-red-node-test-helper) loading the
// compiled nodes that Node-RED itself would load, and flow builders that return fresh flows.
const helper = require("node-red-node-test-helper");
const configNode = require("../../dist/nodes/soniox-config.js");
const transcribeNode = require("../../dist/nodes/soniox-transcribe.js");
const controlNode = require("../../dist/nodes/soniox-control.js");
const filterNode = require("../../dist/nodes/soniox-token-filter.js");

helper.init(require.resolve("node-red"));

const catchNode = require("@node-red/nodes/core/common/25-catch.js");
const statusNode = require("@node-red/nodes/core/common/25-status.js");
const completeNode = require("@node-red/nodes/core/common/24-complete.js");

const NODES = [configNode, transcribeNode, controlNode, filterNode, catchNode, statusNode, completeNode];

function configFor(sim, extra = {}) {
  return { id: "cfg", type: "soniox-config", name: "sim", region: "custom", url: sim.url, ...extra };
}

/** A tab with config → transcribe → two helper sinks, plus catch and status nodes. */
function transcribeFlow(sim, props = {}, cfgProps = {}) {
  return [
    { id: "tab", type: "tab", label: "test" },
    configFor(sim, cfgProps),
    {
      id: "tx",
      z: "tab",
      type: "soniox-transcribe",
      config: "cfg",
      audioFormat: "pcm_s16le",
      sampleRate: 16000,
      numChannels: 1,
      enableEndpointDetection: true,
      idleTimeout: 60,
      keepaliveInterval: 8,
      maxStreams: 10,
      pacing: true,
      maxQueueMb: 16,
      connectTimeout: 5,
      finishTimeout: 5,
      streamKeyProperty: "topic",
      ...props,
      wires: [["responses"], ["utterances"]],
    },
    { id: "responses", z: "tab", type: "helper" },
    { id: "utterances", z: "tab", type: "helper" },
    { id: "catcher", z: "tab", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
    { id: "caught", z: "tab", type: "helper" },
  ];
}

function load(nodes, flow, credentials) {
  return new Promise((resolve) => helper.load(nodes, flow, credentials, resolve));
}

/** Collects messages arriving at a helper node. */
function collect(id) {
  const messages = [];
  helper.getNode(id).on("input", (msg) => messages.push(msg));
  return messages;
}

function waitFor(predicate, timeoutMs = 8000, what = "condition") {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      let value;
      try {
        value = predicate();
      } catch (err) {
        return reject(err);
      }
      if (value) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 10);
    };
    check();
  });
}

module.exports = { helper, NODES, transcribeFlow, configFor, load, collect, waitFor };
