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
