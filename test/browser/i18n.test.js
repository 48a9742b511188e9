"use strict";
// German end to end: a real Node-RED process whose runtime language is de (settings.lang) logs our
// nodes' errors in German, one raised by the adapter and one raised in core with a message key;
// and real Chromium with a German browser locale shows the transcribe dialog and its help in German.
const assert = require("assert");
const { startNodeRed } = require("../../scripts/lib/node-red");
const { launchChromium } = require("../../scripts/lib/chromium");
const { artifact } = require("./support");

const FLOWS = [
  { id: "i18n-tab", type: "tab", label: "i18n" },
  // Never connects: the only message it gets is refused before any stream opens.
  { id: "i18n-cfg", type: "soniox-config", name: "sim", region: "custom", url: "ws://127.0.0.1:9/transcribe-websocket" },
  { id: "i18n-no-config", z: "i18n-tab", type: "soniox-transcribe", name: "", config: "", x: 200, y: 80, wires: [[], []] },
  { id: "i18n-tx", z: "i18n-tab", type: "soniox-transcribe", name: "", config: "i18n-cfg", x: 400, y: 160, wires: [[], []] },
  {
    id: "i18n-inject",
    z: "i18n-tab",
    type: "inject",
    props: [{ p: "control", v: "bogus", vt: "str" }],
    repeat: "",
    once: true,
    onceDelay: 0.5,
    x: 150,
    y: 160,
    wires: [["i18n-tx"]],
  },
];

describe("browser: German runtime and editor", function () {
  this.timeout(90000);
  let red = null;
  let browser = null;

  before(async function () {
    red = await startNodeRed({ flows: FLOWS, lang: "de", credentials: { "i18n-cfg": { apiKey: "unused-key" } } });
  });

  after(async function () {
    if (browser) await browser.close();
    if (red) await red.stop();
  });

  it("logs the adapter's and core's errors in German when the runtime language is de", async function () {
    const deadline = Date.now() + 15000;
    const wanted = [
      // src/nodes/soniox-transcribe.ts, key errors.no-config
      "Kein soniox-config-Node ausgewählt",
      // src/core/control/parse.ts, key errors.control.unknown, with its parameters filled in
      'Unbekanntes msg.control "bogus": verwenden Sie einen der Befehle start, finalize',
    ];
    while (Date.now() < deadline && !wanted.every((text) => red.output().includes(text))) await new Promise((r) => setTimeout(r, 100));
    const log = red.output();
    for (const text of wanted) assert.ok(log.includes(text), `the log holds "${text}"\n--- log tail ---\n${log.slice(-3000)}`);
    assert.ok(!log.includes("Unknown msg.control"), "the English text is not what the German runtime logs");
  });

  it("shows the transcribe dialog, its tabs and its help in German for a de-DE browser", async function () {
    browser = await launchChromium({ viewport: { width: 1500, height: 900 }, locale: "de-DE" });
    const page = browser.context.pages()[0] || (await browser.context.newPage());
    const pageErrors = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(`${red.url}/`);
    await page.waitForSelector(".red-ui-palette-node[data-palette-type='soniox-transcribe']", { timeout: 20000 });
    await page.waitForFunction(() => window.RED && RED.nodes.node("i18n-tx"), null, { timeout: 10000 });
    assert.strictEqual(await page.evaluate(() => RED.i18n.lang()), "de", "the editor took the browser's language (de-DE, served by Node-RED as de)");

    await page.evaluate(() => RED.editor.edit(RED.nodes.node("i18n-tx")));
    await page.waitForSelector("#node-input-audioFormat", { state: "attached", timeout: 10000 });
    const text = (selector) => page.locator(selector).first().textContent();
    assert.strictEqual((await text("label[for='node-input-audioFormat']")).trim(), "Audioformat");
    assert.strictEqual((await text("label[for='node-input-sampleRate']")).trim(), "Abtastrate");
    const tabs = await page.locator("#soniox-transcribe-tabs .red-ui-tab-label").allTextContents();
    assert.deepStrictEqual(tabs.map((t) => t.trim()), ["Audio", "Erkennung", "Endpunkte", "Kontext", "Übersetzung", "Streams"]);
    // Node-RED's own buttons are German too, so this is the editor's language, not just our catalogue.
    assert.strictEqual((await text("#node-dialog-cancel")).trim(), "Abbrechen");

    await page.evaluate(() => RED.sidebar.help.show("soniox-transcribe", true));
    const help = page.locator(".red-ui-sidebar-help-stack .red-ui-help");
    await help.locator("p").first().waitFor({ timeout: 5000 });
    assert.match(await help.locator("p").first().textContent(), /Streamt Audio an die Echtzeit-Spracherkennung von Soniox/);
    const headings = await help.locator("h3").allTextContents();
    assert.deepStrictEqual(headings.map((h) => h.trim()), ["Eingaben", "Ausgaben", "Details", "Referenzen"]);
    await page.screenshot({ path: artifact("editor-de-soniox-transcribe.png") });

    await page.click("#node-dialog-cancel");
    const ports = await page.evaluate(() => {
      const node = RED.nodes.node("i18n-tx");
      const def = RED.nodes.getType("soniox-transcribe");
      return [def.inputLabels.call(node), def.outputLabels.call(node, 0), def.outputLabels.call(node, 1)];
    });
    assert.deepStrictEqual(ports, ["Audio / Steuerung", "Antworten", "Äußerungen"]);

    // The config dialog's Check button, answered in German: nothing listens at its address.
    await page.evaluate(() => RED.editor.editConfig("", "soniox-config", "i18n-cfg"));
    await page.waitForSelector("#soniox-config-check", { timeout: 10000 });
    assert.strictEqual((await text("#soniox-config-check")).trim(), "Prüfen");
    await page.click("#soniox-config-check");
    await page.waitForSelector("#soniox-config-check-result[data-outcome]", { timeout: 15000 });
    assert.match(await text("#soniox-config-check-result"), /^Region nicht erreichbar: Node-RED konnte keine Verbindung zu Soniox aufbauen/);
    await page.click("#node-config-dialog-cancel");
    assert.deepStrictEqual(pageErrors, [], "the editor ran without page errors");
  });
});
