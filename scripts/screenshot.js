#!/usr/bin/env node
// Takes the README screenshot from a running editor: starts `npm start`'s launcher against the
// simulator, opens the editor in Debian's headless Chromium (playwright-core, no browser
// download) and saves the first example flow as examples/editor.png.
"use strict";
const path = require("path");
const fs = require("fs");
const os = require("os");
const http = require("http");
const { spawn } = require("child_process");
const { chromium } = require("playwright-core");

const root = path.resolve(__dirname, "..");
const port = 18000 + Math.floor(Math.random() * 1000);
const out = process.argv[2] || path.join(root, "examples", "editor.png");

function get(url) {
  return new Promise((resolve) => {
    http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on("error", () => resolve(0));
  });
}

async function main() {
  const env = { ...process.env, NR_PORT: String(port), SONIOX_SIM_PORT: String(port + 1000) };
  delete env.SONIOX_API_KEY;
  const red = spawn(process.execPath, [path.join(root, "scripts", "start.js")], { env, stdio: "ignore" });
  try {
    const deadline = Date.now() + 30000;
    while ((await get(`http://127.0.0.1:${port}/settings`)) !== 200) {
      if (Date.now() > deadline) throw new Error("Node-RED did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
    const browser = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), "chromium-")), {
      executablePath: "/usr/bin/chromium",
      headless: true,
      viewport: { width: 1600, height: 760 },
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = browser.pages()[0] || (await browser.newPage());
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector("#red-ui-workspace-chart");
    await page.waitForSelector('.red-ui-palette-node[data-palette-type="soniox-transcribe"]');
    await page.waitForSelector(".red-ui-flow-node-group");
    await page.waitForTimeout(1000);
    await page.screenshot({ path: out });
    await browser.close();
    console.log(`saved ${out}`);
  } finally {
    red.kill("SIGTERM");
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
