"use strict";
// A Node-RED user's first hour on `npm start`: the real scripts/start.js (simulator, no key), its
// editor in real Chromium, and each example file imported the way a user does it (menu Import →
// Examples → @nr-soniox/node-red-soniox → file → Import; Import copy when the editor says some
// nodes exist already), deployed, then run until text comes out: the Dashboard example from a
// page with a fake microphone, flows.json's WAV tab in the debug sidebar.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { TRANSCRIPT, browserWithMicrophone } = require("./support");
const { start } = require("../support/npm-start");

const PACKAGE = "@nr-soniox/node-red-soniox";

describe("browser: every example imported from Import → Examples works on npm start", function () {
  this.timeout(120000);
  let userDir;
  let red = null;
  let browser = null;
  let editor = null;

  before(async function () {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "soniox-import-"));
    red = await start(userDir);
    browser = await browserWithMicrophone();
    editor = await browser.context.newPage();
    await editor.setViewportSize({ width: 1400, height: 900 });
    await editor.goto(`${red.url}/`);
    await editor.waitForFunction(() => window.RED && RED.nodes && RED.nodes.node("ex-soniox-config"), null, { timeout: 30000 });
  });

  after(async function () {
    if (browser) await browser.close();
    if (red) await red.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  /** Ids of the nodes in the workspace, to tell which ones an import added. */
  const nodeIds = () => editor.evaluate(() => {
    const ids = [];
    RED.nodes.eachNode((n) => ids.push(n.id));
    RED.nodes.eachConfig((n) => ids.push(n.id));
    return ids;
  });

  /** Menu → Import → Examples → our package → `file` → Import, and "Import copy" if the editor asks. */
  async function importExample(file) {
    await editor.click("#red-ui-header-button-sidemenu");
    await editor.click("#menu-item-import");
    await editor.locator("#red-ui-clipboard-dialog-import-tabs li a", { hasText: "Examples" }).click();
    const tree = editor.locator(".red-ui-clipboard-dialog-tab-library:visible");
    const pkg = tree.locator(".red-ui-treeList-label", { hasText: PACKAGE });
    await pkg.waitFor({ timeout: 15000 });
    // The dialog remembers an expanded folder (its label's container is marked), and a click would fold it.
    if (!(await pkg.evaluate((label) => label.parentElement.classList.contains("expanded")))) await pkg.click();
    // The package's files are in its container ("flows" alone would also match the library folder above).
    await pkg.locator("xpath=..").locator(".red-ui-treeList-label", { hasText: new RegExp(`^${file}$`) }).click();
    await editor.waitForFunction(() => !document.getElementById("red-ui-clipboard-dialog-ok").disabled, null, { timeout: 5000 });
    await editor.click("#red-ui-clipboard-dialog-ok");
    const copy = editor.locator(".red-ui-notification button", { hasText: "Import copy" });
    // The conflict notice appears only when the workspace already holds one of the file's ids.
    try {
      await copy.waitFor({ timeout: 3000 });
      await copy.click();
    } catch {
      // no conflict: imported as it is
    }
  }

  async function deploy() {
    await editor.click("#red-ui-header-button-deploy");
    await editor.waitForFunction(() => !RED.nodes.dirty(), null, { timeout: 15000 });
  }

  it("the Dashboard 2 example: imported beside the seeded examples it uses their config node, the simulator, and its page shows the words", async function () {
    const before = new Set(await nodeIds());
    await importExample("dashboard-live-caption");
    const added = await editor.evaluate((known) => {
      const out = [];
      // (eachNode stops at a callback that returns false)
      RED.nodes.eachNode((n) => {
        if (!known.includes(n.id)) out.push({ id: n.id, type: n.type, config: n.config });
      });
      RED.nodes.eachConfig((n) => {
        if (!known.includes(n.id)) out.push({ id: n.id, type: n.type });
      });
      return out;
    }, [...before]);
    const transcribe = added.find((n) => n.type === "soniox-transcribe");
    assert.ok(transcribe, `the dashboard tab was imported: ${JSON.stringify(added)}`);
    assert.strictEqual(transcribe.config, "ex-soniox-config", "its transcribe node uses the config node npm start points at the simulator");
    assert.ok(!added.some((n) => n.type === "soniox-config"), "no second soniox-config node (which would go to the real service)");
    await deploy();

    const page = await browser.context.newPage();
    await page.goto(`${red.url}/dashboard/soniox`);
    await page.waitForSelector("#soniox-mic", { timeout: 20000 });
    await page.click("#soniox-mic");
    await page.waitForFunction(() => /Hello world/.test(document.getElementById("soniox-caption").textContent), null, { timeout: 20000 });
    await page.getByRole("button", { name: "Stop" }).click();
    await page.waitForSelector('.soniox-dash[data-state="finished"]', { timeout: 15000 });
    assert.strictEqual(await page.$("#soniox-notice"), null, "no error shown");
    await page.close();
  });

  it("flows.json: imported again after its tabs were removed, the copy's WAV tab prints the transcript in the debug sidebar", async function () {
    // A user who deleted the example tabs (their config nodes stay, as Node-RED keeps them) and imports them again.
    await editor.evaluate(() => {
      const tabs = [];
      RED.nodes.eachWorkspace((ws) => tabs.push(ws));
      for (const ws of tabs) if (/^Soniox: /.test(ws.label) && !/Dashboard/.test(ws.label)) RED.workspaces.delete(ws);
    });
    await deploy();
    await importExample("flows");
    await deploy();
    const inject = await editor.evaluate(() => {
      let id = null;
      RED.nodes.eachNode((n) => {
        if (n.type === "inject" && n.z && RED.nodes.workspace(n.z).label === "Soniox: transcribe a WAV file") id = n.id;
      });
      return id;
    });
    assert.ok(inject, "the WAV tab's inject node is in the workspace");
    await editor.evaluate(() => RED.sidebar.show("debug"));
    const res = await editor.request.post(`${red.url}/inject/${inject}`);
    assert.strictEqual(res.status(), 200);
    const last = TRANSCRIPT.split(" ").slice(-3).join(" ");
    await editor.waitForFunction((words) => [...document.querySelectorAll(".red-ui-debug-msg")].some((m) => m.textContent.includes(words)), last, { timeout: 30000 });
  });
});
