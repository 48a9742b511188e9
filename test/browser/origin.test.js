"use strict";
// The browser examples in real Chromium, from a page of another origin (a second server on another
// port, so the browser itself sets Origin and Sec-Fetch-Site): it can neither mint a key, nor get
// a caption ticket, nor open the caption socket. Same-origin use is what proxy-page and
// direct-page tests exercise end to end; the first test here repeats the minimum of it.
const assert = require("assert");
const http = require("http");
const { startStack, browserWithMicrophone } = require("./support");

function startForeignSite() {
  const server = http.createServer((req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>elsewhere</title>"));
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) })));
}

/** Runs inside a page: tries every way into the examples and reports what happened. */
async function tryEverything(page, red) {
  return page.evaluate(async (base) => {
    const attempt = async (path) => {
      try {
        const res = await fetch(base + path, { method: "POST" });
        return { status: res.status, body: await res.text() };
      } catch (err) {
        return { failed: err.name };
      }
    };
    const socket = await new Promise((resolve) => {
      const ws = new WebSocket(base.replace("http", "ws") + "/ws/soniox-caption");
      ws.onopen = () => {
        ws.close();
        resolve("opened");
      };
      ws.onerror = () => resolve("refused");
    });
    return { key: await attempt("/soniox/direct/key"), ticket: await attempt("/soniox/caption/ticket"), socket };
  }, red);
}

describe("browser: the examples answer only their own origin", function () {
  this.timeout(60000);
  let stack = null;
  let browser = null;
  let foreign = null;

  before(async function () {
    stack = await startStack();
    foreign = await startForeignSite();
    browser = await browserWithMicrophone();
  });

  after(async function () {
    if (browser) await browser.close();
    if (stack) await stack.stop();
    if (foreign) await foreign.close();
  });

  it("same origin: a page of this Node-RED gets a key, a ticket and the socket", async function () {
    const page = await browser.context.newPage();
    await page.goto(`${stack.red.url}/soniox/direct`);
    const result = await tryEverything(page, stack.red.url);
    assert.strictEqual(result.key.status, 200, JSON.stringify(result));
    assert.match(JSON.parse(result.key.body).api_key, /^temp:/);
    assert.strictEqual(result.ticket.status, 200);
    assert.match(JSON.parse(result.ticket.body).ticket, /^[0-9a-f]{32}$/);
    assert.strictEqual(result.socket, "opened");
    await page.close();
  });

  it("another origin: no key is minted, no ticket is readable, the socket is refused", async function () {
    const minted = stack.sim.tempKeys.count;
    const page = await browser.context.newPage();
    await page.goto(foreign.url);
    const result = await tryEverything(page, stack.red.url);
    // The answer is 403, and its Access-Control-Allow-Origin names Node-RED, so the page cannot even read it.
    assert.deepStrictEqual(result, { key: { failed: "TypeError" }, ticket: { failed: "TypeError" }, socket: "refused" });
    assert.strictEqual(stack.sim.tempKeys.count, minted, "nothing was minted for the foreign page");
    await page.close();
  });
});
