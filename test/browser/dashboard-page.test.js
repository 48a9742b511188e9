"use strict";
// The Dashboard 2 example in real Chromium: the ui-template page streams a fake microphone (the
// fixture WAV) as 16 kHz PCM over Dashboard 2's socket into soniox-transcribe, one stream per
// dashboard client, and the caption, utterances and the control buttons' effects come back to
// that client only.
const assert = require("assert");
const fs = require("fs");
const net = require("net");
const path = require("path");
const { startSimulator } = require("../../dist/simulator");
const { startNodeRed } = require("../../scripts/lib/node-red");
const { KEY, TRANSCRIPT, browserWithMicrophone, artifact, flowsStarted, waitFor, watchCaption } = require("./support");

const EXAMPLE = path.join(__dirname, "..", "..", "examples", "dashboard-live-caption.json");

/**
 * The simulator and a Node-RED process running only examples/dashboard-live-caption.json, the
 * file a user imports on its own (so it must carry its own soniox-config node).
 */
async function startDashboardStack(simOptions) {
  const sim = await startSimulator({ apiKeys: [KEY], wordMs: 150, finalLagMs: 300, ...simOptions });
  const env = { ...process.env };
  delete env.SONIOX_API_KEY;
  try {
    const flows = JSON.parse(fs.readFileSync(EXAMPLE, "utf8"));
    const credentials = Object.fromEntries(flows.filter((n) => n.type === "soniox-config").map((n) => [n.id, { apiKey: KEY }]));
    const red = await startNodeRed({ flows, configPatch: { region: "custom", url: sim.url }, credentials, env });
    try {
      await flowsStarted(red);
    } catch (err) {
      await red.stop();
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
  } catch (err) {
    await sim.close();
    throw err;
  }
}

const SCRIPTS = ["alpha bravo charlie delta", "echo foxtrot golf hotel"];

const watchDashboardCaption = (page) => watchCaption(page, { final: "soniox-final", nonFinal: "soniox-non-final", caption: "soniox-caption" });

const state = (page) => page.getAttribute(".soniox-dash", "data-state");

describe("browser: Dashboard 2 live caption page", function () {
  this.timeout(90000);
  let stack = null;
  let browser = null;

  before(async function () {
    stack = await startDashboardStack({ script: (start, i) => (i === 0 ? TRANSCRIPT : SCRIPTS[(i - 1) % 2]) });
    browser = await browserWithMicrophone();
  });

  after(async function () {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  async function openPage() {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1000, height: 640 });
    await page.goto(`${stack.red.url}/dashboard/soniox`);
    await page.waitForSelector("#soniox-mic", { timeout: 20000 });
    await watchDashboardCaption(page);
    return page;
  }

  it("microphone button streams through Node-RED; final and non-final caption, utterances with speaker and time; finalize, pause, resume and stop buttons reach Soniox", async function () {
    const page = await openPage();
    await page.click("#soniox-mic");
    await page.waitForSelector('.soniox-dash[data-state="streaming"]', { timeout: 10000 });
    await waitFor(() => stack.sim.connections[0] && stack.sim.connections[0].audioMs >= 1500, 10000, "1.5 s of audio at the simulator");
    const conn = stack.sim.connections[0];
    assert.deepStrictEqual(
      { format: conn.startMessage.audio_format, rate: conn.startMessage.sample_rate, channels: conn.startMessage.num_channels, speakers: conn.startMessage.enable_speaker_diarization },
      { format: "pcm_s16le", rate: 16000, channels: 1, speakers: true },
    );
    await page.waitForFunction(() => window.__caption.both, null, { timeout: 10000 });
    const styles = await page.evaluate(() => ({
      final: getComputedStyle(document.getElementById("soniox-final")).color,
      nonFinal: getComputedStyle(document.getElementById("soniox-non-final")).color,
    }));
    assert.notStrictEqual(styles.final, styles.nonFinal, "final and non-final text look different");

    await page.getByRole("button", { name: "Finalize" }).click();
    await waitFor(() => conn.controlMessages.some((c) => c.type === "finalize"), 5000, "finalize at the simulator");
    await page.waitForSelector("#soniox-utterances li", { timeout: 10000 });
    const first = await page.textContent("#soniox-utterances li");
    assert.match(first.replace(/\s+/g, " ").trim(), /^Speaker \d+ \d\d:\d\d Hello world/, "an utterance with its speaker and time");
    // The README's picture: an utterance in the list while the next words are still non-final.
    await page.waitForFunction(() => document.getElementById("soniox-non-final").textContent.trim() !== "", null, { timeout: 5000 });
    await page.screenshot({ path: artifact("dashboard-caption.png") });

    await page.getByRole("button", { name: "Pause" }).click();
    await page.waitForSelector('.soniox-dash[data-state="paused"]', { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pausedAt = conn.audioMs;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(conn.audioMs - pausedAt < 300, `no audio forwarded while paused (${conn.audioMs - pausedAt} ms)`);
    await page.getByRole("button", { name: "Resume" }).click();
    await page.waitForSelector('.soniox-dash[data-state="streaming"]', { timeout: 5000 });
    await waitFor(() => conn.audioMs - pausedAt >= 1000, 8000, "audio again after resume");

    await page.getByRole("button", { name: "Stop" }).click();
    await page.waitForSelector('.soniox-dash[data-state="finished"]', { timeout: 10000 });
    await waitFor(() => conn.finished, 5000, "finished at the simulator");
    assert.match((await page.textContent("#soniox-final")).replace(/\s+/g, " ").trim(), /^Hello world\. This is/);
    assert.strictEqual((await page.textContent("#soniox-non-final")).trim(), "");
    assert.strictEqual(await state(page), "finished");
    await page.close();
  });

  it("keeps two dashboard clients apart: one Soniox stream each, each caption back to its own page", async function () {
    const before = stack.sim.connections.length;
    const pages = [await openPage(), await openPage()];
    for (const page of pages) await page.click("#soniox-mic");
    await waitFor(() => stack.sim.connections.length === before + 2 && stack.sim.connections.slice(before).every((c) => c.audioMs >= 2500), 15000, "two streams with audio");
    for (const page of pages) await page.getByRole("button", { name: "Stop" }).click();
    for (const page of pages) await page.waitForSelector('.soniox-dash[data-state="finished"]', { timeout: 10000 });
    const captions = [];
    for (const page of pages) captions.push((await page.textContent("#soniox-final")).replace(/\s+/g, " ").trim());
    for (const page of pages) await page.close();
    assert.deepStrictEqual(captions.slice().sort(), SCRIPTS.slice().sort(), "each page shows only its own stream's words");
  });
});

describe("browser: Dashboard 2 live caption page when Soniox fails", function () {
  this.timeout(90000);
  // The example's transcribe node waits this long for a connection (its connect timeout).
  const CONNECT_TIMEOUT_MS = 10000;
  let stack = null;
  let browser = null;

  before(async function () {
    browser = await browserWithMicrophone();
  });

  afterEach(async function () {
    if (stack) await stack.stop();
    stack = null;
  });

  after(async function () {
    if (browser) await browser.close();
  });

  /** Presses Microphone and resolves to how long the page took to show an error, and what it said. */
  async function pressUntilError(page) {
    const pressed = Date.now();
    await page.click("#soniox-mic");
    await page.waitForSelector('.soniox-dash[data-state="error"]', { timeout: CONNECT_TIMEOUT_MS + 5000 });
    return { ms: Date.now() - pressed, notice: await page.textContent("#soniox-notice") };
  }

  /** The page can be used again: Microphone enabled, no stale "Streaming" or "Finishing…". */
  async function assertRetryable(page) {
    assert.strictEqual(await page.isEnabled("#soniox-mic"), true, "the Microphone button is enabled again");
    const status = await page.textContent("#soniox-state");
    assert.ok(!/Streaming|Finishing|Starting/.test(status), `no stale state: "${status}"`);
  }

  it("a dead service: an error saying to check the network within the connect timeout, and Microphone works again once Soniox is back", async function () {
    stack = await startDashboardStack({ script: "back again now" });
    const port = new URL(stack.sim.url).port;
    await stack.sim.close();
    const page = await browser.context.newPage();
    await page.goto(`${stack.red.url}/dashboard/soniox`);
    await page.waitForSelector("#soniox-mic", { timeout: 20000 });
    const failed = await pressUntilError(page);
    assert.ok(failed.ms <= CONNECT_TIMEOUT_MS + 2000, `the error showed after ${failed.ms} ms`);
    assert.match(failed.notice, /could not reach Soniox: check .*network/, failed.notice);
    await assertRetryable(page);
    await page.screenshot({ path: artifact("dashboard-error.png") });

    stack.sim = await startSimulator({ port: Number(port), apiKeys: [KEY], wordMs: 150, finalLagMs: 300, script: "back again now" });
    await page.click("#soniox-mic");
    await page.waitForFunction(() => /back again/.test(document.getElementById("soniox-caption").textContent), null, { timeout: 15000 });
    assert.strictEqual((await page.$("#soniox-notice")) === null || (await page.textContent("#soniox-notice")) === "", true, "the old error is gone");
    await page.close();
  });

  it("a service that takes the connection and never answers: the error comes at the connect timeout, not after a minute of retries", async function () {
    stack = await startDashboardStack({});
    const port = Number(new URL(stack.sim.url).port);
    await stack.sim.close();
    const held = [];
    const silent = net.createServer((socket) => held.push(socket));
    await new Promise((resolve) => silent.listen(port, "127.0.0.1", resolve));
    try {
      const page = await browser.context.newPage();
      await page.goto(`${stack.red.url}/dashboard/soniox`);
      await page.waitForSelector("#soniox-mic", { timeout: 20000 });
      const failed = await pressUntilError(page);
      assert.ok(failed.ms >= CONNECT_TIMEOUT_MS - 1000 && failed.ms <= CONNECT_TIMEOUT_MS + 3000, `the error showed after ${failed.ms} ms`);
      assert.match(failed.notice, /could not reach Soniox/, failed.notice);
      await assertRetryable(page);
      await page.close();
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("a rejected key: an error saying to check the API key in the soniox-config node, and the page can retry", async function () {
    stack = await startDashboardStack({ apiKeys: ["some-other-key"] });
    const page = await browser.context.newPage();
    await page.goto(`${stack.red.url}/dashboard/soniox`);
    await page.waitForSelector("#soniox-mic", { timeout: 20000 });
    const failed = await pressUntilError(page);
    assert.ok(failed.ms <= CONNECT_TIMEOUT_MS + 2000, `the error showed after ${failed.ms} ms`);
    assert.match(failed.notice, /API key was refused: open the soniox-config node/, failed.notice);
    await assertRetryable(page);
    await page.close();
  });
});
