"use strict";
// Shared set-up for flow tests: the real Node-RED runtime (node-red-node-test-helper) loading the
// compiled nodes that Node-RED itself would load, and flow builders that return fresh flows.
const helper = require("node-red-node-test-helper");
const configNode = require("../../dist/nodes/soniox-config.js");
const transcribeNode = require("../../dist/nodes/soniox-transcribe.js");
const controlNode = require("../../dist/nodes/soniox-control.js");
const filterNode = require("../../dist/nodes/soniox-token-filter.js");
const tempKeyNode = require("../../dist/nodes/soniox-temp-key.js");
const wyomingInNode = require("../../dist/nodes/wyoming-in.js");
const wyomingResponseNode = require("../../dist/nodes/wyoming-response.js");

const { RUNTIME, coreNode } = require("./runtime");

helper.init(RUNTIME);

const catchNode = coreNode("common/25-catch.js");
const statusNode = coreNode("common/25-status.js");
const completeNode = coreNode("common/24-complete.js");
const HELPER_LOADED = new Set([catchNode, statusNode, completeNode]);
const ONCE = Symbol("loaded once per runtime");

/**
 * The helper itself loads the catch/status/complete modules, once per node of that type in the
 * flow, so a flow with two catch nodes registers "catch" twice and load() never calls back. Each
 * module is made to load once per runtime instance (again after every helper.init, which resets
 * the table), and they are left out of the node list handed to the helper.
 */
function loadCoreModulesOnce() {
  for (const [type, register] of Object.entries(helper._nodeModules)) {
    if (register[ONCE]) continue;
    let loadedInto = null;
    const once = (red) => {
      if (loadedInto === red) return undefined;
      loadedInto = red;
      return register(red);
    };
    once[ONCE] = true;
    helper._nodeModules[type] = once;
  }
}

const NODES = [configNode, transcribeNode, controlNode, filterNode, tempKeyNode, wyomingInNode, wyomingResponseNode, catchNode, statusNode, completeNode];

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
  loadCoreModulesOnce();
  const own = nodes.filter((n) => !HELPER_LOADED.has(n));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const recent = helper.log().args.slice(-5).map((a) => JSON.stringify(a[0]).slice(0, 300));
      reject(new Error(`helper.load did not finish; last log entries:\n${recent.join("\n")}`));
    }, 8000);
    Promise.resolve(
      helper.load(own, flow, credentials, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      }),
    ).catch((err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Collects messages arriving at a helper node. */
function collect(id) {
  const messages = [];
  helper.getNode(id).on("input", (msg) => messages.push(msg));
  return messages;
}

/**
 * Resolves with the predicate's first truthy value. A predicate that throws has not come true yet:
 * `sim.connections[0].audioBytes` throws until the stream's socket reaches the simulator, and
 * rejecting then made tests fail whenever the connection was a little slow. The last error is
 * named if time runs out.
 */
function waitFor(predicate, timeoutMs = 8000, what = "condition") {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      let value;
      let error = null;
      try {
        value = predicate();
      } catch (err) {
        error = err;
      }
      if (value) return resolve(value);
      if (Date.now() - started > timeoutMs) {
        return reject(new Error(`timed out waiting for ${what}${error ? ` (last try threw: ${error.message})` : ""}`));
      }
      setTimeout(check, 10);
    };
    check();
  });
}

module.exports = { helper, NODES, RUNTIME, coreNode, transcribeFlow, configFor, load, collect, waitFor };
