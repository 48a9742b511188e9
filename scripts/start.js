#!/usr/bin/env node
// `npm start`: a real Node-RED on http://127.0.0.1:1880 with this package and the example flows,
// as a place to work: flows and credentials (encrypted) live in a user directory that survives
// restarts, and nodes added from the palette are installed there. With SONIOX_API_KEY set the
// examples talk to the real Soniox service; without, to the bundled simulator (a local test
// double), and the banner says which. An MQTT broker runs in this process for the MQTT example.
// `--reset` puts the example flows back.
"use strict";
const fs = require("fs");
const path = require("path");
const { ROOT, prepareWorkDir, spawnNodeRed } = require("./lib/node-red");
const { startMqttBroker } = require("./lib/mqtt-broker");

const port = Number(process.env.NR_PORT || 1880);
const host = process.env.NR_HOST || "127.0.0.1";
const userDir = path.resolve(process.env.NR_USER_DIR || path.join(ROOT, ".node-red-user"));
const realKey = (process.env.SONIOX_API_KEY || "").trim();
const simPort = Number(process.env.SONIOX_SIM_PORT || 8765);
const mqttPort = Number(process.env.MQTT_PORT || 1883);
const reset = process.argv.slice(2).includes("--reset");
// Other sites and host names npm start's Node-RED answers besides its own (scripts/lib/admin-guard.js).
const listOf = (value) => (value || "").split(",").map((s) => s.trim()).filter(Boolean);
const access = { allowedOrigins: listOf(process.env.NR_ALLOWED_ORIGINS), allowedHosts: listOf(process.env.NR_ALLOWED_HOSTS) };
const SIM_KEY = "simulator-key";
// The example nodes whose settings depend on this run; every other node is the user's.
const EXAMPLE_CONFIG = "ex-soniox-config";
const EXAMPLE_BROKER = "ex3-mqtt-broker";
// The voice-command example's transcribe node sends this client_reference_id, so the simulator can
// give its stream the words the phrase trigger listens for.
const VOICE_COMMAND_REF = "voice-command";
// The Home Assistant (Wyoming) example tab's server, as its wyoming in node is set.
const WYOMING = "127.0.0.1:10300";

async function main() {
  // The WAV example reads the sample speech the tests use; the simulator "hears" its words.
  const sample = path.join(ROOT, "test", "fixtures", "audio", "speech-16k-mono.wav");
  const sampleWords = fs.readFileSync(path.join(ROOT, "test", "fixtures", "audio", "transcript.txt"), "utf8").trim();
  const env = { ...process.env, SONIOX_EXAMPLE_WAV: sample };
  const closers = [];
  let service;
  let configPatch;
  if (realKey) {
    configPatch = { region: process.env.SONIOX_REGION || "us", url: "" };
    service = `Using the REAL Soniox service (SONIOX_API_KEY is set, region ${configPatch.region}). Streams are billed.`;
  } else {
    const { startSimulator } = require(path.join(ROOT, "dist", "simulator"));
    const simulator = await startSimulator({
      port: simPort,
      host: "127.0.0.1",
      apiKeys: [SIM_KEY],
      script: (start) => (start.client_reference_id === VOICE_COMMAND_REF ? "turn on the kitchen lights" : sampleWords),
      // Fast enough that a command fits in the example's 1.2 s of "speech" before it finalizes.
      wordMs: 200,
    });
    closers.push(() => simulator.close());
    env.SONIOX_API_KEY = SIM_KEY;
    configPatch = { region: "custom", url: simulator.url };
    service =
      `SONIOX_API_KEY is not set: using the bundled Soniox SIMULATOR at ${simulator.url}.\n` +
      "  It is a local test double that returns scripted words, not real transcription.\n" +
      "  Set SONIOX_API_KEY to use the real service.";
  }
  const broker = await startMqttBroker({ host: "127.0.0.1", port: mqttPort });
  closers.push(() => broker.close());

  const flows = JSON.parse(fs.readFileSync(path.join(ROOT, "examples", "flows.json"), "utf8"));
  const { seeded, accessLines } = prepareWorkDir({
    userDir,
    flows,
    reset,
    host,
    port,
    access,
    patches: {
      [EXAMPLE_CONFIG]: () => configPatch,
      // Only while it points at this machine: a broker the user set elsewhere is theirs.
      [EXAMPLE_BROKER]: (node) => (["", "localhost", "127.0.0.1"].includes(node.broker) ? { broker: broker.host, port: String(broker.port) } : null),
    },
  });

  banner(
    `${service}\n` +
      `  Home Assistant speech-to-text (Wyoming protocol) on ${WYOMING}: add it in Home Assistant's Wyoming integration.\n` +
      `  MQTT broker on ${broker.host}:${broker.port}; watch what the flows publish with\n` +
      `    mosquitto_sub -h ${broker.host} -p ${broker.port} -t '#' -v   (or any MQTT client)\n` +
      `  Flows and credentials are kept in ${userDir}\n` +
      `  (${seeded ? "seeded with the example flows" : "your flows from the last run"}); npm run start:reset restores the examples.\n` +
      `  ${accessLines.join("\n  ")}`,
  );
  const red = spawnNodeRed(userDir, { env, stdio: "inherit" });
  console.log(`Node-RED starting on http://${host}:${port}`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    red.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  red.on("exit", async (code) => {
    for (const close of closers) await close();
    process.exit(code ?? 0);
  });
}

function banner(text) {
  const line = "=".repeat(78);
  console.log(`${line}\n  ${text}\n${line}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
