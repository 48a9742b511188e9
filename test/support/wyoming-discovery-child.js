"use strict";
// Runs inside a network namespace of its own that has nothing but loopback (the test creates it
// with unshare), so the mDNS multicast of the wyoming in node under test never leaves this
// process's namespace. Prints one JSON line per finding; refuses to run on a real network.
const os = require("os");
const { Bonjour } = require("bonjour-service");
const { helper, NODES, load } = require("./nodered");
const { freePort } = require("./wyoming-client");

const interfaces = Object.keys(os.networkInterfaces());
if (interfaces.some((name) => name !== "lo")) {
  console.log(JSON.stringify({ refused: `interfaces besides loopback: ${interfaces.join(", ")}` }));
  process.exit(3);
}

const report = (o) => console.log(JSON.stringify(o));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function deploy(discovery, port) {
  await load(NODES, [
    { id: "tab", type: "tab" },
    { id: "win", z: "tab", type: "wyoming-in", host: "0.0.0.0", port, serviceName: "Soniox test", discovery, streaming: true, endpointing: false, timeout: 5, wires: [[]] },
  ]);
}

async function main() {
  await new Promise((r) => helper.startServer(r));
  const browser = new Bonjour();
  const seen = [];
  const gone = [];
  browser.find({ type: "wyoming" }, (s) => seen.push(s)).on("down", (s) => gone.push(s));

  // Off (the default): nothing may be advertised.
  await deploy(false, await freePort());
  await sleep(1500);
  report({ phase: "off", seen: seen.length });
  await helper.unload();

  const port = await freePort();
  await deploy(true, port);
  for (let i = 0; i < 100 && seen.length === 0; i++) await sleep(50);
  const s = seen[0];
  report({ phase: "on", seen: seen.length, service: s && { name: s.name, type: s.type, protocol: s.protocol, port: s.port, fqdn: s.fqdn }, port });
  await helper.unload();
  for (let i = 0; i < 60 && gone.length === 0; i++) await sleep(50);
  report({ phase: "closed", gone: gone.map((g) => g.name) });
  browser.destroy();
  await new Promise((r) => helper.stopServer(r));
  process.exit(0);
}

main().catch((err) => {
  report({ error: String(err && err.stack) });
  process.exit(1);
});
