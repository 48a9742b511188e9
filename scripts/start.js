#!/usr/bin/env node
// `npm start`: a real Node-RED on http://127.0.0.1:1880 with this package and the example flows.
// With SONIOX_API_KEY set it talks to the real Soniox service; without, to the bundled simulator
// (a local test double), and it says which on start-up.
"use strict";
const fs = require("fs");
const path = require("path");
const { ROOT, prepareUserDir, spawnNodeRed } = require("./lib/node-red");

const port = Number(process.env.NR_PORT || 1880);
const host = process.env.NR_HOST || "127.0.0.1";
const realKey = (process.env.SONIOX_API_KEY || "").trim();
const simPort = Number(process.env.SONIOX_SIM_PORT || 8765);
const SIM_KEY = "simulator-key";

async function main() {
  // The WAV example reads the sample speech the tests use; the simulator "hears" its words.
  const sample = path.join(ROOT, "test", "fixtures", "audio", "speech-16k-mono.wav");
  const sampleWords = fs.readFileSync(path.join(ROOT, "test", "fixtures", "audio", "transcript.txt"), "utf8").trim();
  const env = { ...process.env, SONIOX_EXAMPLE_WAV: sample };
  let simulator = null;
  let configPatch;
  if (realKey) {
    configPatch = { region: process.env.SONIOX_REGION || "us" };
    banner(`Using the REAL Soniox service (SONIOX_API_KEY is set, region ${configPatch.region}). Streams are billed.`);
  } else {
    const { startSimulator } = require(path.join(ROOT, "dist", "simulator"));
    simulator = await startSimulator({ port: simPort, host: "127.0.0.1", apiKeys: [SIM_KEY], script: sampleWords });
    env.SONIOX_API_KEY = SIM_KEY;
    configPatch = { region: "custom", url: simulator.url };
    banner(
      `SONIOX_API_KEY is not set: using the bundled Soniox SIMULATOR at ${simulator.url}.\n` +
        "  It is a local test double that returns scripted words, not real transcription.\n" +
        "  Set SONIOX_API_KEY to use the real service.",
    );
  }

  const flows = JSON.parse(fs.readFileSync(path.join(ROOT, "examples", "flows.json"), "utf8"));
  const userDir = prepareUserDir({ flows, configPatch, host, port });
  const red = spawnNodeRed(userDir, { env, stdio: "inherit" });
  console.log(`Node-RED starting on http://${host}:${port} (user dir ${userDir})`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    red.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  red.on("exit", async (code) => {
    if (simulator) await simulator.close();
    fs.rmSync(userDir, { recursive: true, force: true });
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
