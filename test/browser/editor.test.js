"use strict";
// The Node-RED editor in real Chromium, served by a real Node-RED process with the example flows:
// our nodes in the palette with their icons, every edit dialog with its fields, validation
// messages and help, and the API key as a password credential that never comes back.
const assert = require("assert");
const { KEY, startStack, artifact } = require("./support");
const { launchChromium } = require("../../scripts/lib/chromium");
const { TRANSCRIBE_DIALOG_DEFAULTS } = require("../../dist/nodes/lib/transcribe-options");

const PALETTE = {
  "soniox-transcribe": "soniox-transcribe.svg",
  "soniox-control": "soniox-control.svg",
  "soniox-token-filter": "soniox-token-filter.svg",
  "soniox-temp-key": "soniox.svg",
};

/**
 * One dialog per type: an example node to open, a field to break, the value that breaks it and
 * what the tooltip must say (null where the node's validator gives no message, only the red field).
 */
const DIALOGS = [
  { type: "soniox-config", id: "ex-soniox-config", prefix: "node-config-input", field: "url", bad: "ws://example.com/x", message: /URL: must start with wss:\/\// },
  { type: "soniox-transcribe", id: "ex3-ptt-transcribe", prefix: "node-input", field: "sampleRate", bad: "5", message: /1000.*384000/ },
  { type: "soniox-control", id: "ex3-ptt-control", prefix: "node-input", field: "minFinalizeInterval", bad: "-5", message: null },
  { type: "soniox-token-filter", id: "ex3-cap-filter", prefix: "node-input", field: "maxStreams", bad: "0", message: null },
  { type: "soniox-temp-key", id: "ex6-direct-mint", prefix: "node-input", field: "expiresIn", bad: "5000", message: /Expires in: enter a whole number from 1 to 3600/ },
];

describe("browser: the Node-RED editor", function () {
  this.timeout(60000);
  let stack = null;
  let browser = null;
  let page = null;
  const pageErrors = [];

  before(async function () {
    stack = await startStack();
    browser = await launchChromium({ viewport: { width: 1500, height: 900 } });
    page = browser.context.pages()[0] || (await browser.context.newPage());
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(`${stack.red.url}/`);
    await page.waitForSelector(".red-ui-palette-node[data-palette-type='soniox-transcribe']", { timeout: 20000 });
    await page.waitForFunction(() => window.RED && RED.nodes.node("ex6-direct-mint"), null, { timeout: 10000 });
  });

  /** Cancels every open edit tray, so a failed test leaves no dialog under the next one. */
  async function closeDialogs() {
    for (let i = 0; i < 10; i++) {
      const open = await page.evaluate(() => {
        const buttons = document.querySelectorAll("#node-config-dialog-cancel, #node-dialog-cancel");
        if (buttons.length > 0) buttons[buttons.length - 1].click();
        return buttons.length;
      });
      if (open === 0) return;
      await page.waitForTimeout(250);
    }
    throw new Error("edit dialogs stayed open");
  }

  afterEach(async function () {
    if (page) await closeDialogs();
  });

  after(async function () {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  it("lists our nodes in the palette with their icons, which load", async function () {
    for (const [type, icon] of Object.entries(PALETTE)) {
      const entry = page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
      assert.strictEqual(await entry.count(), 1, `${type} is in the palette`);
      const image = await entry.locator(".red-ui-palette-icon").evaluate((el) => getComputedStyle(el).backgroundImage);
      assert.ok(image.includes(icon), `${type} shows ${icon} (${image})`);
      const url = /url\("?([^")]+)"?\)/.exec(image)[1];
      const res = await page.request.get(url);
      assert.strictEqual(res.status(), 200, `${url} loads`);
      assert.match(res.headers()["content-type"], /svg/);
    }
    await page.screenshot({ path: artifact("editor-palette.png") });
  });

  it("gives a new soniox-transcribe node the defaults the runtime exports as a node setting", async function () {
    const { exported, values } = await page.evaluate(() => {
      const defaults = RED.nodes.getType("soniox-transcribe").defaults;
      const exported = RED.settings.sonioxTranscribeDefaults;
      return { exported, values: Object.fromEntries(Object.keys(exported || {}).map((prop) => [prop, defaults[prop] && defaults[prop].value])) };
    });
    assert.deepStrictEqual(exported, TRANSCRIBE_DIALOG_DEFAULTS);
    assert.deepStrictEqual(values, TRANSCRIBE_DIALOG_DEFAULTS);
  });

  for (const dialog of DIALOGS) {
    it(`opens the ${dialog.type} dialog with every field, shows its validation and its help`, async function () {
      await page.evaluate(({ type, id }) => {
        if (type === "soniox-config") RED.editor.editConfig("", type, id);
        else RED.editor.edit(RED.nodes.node(id));
      }, dialog);
      const input = `#${dialog.prefix}-${dialog.field}`;
      await page.waitForSelector(input, { state: "attached", timeout: 10000 });
      // soniox-config's custom URL row shows only for the custom region, which the launcher set.
      const missing = await page.evaluate(({ type, prefix }) => {
        const defaults = RED.nodes.getType(type).defaults;
        return Object.keys(defaults).filter((prop) => {
          if (prop === "outputs") return false;
          if (Array.isArray(defaults[prop].value)) return document.getElementById(`${prefix}-${prop}-list`) === null;
          return document.getElementById(`${prefix}-${prop}`) === null;
        });
      }, dialog);
      assert.deepStrictEqual(missing, [], `${dialog.type}: every property has its field`);

      await page.fill(input, dialog.bad);
      await page.dispatchEvent(input, "change");
      await page.waitForSelector(`${input}.input-error`, { timeout: 5000 });
      if (dialog.message) {
        await page.hover(input);
        const tip = page.locator(".red-ui-popover:visible").last();
        await tip.waitFor({ timeout: 5000 });
        assert.match(await tip.textContent(), dialog.message);
      }
      await page.screenshot({ path: artifact(`editor-${dialog.type}.png`) });

      await page.evaluate((type) => RED.sidebar.help.show(type, true), dialog.type);
      const help = page.locator(".red-ui-sidebar-help-stack .red-ui-help");
      await help.locator("p").first().waitFor({ timeout: 5000 });
      assert.ok((await help.locator("h3").count()) >= 2, `${dialog.type}: the help has its sections`);
      assert.ok((await help.locator("a[href^='https://soniox.com/docs']").count()) > 0, `${dialog.type}: the help links the Soniox docs`);

      await page.click(dialog.type === "soniox-config" ? "#node-config-dialog-cancel" : "#node-dialog-cancel");
      await page.waitForSelector(input, { state: "detached", timeout: 5000 });
    });
  }

  it("keeps the API key a password field whose value never comes back to the editor", async function () {
    const creds = await page.request.get(`${stack.red.url}/credentials/soniox-config/ex-soniox-config`);
    assert.strictEqual(creds.status(), 200);
    assert.deepStrictEqual(await creds.json(), { has_apiKey: true });
    const flows = await page.request.get(`${stack.red.url}/flows`);
    assert.ok(!(await flows.text()).includes(KEY), "GET /flows does not hold the key");

    await page.evaluate(() => RED.editor.editConfig("", "soniox-config", "ex-soniox-config"));
    const field = "#node-config-input-apiKey";
    await page.waitForSelector(field, { timeout: 10000 });
    await page.waitForFunction(() => document.getElementById("soniox-config-apiKey-state").textContent !== "", null, { timeout: 5000 });
    assert.strictEqual(await page.getAttribute(field, "type"), "password");
    const value = await page.inputValue(field);
    assert.ok(!value.includes(KEY), "the field holds a placeholder, not the key");
    assert.match(await page.textContent("#soniox-config-apiKey-state"), /An API key is stored/);
    assert.ok(!(await page.content()).includes(KEY), "the key is nowhere in the editor page");
    await page.click("#node-config-dialog-cancel");
    assert.deepStrictEqual(pageErrors, [], "the editor ran without page errors");
  });

  it("the config dialog's Check button asks the region: OK for the stored key, key rejected for a wrong one typed in, and the key never shows", async function () {
    await page.evaluate(() => RED.editor.editConfig("", "soniox-config", "ex-soniox-config"));
    await page.waitForSelector("#soniox-config-check", { timeout: 10000 });
    const outcome = async () => {
      await page.click("#soniox-config-check");
      await page.waitForFunction(() => {
        const el = document.getElementById("soniox-config-check-result");
        return el.dataset.outcome && !document.getElementById("soniox-config-check").disabled;
      }, null, { timeout: 15000 });
      const result = await page.evaluate(() => {
        const el = document.getElementById("soniox-config-check-result");
        const out = { outcome: el.dataset.outcome, text: el.textContent };
        delete el.dataset.outcome;
        return out;
      });
      return result;
    };
    const stored = await outcome();
    assert.deepStrictEqual(stored, { outcome: "ok", text: "OK: Soniox accepts this key in this region. Nothing was streamed or billed." });
    assert.strictEqual(stack.sim.connections.length, 0, "no stream was opened to check the key");
    await page.fill("#node-config-input-apiKey", "a-wrong-key-typed-in");
    const wrong = await outcome();
    assert.strictEqual(wrong.outcome, "key-rejected");
    assert.match(wrong.text, /^Key rejected: Soniox does not accept this key here\. .*\(HTTP 401 unauthenticated: Incorrect API key provided\. .*\)$/);
    assert.ok(!(await page.content()).includes(KEY), "the stored key is nowhere in the editor page");
    await page.screenshot({ path: artifact("editor-config-check.png") });
    await page.click("#node-config-dialog-cancel");
    assert.deepStrictEqual(pageErrors, [], "the editor ran without page errors");
  });
});
