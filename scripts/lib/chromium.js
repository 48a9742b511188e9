"use strict";
// Debian's Chromium driven by playwright-core (no browser download), with the flags this project
// runs it with everywhere, and an optional fake microphone fed from a 16-bit PCM WAV.
const fs = require("fs");
const os = require("os");
const path = require("path");

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

const BASE_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Pages start audio from a click, but a headless run must not depend on the autoplay heuristics.
  "--autoplay-policy=no-user-gesture-required",
];

/** Why Chromium cannot run here, or null when it can. */
function chromiumUnavailable() {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM_PATH)`;
  try {
    require.resolve("playwright-core");
  } catch {
    return "playwright-core is not installed (npm install)";
  }
  return null;
}

/**
 * A persistent context in a fresh user-data dir. `fakeMicrophone`: a WAV the fake capture device
 * plays in a loop; `micPrompt`: "accept" (auto-accept the permission prompt) or "deny" (no fake
 * prompt UI; Playwright then refuses the permission). Resolves to {context, close}; close()
 * also removes the user-data dir.
 */
async function launchChromium({ viewport = { width: 1280, height: 800 }, fakeMicrophone = null, micPrompt = "accept" } = {}) {
  const { chromium } = require("playwright-core");
  const args = [...BASE_ARGS];
  if (fakeMicrophone) {
    args.push("--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${fakeMicrophone}`);
    if (micPrompt === "accept") args.push("--use-fake-ui-for-media-stream");
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args,
  });
  const close = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

module.exports = { CHROMIUM, chromiumUnavailable, launchChromium };
