"use strict";
// `npm start` as a user runs it: the real scripts/start.js process (simulator, MQTT broker and
// Node-RED), a real MQTT client, and the admin HTTP API to deploy. Its user directory is a
// temporary one (NR_USER_DIR) and every port is a free one, so it runs beside a real `npm start`.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const mqtt = require("mqtt");

const { start } = require("../support/npm-start");
const COMMAND_TOPIC = "home/kitchen/lights/set";

async function getFlows(red) {
  const res = await fetch(`${red.url}/flows`, { headers: { "Node-RED-API-Version": "v2" } });
  assert.strictEqual(res.status, 200);
  return (await res.json()).flows;
}

async function deploy(red, flows) {
  const res = await fetch(`${red.url}/flows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Node-RED-API-Version": "v2", "Node-RED-Deployment-Type": "full" },
    body: JSON.stringify({ flows }),
  });
  assert.strictEqual(res.status, 200, await res.text());
}

/** Clicks the voice-command tab's inject and resolves to the first payload on the command topic. */
async function voiceCommand(red) {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${red.mqttPort}`);
  try {
    await client.subscribeAsync(COMMAND_TOPIC);
    const received = new Promise((resolve) => client.once("message", (topic, payload) => resolve(payload.toString())));
    const res = await fetch(`${red.url}/inject/ex3-phr-start`, { method: "POST" });
    assert.strictEqual(res.status, 200);
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`nothing published on ${COMMAND_TOPIC}\n${red.output().slice(-3000)}`)), 15000));
    return await Promise.race([received, timeout]);
  } finally {
    await client.endAsync();
  }
}

describe("npm start: a persistent place to work, with a real MQTT broker", function () {
  this.timeout(90000);
  let userDir;
  let red = null;

  before(function () {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "soniox-start-"));
  });

  afterEach(async function () {
    if (red) await red.stop();
    red = null;
  });

  after(function () {
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it("the voice-command example publishes ON to the in-process broker from the simulator's words", async function () {
    red = await start(userDir);
    assert.match(red.output(), /seeded with the example flows/);
    assert.strictEqual(await voiceCommand(red), "ON");
  });

  it("keeps a deployed change and its credentials, encrypted, across a restart; --reset brings the examples back", async function () {
    red = await start(userDir);
    assert.match(red.output(), /your flows from the last run/);
    const flows = await getFlows(red);
    const comment = flows.find((n) => n.id === "ex3-phr-comment");
    const original = comment.name;
    comment.name = "my kitchen commands";
    // A credential of the user's: the local broker accepts any login.
    flows.find((n) => n.id === "ex3-mqtt-broker").credentials = { user: "kitchen", password: "s3cret-password" };
    await deploy(red, flows);
    await red.stop();

    const cred = fs.readFileSync(path.join(userDir, "flows_cred.json"), "utf8");
    assert.deepStrictEqual(Object.keys(JSON.parse(cred)), ["$"], "the credentials file is encrypted");
    assert.ok(!cred.includes("s3cret-password"));

    red = await start(userDir);
    const kept = await getFlows(red);
    assert.strictEqual(kept.find((n) => n.id === "ex3-phr-comment").name, "my kitchen commands");
    const login = await (await fetch(`${red.url}/credentials/mqtt-broker/ex3-mqtt-broker`)).json();
    assert.deepStrictEqual(login, { user: "kitchen", has_password: true }, "the credentials were decrypted with the kept secret");
    // The broker has a new free port at each start: the kept flows were pointed at it.
    assert.strictEqual(await voiceCommand(red), "ON");
    assert.doesNotMatch(red.output(), /credentialSecret|system-generated key|Connection failed to broker/);
    await red.stop();

    red = await start(userDir, ["--reset"]);
    assert.match(red.output(), /seeded with the example flows/);
    assert.strictEqual((await getFlows(red)).find((n) => n.id === "ex3-phr-comment").name, original);
  });
});

/** A raw HTTP request with any headers (fetch will not set Host); resolves to {status, headers, body}. */
function request(url, { method = "GET", headers = {}, body = "" } = {}) {
  const http = require("http");
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { "content-length": Buffer.byteLength(body), ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Opens a WebSocket with the given headers; resolves to "open" or the refusal's status. */
function upgrade(url, headers) {
  const WebSocket = require("ws");
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on("open", () => {
      ws.terminate();
      resolve("open");
    });
    ws.on("unexpected-response", (req, res) => {
      res.resume();
      resolve(res.statusCode);
    });
    ws.on("error", () => resolve("error"));
  });
}

