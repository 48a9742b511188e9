"use strict";
// Headless Chromium driven by playwright-core (no browser download), with the flags this project
// runs it with everywhere, and an optional fake microphone fed from a 16-bit PCM WAV.
//
// Which Chromium: CHROMIUM_PATH when set (a system Chromium, e.g. /usr/bin/chromium on a Raspberry
// Pi); otherwise the build shipped inside the @sparticuz/chromium package (Linux x64 only). A system
// Chromium is never picked up by looking for it: the same command must run the same browser on
// every machine, so using another one is an explicit choice.
const fs = require("fs");
const os = require("os");
const path = require("path");

const OUR_ARGS = [
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Pages start audio from a click, but a headless run must not depend on the autoplay heuristics.
  "--autoplay-policy=no-user-gesture-required",
];
// @sparticuz/chromium's defaults (made for scraping) switch off CORS and mixed-content blocking; the
// tests check what a real browser enforces, such as the examples refusing foreign origins.
const WEAKENS_SECURITY = new Set(["--disable-web-security", "--allow-running-insecure-content"]);
// A desktop Chromium has a sandbox and a GPU process that a container or CI runner cannot give it.
const SYSTEM_CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"];

/**
 * {executablePath, args} of the Chromium to launch. Throws, saying what to do, when there is none:
 * callers are tests that must fail rather than skip.
 */
async function resolveChromium() {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!fs.existsSync(configured)) throw new Error(`CHROMIUM_PATH is ${configured}, which does not exist`);
    return { executablePath: configured, args: [...SYSTEM_CHROMIUM_ARGS, ...OUR_ARGS] };
  }
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `@sparticuz/chromium ships Chromium for Linux x64 only, and this is ${process.platform}/${process.arch}: ` +
        "install Chromium (Raspberry Pi OS / Debian: sudo apt-get install chromium) and set CHROMIUM_PATH=/usr/bin/chromium",
    );
  }
  // An ES module; the first call unpacks the browser into the system temp directory (a few seconds).
  const { default: sparticuz } = await import("@sparticuz/chromium");
  const args = sparticuz.args.filter((a) => !WEAKENS_SECURITY.has(a));
  return { executablePath: await sparticuz.executablePath(), args: [...args, ...OUR_ARGS] };
}

/**
 * A persistent context in a fresh user-data dir. `fakeMicrophone`: a WAV the fake capture device
 * plays in a loop; `micPrompt`: "accept" (auto-accept the permission prompt) or "deny" (answer it as a
 * user's "Block" would). Resolves to {context, close}; close()
 * also removes the user-data dir.
 */
async function launchChromium({ viewport = { width: 1280, height: 800 }, fakeMicrophone = null, micPrompt = "accept", locale = undefined } = {}) {
  const { chromium } = require("playwright-core");
  const { executablePath, args } = await resolveChromium();
  if (fakeMicrophone) {
    args.push("--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${fakeMicrophone}`);
    // The fake prompt answers as a user would. Without it the headless shell of @sparticuz/chromium
    // has no prompt at all and reports "Not supported" instead of the denial a user's "Block" gives.
    args.push(micPrompt === "accept" ? "--use-fake-ui-for-media-stream" : "--use-fake-ui-for-media-stream=deny");
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, viewport, args, locale });
  const close = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

module.exports = { launchChromium };
