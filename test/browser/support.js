"use strict";
// Shared set-up of the real-browser tests: the simulator in this process (so tests can read
// sim.connections), a real Node-RED child process running examples/flows.json against it, and
// headless Chromium (scripts/lib/chromium.js says which). Without a Chromium the tests fail and say why.
const fs = require("fs");
const path = require("path");
const { startSimulator } = require("../../dist/simulator");
const { startNodeRed } = require("../../scripts/lib/node-red");
const { launchChromium } = require("../../scripts/lib/chromium");

const ROOT = path.resolve(__dirname, "..", "..");
const ARTIFACTS = path.join(ROOT, "test-artifacts");
const FAKE_MIC_WAV = path.join(ROOT, "test", "fixtures", "audio", "speech-16k-mono.wav");
const TRANSCRIPT = fs.readFileSync(path.join(ROOT, "test", "fixtures", "audio", "transcript.txt"), "utf8").trim();
const KEY = "browser-test-long-lived-key";

function examples() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, "examples", "flows.json"), "utf8"));
}

/**
 * Simulator + Node-RED with the example flows pointed at it. The config node's key is a stored
 * credential (not the environment), so the editor tests can check it never comes back. `settings`
 * are extra settings.js values (e.g. a trusted proxy).
 */
async function startStack(simOptions = {}, { settings } = {}) {
  const sim = await startSimulator({ apiKeys: [KEY], script: TRANSCRIPT, wordMs: 150, finalLagMs: 300, ...simOptions });
  const env = { ...process.env };
  delete env.SONIOX_API_KEY;
  let red;
  try {
    red = await startNodeRed({
      flows: examples(),
      configPatch: { region: "custom", url: sim.url },
      credentials: { "ex-soniox-config": { apiKey: KEY } },
      env,
      settings,
    });
    await flowsStarted(red);
  } catch (err) {
    await red?.stop();
    await sim.close();
    throw err;
  }
  return {
    sim,
    red,
    async stop() {
      await red.stop();
      await sim.close();
    },
  };
}

/**
 * Node-RED serves HTTP before it starts its flows. A page opened in between may miss the flow's
 * endpoints or widgets: once, the dashboard page never showed its microphone button within 20 s.
 */
function flowsStarted(red) {
  return waitFor(() => /Started flows/.test(red.output()), 30000, "Node-RED to start the flows");
}

/** Chromium with the fixture WAV as its microphone. */
function browserWithMicrophone(micPrompt = "accept") {
  return launchChromium({ viewport: { width: 900, height: 560 }, fakeMicrophone: FAKE_MIC_WAV, micPrompt });
}

function artifact(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

function waitFor(predicate, timeoutMs, what) {
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
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(check, 25);
    };
    check();
  });
}

/**
 * Records, inside the page, whether the caption ever showed final and non-final text at the same
 * time, so a short-lived non-final tail is not missed between two polls.
 */
async function watchCaption(page, ids = { final: "final", nonFinal: "non-final", caption: "caption" }) {
  await page.evaluate((ids) => {
    const seen = { final: false, nonFinal: false, both: false };
    window.__caption = seen;
    const check = () => {
      const f = document.getElementById(ids.final).textContent.trim() !== "";
      const n = document.getElementById(ids.nonFinal).textContent.trim() !== "";
      seen.final = seen.final || f;
      seen.nonFinal = seen.nonFinal || n;
      seen.both = seen.both || (f && n);
    };
    new MutationObserver(check).observe(document.getElementById(ids.caption), { subtree: true, childList: true, characterData: true });
  }, ids);
}

module.exports = { KEY, TRANSCRIPT, startStack, flowsStarted, browserWithMicrophone, artifact, waitFor, watchCaption };
