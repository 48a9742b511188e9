"use strict";
// The proxy-stream example in real Chromium: the page served by Node-RED streams a fake
// microphone (the fixture WAV) over `websocket in` through soniox-transcribe to the simulator,
// and the caption comes back over `websocket out` to the same page.
const assert = require("assert");
const { TRANSCRIPT, startStack, browserWithMicrophone, artifact, waitFor, watchCaption } = require("./support");

const SCRIPTS = ["alpha bravo charlie delta", "echo foxtrot golf hotel"];

describe("browser: proxy-stream caption page", function () {
  this.timeout(60000);
  let stack = null;
  let browser = null;

  before(async function () {
    // The first stream gets the fixture's own sentence; the two-browser test gives each its own words.
    stack = await startStack({ script: (start, i) => (i === 0 ? TRANSCRIPT : SCRIPTS[(i - 1) % 2]) });
    browser = await browserWithMicrophone();
  });

  after(async function () {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  async function openPage() {
    const page = await browser.context.newPage();
    await page.goto(`${stack.red.url}/soniox/caption`);
    await watchCaption(page);
    return page;
  }

  it("streams the microphone through Node-RED, shows final and non-final text, and Stop ends with finished", async function () {
    const page = await openPage();
    await page.click("#start");
    await page.waitForFunction(() => document.body.dataset.state === "streaming", null, { timeout: 10000 });
    await waitFor(() => stack.sim.connections[0] && stack.sim.connections[0].audioMs >= 1500, 10000, "1.5 s of audio at the simulator");
    const conn = stack.sim.connections[0];
    assert.strictEqual(conn.authMethod, "header", "Node-RED authenticates with the Authorization header");
    assert.deepStrictEqual(
      { format: conn.startMessage.audio_format, rate: conn.startMessage.sample_rate, channels: conn.startMessage.num_channels },
      { format: "pcm_s16le", rate: 16000, channels: 1 },
    );
    await page.waitForFunction(() => window.__caption.both, null, { timeout: 10000 });
    await page.screenshot({ path: artifact("proxy-caption.png") });
    const styles = await page.evaluate(() => ({
      final: getComputedStyle(document.getElementById("final")).color,
      nonFinal: getComputedStyle(document.getElementById("non-final")).color,
    }));
    assert.notStrictEqual(styles.final, styles.nonFinal, "final and non-final text look different");

    await page.click("#finalize");
    await waitFor(() => conn.controlMessages.some((c) => c.type === "finalize"), 5000, "finalize at the simulator");

    await page.click("#stop");
    await page.waitForFunction(() => document.body.dataset.state === "finished", null, { timeout: 10000 });
    await waitFor(() => conn.finished, 5000, "finished at the simulator");
    const final = await page.textContent("#final");
    assert.strictEqual(final.replace(/\s+/g, " ").trim(), TRANSCRIPT, "the whole script reached the page as final text");
    assert.strictEqual((await page.textContent("#non-final")).trim(), "");
    await page.screenshot({ path: artifact("proxy-caption-finished.png") });
    await page.close();
  });

  it("keeps two browsers apart: one Soniox stream each, each caption back to its own page", async function () {
    const before = stack.sim.connections.length;
    const pages = [await openPage(), await openPage()];
    for (const page of pages) await page.click("#start");
    await waitFor(
      () => stack.sim.connections.length === before + 2 && stack.sim.connections.slice(before).every((c) => c.audioMs >= 2000),
      15000,
      "two streams with audio",
    );
    for (const page of pages) await page.click("#stop");
    for (const page of pages) await page.waitForFunction(() => document.body.dataset.state === "finished", null, { timeout: 10000 });
    const captions = [];
    for (const page of pages) captions.push((await page.textContent("#final")).replace(/\s+/g, " ").trim());
    assert.deepStrictEqual([...captions].sort(), [...SCRIPTS].sort(), "each page shows only its own stream's words");
    for (const page of pages) await page.close();
  });

  it("says clearly when microphone permission is denied", async function () {
    const denying = await browserWithMicrophone("deny");
    try {
      const page = await denying.context.newPage();
      await page.goto(`${stack.red.url}/soniox/caption`);
      const opened = stack.sim.connections.length;
      await page.click("#start");
      await page.waitForSelector("#notice.error", { timeout: 10000 });
      assert.match(await page.textContent("#notice"), /Microphone permission was denied.*press Start again/);
      assert.strictEqual(await page.isDisabled("#start"), false, "Start can be pressed again");
      assert.strictEqual(stack.sim.connections.length, opened, "no Soniox stream was opened");
      await page.screenshot({ path: artifact("proxy-mic-denied.png") });
    } finally {
      await denying.close();
    }
  });

  it("says clearly when the connection to Node-RED drops, and stops the microphone", async function () {
    const page = await openPage();
    await page.click("#start");
    await page.waitForFunction(() => document.body.dataset.state === "streaming", null, { timeout: 10000 });
    await stack.red.stop();
    await page.waitForSelector("#notice.error", { timeout: 10000 });
    assert.match(await page.textContent("#notice"), /connection to Node-RED was lost.*press Start to reconnect/);
    assert.strictEqual(await page.getAttribute("body", "data-state"), "error");
    await page.screenshot({ path: artifact("proxy-connection-lost.png") });
  });
});
