#!/usr/bin/env node
// Takes the README screenshot from a running editor: starts Node-RED with the example flows
// against the simulator, opens the editor in Debian's headless Chromium (playwright-core, no
// browser download) and saves the first example flow as docs/editor.png.
"use strict";
const fs = require("fs");
const path = require("path");
const { ROOT, startNodeRed } = require("./lib/node-red");
const { launchChromium } = require("./lib/chromium");

const out = process.argv[2] || path.join(ROOT, "docs", "editor.png");
const SIM_KEY = "simulator-key";

async function main() {
  const { startSimulator } = require(path.join(ROOT, "dist", "simulator"));
  const simulator = await startSimulator({ apiKeys: [SIM_KEY] });
  const flows = JSON.parse(fs.readFileSync(path.join(ROOT, "examples", "flows.json"), "utf8"));
  const env = { ...process.env, SONIOX_API_KEY: SIM_KEY };
  let red = null;
  let browser = null;
  try {
    red = await startNodeRed({ flows, configPatch: { region: "custom", url: simulator.url }, env });
    browser = await launchChromium({ viewport: { width: 1600, height: 760 } });
    const page = browser.context.pages()[0] || (await browser.context.newPage());
    await page.goto(`${red.url}/`);
    await page.waitForSelector("#red-ui-workspace-chart");
    await page.waitForSelector('.red-ui-palette-node[data-palette-type="soniox-transcribe"]');
    await page.waitForSelector(".red-ui-flow-node-group");
    await page.waitForTimeout(1000);
    await page.screenshot({ path: out });
    console.log(`saved ${out}`);
  } finally {
    if (browser) await browser.close();
    if (red) await red.stop();
    await simulator.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
