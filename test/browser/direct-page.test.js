"use strict";
// The direct-stream example in real Chromium: Node-RED mints a temporary key from the simulator's
// REST route (soniox-temp-key), and the page streams the fake microphone straight to the
// simulator with it. The simulator's clock is set either side of the 2027-01-15 cutoff for keys
// in the start message, where temp: keys have to go from a browser.
const assert = require("assert");
const { TRANSCRIPT, KEY, startStack, browserWithMicrophone, artifact, waitFor, watchCaption } = require("./support");

const CUTOFF_MS = Date.parse("2027-01-15T00:00:00Z");
const DAY_MS = 24 * 3600 * 1000;

describe("browser: direct-stream page with a temporary key", function () {
  this.timeout(60000);
  let stack = null;
  let browser = null;
  let clockOffsetMs = 0;

  before(async function () {
    stack = await startStack({ auth: { now: () => new Date(Date.now() + clockOffsetMs) } });
    browser = await browserWithMicrophone();
  });

  after(async function () {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  async function openPage() {
    const page = await browser.context.newPage();
    await page.goto(`${stack.red.url}/soniox/direct`);
    await watchCaption(page);
    return page;
  }

  it("mints a single-use key in Node-RED and streams straight to Soniox: final and non-final text, Stop ends with finished", async function () {
    clockOffsetMs = Math.min(0, CUTOFF_MS - 7 * DAY_MS - Date.now());
    const keyAnswers = [];
    const page = await openPage();
    page.on("response", (res) => {
      if (res.url().endsWith("/soniox/direct/key")) keyAnswers.push(res);
    });
    await page.click("#start");
    await page.waitForFunction(() => document.body.dataset.state === "streaming", null, { timeout: 10000 });
    await waitFor(() => stack.sim.connections[0] && stack.sim.connections[0].audioMs >= 1500, 10000, "1.5 s of audio at the simulator");
    const conn = stack.sim.connections[0];

    const body = await keyAnswers[0].json();
    assert.match(body.api_key, /^temp:/);
    assert.strictEqual(body.websocket_url, stack.sim.url);
    assert.strictEqual(keyAnswers[0].headers()["cache-control"], "no-store");
    assert.ok(!JSON.stringify(body).includes(KEY), "the long-lived key never reaches the browser");
    const minted = stack.sim.tempKeys.usable(body.api_key, new Date(0));
    assert.strictEqual(minted, null, "the single-use key is spent by this stream");

    // temp: keys cannot go in the protocols list (the colon), so the page used the start message and says why.
    assert.strictEqual(conn.authMethod, "start_message");
    assert.strictEqual(conn.startMessage.api_key, body.api_key);
    assert.deepStrictEqual(
      { format: conn.startMessage.audio_format, rate: conn.startMessage.sample_rate, channels: conn.startMessage.num_channels },
      { format: "pcm_s16le", rate: 16000, channels: 1 },
    );
    assert.match(await page.textContent("#notice.info"), /contains a colon.*start message.*15 January 2027/);

    await page.waitForFunction(() => window.__caption.both, null, { timeout: 10000 });
    await page.screenshot({ path: artifact("direct-stream.png") });
    await page.click("#finalize");
    await waitFor(() => conn.controlMessages.some((c) => c.type === "finalize"), 5000, "finalize at the simulator");
    await page.click("#stop");
    await page.waitForFunction(() => document.body.dataset.state === "finished", null, { timeout: 10000 });
    await waitFor(() => conn.finished && conn.closed, 5000, "finished and closed at the simulator");
    assert.strictEqual((await page.textContent("#final")).replace(/\s+/g, " ").trim(), TRANSCRIPT);
    assert.strictEqual((await page.textContent("#non-final")).trim(), "");
    await page.close();
  });

  it("sends a key without a colon in the WebSocket protocols list and leaves it out of the start message", async function () {
    clockOffsetMs = 0;
    const tokenKey = "snx_temp_TOKENSAFE42";
    stack.sim.options = { ...stack.sim.options, apiKeys: [KEY, tokenKey] };
    try {
      const page = await browser.context.newPage();
      // Node-RED's answer is replaced by a key of the form Soniox may hand out in future (protocol notes §1.3).
      await page.route("**/soniox/direct/key", (route) =>
        route.fulfill({ json: { api_key: tokenKey, expires_at: new Date(Date.now() + 60000).toISOString(), websocket_url: stack.sim.url } }),
      );
      await page.goto(`${stack.red.url}/soniox/direct`);
      const opened = stack.sim.connections.length;
      await page.click("#start");
      await page.waitForFunction(() => document.body.dataset.state === "streaming", null, { timeout: 10000 });
      await waitFor(() => stack.sim.connections[opened] && stack.sim.connections[opened].audioMs > 0, 10000, "audio at the simulator");
      const conn = stack.sim.connections[opened];
      assert.strictEqual(conn.authMethod, "subprotocol");
      assert.ok(!("api_key" in conn.startMessage), "no key in the start message");
      assert.strictEqual(await page.isHidden("#notice"), true, "no colon notice");
      await page.click("#stop");
      await page.waitForFunction(() => document.body.dataset.state === "finished", null, { timeout: 10000 });
      await page.close();
    } finally {
      stack.sim.options = { ...stack.sim.options, apiKeys: [KEY] };
    }
  });

  it("after the 2027-01-15 cutoff shows Soniox's refusal of the start-message key instead of failing silently", async function () {
    clockOffsetMs = Math.max(0, CUTOFF_MS + DAY_MS - Date.now());
    const page = await openPage();
    const opened = stack.sim.connections.length;
    await page.click("#start");
    await page.waitForSelector("#notice.error", { timeout: 10000 });
    assert.match(await page.textContent("#notice"), /Soniox refused the stream \(401\): An api_key in the start message is no longer accepted/);
    assert.strictEqual(stack.sim.connections.length, opened + 1);
    assert.strictEqual(stack.sim.connections[opened].audioMs, 0, "no audio was accepted");
    assert.strictEqual(await page.isDisabled("#start"), false);
    await page.close();
  });

  it("shows Node-RED's error when no key can be minted (the config node's key is refused)", async function () {
    clockOffsetMs = 0;
    stack.sim.options = { ...stack.sim.options, apiKeys: ["some-other-key"] };
    try {
      const page = await openPage();
      await page.click("#start");
      await page.waitForSelector("#notice.error", { timeout: 10000 });
      // The page learns the code only: Soniox's full message (which can name internal URLs) goes to the debug sidebar.
      assert.match(await page.textContent("#notice"), /Node-RED could not mint a temporary key \(HTTP 502\): Could not get a temporary key \(error 401\); the Node-RED debug sidebar says why/);
      assert.ok(!(await page.content()).includes(KEY));
      assert.ok(!(await page.content()).includes(stack.sim.url.replace("ws://", "")), "no internal address reaches the page");
      await page.close();
    } finally {
      stack.sim.options = { ...stack.sim.options, apiKeys: [KEY] };
    }
  });
});