describe("npm start refuses other sites and other host names (hostile)", function () {
  this.timeout(90000);
  let userDir;
  let red = null;

  before(function () {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "soniox-start-guard-"));
  });
  afterEach(async function () {
    if (red) await red.stop();
    red = null;
  });
  after(function () {
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  // What a page on another site sends to deploy a flow that runs a command.
  const EXEC_FLOW = JSON.stringify({ flows: [{ id: "evil-tab", type: "tab", label: "evil" }, { id: "evil-exec", type: "exec", z: "evil-tab", command: "touch /tmp/pwned", wires: [[], [], []] }] });
  const deployHeaders = { "content-type": "application/json", "node-red-api-version": "v2", "node-red-deployment-type": "full" };

  it("refuses a cross-origin deploy, its preflight, Origin: null, a rebound Host and a foreign editor socket; its own pages pass", async function () {
    red = await start(userDir);
    const { port } = new URL(red.url);
    assert.match(red.output(), /requests from other sites \(Origin\) or under other host\n.*get 403[^]*To widen: NR_ALLOWED_ORIGINS/);

    const preflight = await request(`${red.url}/flows`, { method: "OPTIONS", headers: { origin: "http://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    assert.strictEqual(preflight.status, 403, "preflight");
    assert.strictEqual(preflight.headers["access-control-allow-origin"], undefined);
    for (const origin of ["http://evil.example", "null", "garbage ::", `http://127.0.0.1:${Number(port) + 1}`]) {
      const res = await request(`${red.url}/flows`, { method: "POST", headers: { ...deployHeaders, origin }, body: EXEC_FLOW });
      assert.strictEqual(res.status, 403, `POST /flows from ${origin}: ${res.body}`);
      assert.match(res.body, /is not a page of this Node-RED/);
    }
    // DNS rebinding: the attacker's name resolves to 127.0.0.1, so the browser sends it as Host.
    const rebound = await request(`${red.url}/flows`, { headers: { host: `evil.example:${port}` } });
    assert.strictEqual(rebound.status, 403);
    assert.match(rebound.body, /not a name this Node-RED is served under/);
    const reboundDeploy = await request(`${red.url}/flows`, { method: "POST", headers: { ...deployHeaders, host: `evil.example:${port}`, origin: `http://evil.example:${port}` }, body: EXEC_FLOW });
    assert.strictEqual(reboundDeploy.status, 403);
    const ws = red.url.replace("http", "ws");
    assert.strictEqual(await upgrade(`${ws}/comms`, { origin: "http://evil.example" }), 403, "the editor's socket from another site");
    assert.strictEqual(await upgrade(`${ws}/comms`, { host: `evil.example:${port}` }), 403, "the editor's socket under a rebound name");
    assert.ok(!(await getFlows(red)).some((n) => n.id === "evil-exec"), "nothing was deployed");

    // The editor's own requests, under either loopback name, and clients without Origin pass.
    assert.strictEqual(await upgrade(`${ws}/comms`, { origin: red.url }), "open");
    const own = await request(`${red.url}/flows`, { headers: { origin: red.url, "node-red-api-version": "v2" } });
    assert.strictEqual(own.status, 200);
    const byName = await request(`${red.url}/settings`, { headers: { host: `localhost:${port}`, origin: `http://localhost:${port}` } });
    assert.strictEqual(byName.status, 200);
  });

  it("with NR_HOST beyond loopback, asks for a login whose password is made once and kept in the user directory", async function () {
    process.env.NR_HOST = "0.0.0.0";
    try {
      red = await start(userDir);
    } finally {
      delete process.env.NR_HOST;
    }
    const file = path.join(userDir, "admin-password");
    assert.match(red.output(), new RegExp(`user "admin", password in ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    const password = fs.readFileSync(file, "utf8").trim();
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
    const anonymous = await request(`${red.url}/flows`);
    assert.strictEqual(anonymous.status, 401, `the admin API needs a login: ${anonymous.body}`);
    const login = (pw) =>
      request(`${red.url}/auth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_id: "node-red-editor", grant_type: "password", scope: "*", username: "admin", password: pw }),
      });
    assert.strictEqual((await login("wrong")).status, 403, "a wrong password gets no token");
    const token = JSON.parse((await login(password)).body).access_token;
    assert.strictEqual((await request(`${red.url}/flows`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    await red.stop();

    // The next start keeps the password, as it keeps the credential secret.
    process.env.NR_HOST = "0.0.0.0";
    try {
      red = await start(userDir);
    } finally {
      delete process.env.NR_HOST;
    }
    assert.strictEqual(fs.readFileSync(file, "utf8").trim(), password);
    assert.strictEqual((await login(password)).status, 200);
  });
});
