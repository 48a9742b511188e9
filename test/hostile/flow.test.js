"use strict";
// Hostile flows: what a flow (or a browser behind it) can put in a message, against the real
// Node-RED runtime and the simulator. Each scenario reports memory peak, log lines, Catch
// messages, and where the key showed up (the goal is nowhere).
const assert = require("assert");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");
const { speech } = require("../support/speech");
const { memoryWatch, logLines, keySightings } = require("./observe");
const { prng, fuzzSettings } = require("../fuzz/prng");
const { ffmpegPath } = require("../support/ffmpeg");

const KEY = "sk-FLOW-4b8e21c9d03f7a65";
const { seed: SEED, cases: CASES } = fuzzSettings(1313, 60, 600);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe("hostile flows against the soniox nodes", function () {
  this.timeout(60000);
  let sim;
  const report = [];

  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY], script: "hello there", wordMs: 100 });
    await new Promise((resolve) => helper.startServer(resolve));
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });
  after(function () {
    for (const line of report) console.log(`      ${line}`);
  });

  async function observe(name, flow, credentials, drive) {
    flow.push({ id: "st", z: "tab", type: "status", scope: null, wires: [["statuses"]] }, { id: "statuses", z: "tab", type: "helper" });
    await load(NODES, flow, credentials);
    const out = { msgs: [], statuses: collect("statuses"), errors: collect("caught") };
    for (const id of ["responses", "utterances", "out"]) if (helper.getNode(id)) out.msgs.push(collect(id));
    const logFrom = helper.log().args.length;
    const memory = memoryWatch();
    await drive(out);
    const mem = memory.stop();
    const lines = logLines(logFrom);
    const sightings = await keySightings(KEY, out);
    report.push(
      `${name}: memory peak +${mem.heldMb.toFixed(1)} MB held (+${mem.rssMb.toFixed(1)} MB rss), ${lines.length} log lines, ` +
        `${out.errors.length} errors, key seen in ${sightings.length ? sightings.join(", ") : "0 places"}`,
    );
    assert.deepStrictEqual(sightings, [], `the key reached ${sightings.join(", ")}`);
    for (const line of lines) assert.ok(line.length <= 2100, `a log line of ${line.length} characters`);
    for (const e of out.errors) assert.ok(e.error.message.length <= 2100, `a Catch text of ${e.error.message.length} characters`);
    for (const s of out.statuses) assert.ok(String(s.status.text ?? "").length <= 2100);
    return { ...out, lines };
  }

  it("a 5 MB msg.topic is cut in log lines and Catch texts, keeping both ends", async function () {
    const topic = `start-${"t".repeat(5 * 1024 * 1024)}-end`;
    const { errors, lines } = await observe("5 MB topic", transcribeFlow(sim, { maxStreams: 1 }), { cfg: { apiKey: KEY } }, async ({ errors }) => {
      const tx = helper.getNode("tx");
      tx.receive({ topic: "first", payload: speech(100) });
      tx.receive({ topic, payload: speech(100) });
      tx.receive({ topic, control: "bogus" });
      await waitFor(() => errors.length === 2, 8000, "two errors");
      tx.receive({ topic: "first", payload: speech(100), soniox: { model: "late" } });
      await pause(200);
    });
    assert.match(errors[0].error.message, /Too many streams: 1 are open, so "start-t+ … \[52\d{5} characters cut\] … t+-end" was not started/);
    assert.match(errors[1].error.message, /bogus/);
    assert.ok(lines.some((l) => /msg.soniox is only read on the first message/.test(l)));
  });

  it(`random topics and payload sizes (seed ${SEED}, ${CASES} messages) produce bounded texts and no key`, async function () {
    const r = prng(SEED);
    const { errors } = await observe(
      `random topics/payloads (${CASES})`,
      transcribeFlow(sim, { maxStreams: 4 }),
      { cfg: { apiKey: KEY } },
      async ({ errors }) => {
        const tx = helper.getNode("tx");
        const topics = new Set();
        for (let i = 0; i < CASES; i++) {
          const topic = r.weighted([
            [3, () => `t${r.int(0, 5)}`],
            [1, () => "é🎤".repeat(r.int(1, 1000))],
            [1, () => "x".repeat(r.int(1, 200000))],
            [1, () => `Bearer not-the-key-${i}`],
          ]);
          const payload = r.weighted([
            [3, () => speech(r.int(1, 400))],
            [1, () => Buffer.alloc(r.int(0, 256 * 1024), r.int(0, 255))],
            [1, () => "x".repeat(r.int(1, 100000))],
          ]);
          topics.add(topic);
          tx.receive({ topic, payload, control: r.chance(0.2) ? "stop" : undefined });
          if (i % 10 === 0) await pause(10);
        }
        for (const topic of topics) tx.receive({ topic, control: "cancel" });
        await pause(500);
      },
    );
    assert.ok(errors.length > 0, "the stream limit and the bad payloads were reported");
    const texts = JSON.stringify([errors.map((e) => e.error.message), helper.log().args]);
    assert.ok(!texts.includes("not-the-key"), "a Bearer token in a topic reached a log line or Catch text");
  });

  it("a temp-key request that tries to loosen the node's settings is refused every time", async function () {
    const flow = [
      { id: "tab", type: "tab", label: "t" },
      { id: "cfg", type: "soniox-config", region: "custom", url: sim.url },
      { id: "mint", z: "tab", type: "soniox-temp-key", config: "cfg", expiresIn: 30, singleUse: true, maxSessionDuration: 60, wires: [["out"]] },
      { id: "out", z: "tab", type: "helper" },
      { id: "catcher", z: "tab", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "tab", type: "helper" },
    ];
    const r = prng(SEED);
    const tries = 40;
    const { errors } = await observe("temp-key loosening", flow, { cfg: { apiKey: KEY } }, async ({ errors }) => {
      for (let i = 0; i < tries; i++) {
        const soniox = r.pick([
          () => ({ expires_in_seconds: r.int(31, 3600) }),
          () => ({ single_use: false }),
          () => ({ usage_type: "tts_rt" }),
          () => ({ max_session_duration_seconds: r.int(61, 18000) }),
          () => ({ api_key: KEY }),
        ])();
        helper.getNode("mint").receive({ soniox });
      }
      await waitFor(() => errors.length === tries, 8000, "every loosening refused");
    });
    assert.strictEqual(sim.tempKeys.count, 0);
    assert.ok(errors.every((e) => e.soniox.error.code === "invalid_config"));
  });

  it("20,000 unknown msg.soniox names and a 1 MB one: one warning for the stream, listing a few; none reaches Soniox", async function () {
    const soniox = { [`${"n".repeat(1024 * 1024)}`]: 1 };
    for (let i = 0; i < 20000; i++) soniox[`opt_${i}`] = i;
    const { lines } = await observe("20,000 msg.soniox names", transcribeFlow(sim, { maxStreams: 2 }), { cfg: { apiKey: KEY } }, async () => {
      helper.getNode("tx").receive({ topic: "names", payload: speech(100), soniox });
      await waitFor(() => sim.connections[0] && sim.connections[0].startMessage, 8000, "the start message");
    });
    const about = lines.filter((l) => /msg\.soniox/.test(l));
    assert.strictEqual(about.length, 1, `${about.length} warnings`);
    assert.match(about[0], /^\[names\] msg\.soniox has 20001 names this node does not know \(n{64}…, opt_0, opt_1, …\); they were left out/);
    assert.deepStrictEqual(Object.keys(sim.connections[0].startMessage).filter((k) => k.startsWith("opt_") || k.startsWith("nnn")), []);
  });

  it("a single 1 MB unknown msg.soniox name is shown cut, without a guess", async function () {
    const { lines } = await observe("1 MB msg.soniox name", transcribeFlow(sim), { cfg: { apiKey: KEY } }, async () => {
      helper.getNode("tx").receive({ topic: "long", payload: speech(100), soniox: { [`language_hints${"x".repeat(1024 * 1024)}`]: ["en"] } });
      await waitFor(() => sim.connections[0] && sim.connections[0].startMessage, 8000, "the start message");
    });
    const about = lines.filter((l) => /msg\.soniox/.test(l));
    assert.strictEqual(about.length, 1);
    assert.match(about[0], /^\[long\] msg\.soniox\.language_hintsx{50}… is not a Soniox option this node knows; it was left out/);
  });

  it("with unknown names passed on, only 16 short ones reach Soniox, in one warning", async function () {
    sim.options = { ...sim.options, strict: false };
    const soniox = { [`${"n".repeat(100)}`]: 1 };
    for (let i = 0; i < 40; i++) soniox[`opt_${i}`] = i;
    const { lines } = await observe("40 passed msg.soniox names", transcribeFlow(sim, { passUnknownOptions: true }), { cfg: { apiKey: KEY } }, async () => {
      helper.getNode("tx").receive({ topic: "names", payload: speech(100), soniox });
      await waitFor(() => sim.connections[0] && sim.connections[0].startMessage, 8000, "the start message");
    });
    const passed = Object.keys(sim.connections[0].startMessage).filter((k) => k.startsWith("opt_") || k.startsWith("nnn"));
    assert.deepStrictEqual(passed, Array.from({ length: 16 }, (_, i) => `opt_${i}`));
    const about = lines.filter((l) => /msg\.soniox/.test(l));
    assert.strictEqual(about.length, 1, about.join("\n"));
    assert.match(about[0], /41 names .* sent as given .*except names over 64 characters and any after the first 16, which are left out/);
  });

  it("ffmpeg decodes untrusted audio: the log names which one (path, version) once for several transcoded streams", async function () {
    await load(NODES, transcribeFlow(sim, { convertToPcm: true, pacing: false }), { cfg: { apiKey: KEY } });
    const from = helper.log().args.length;
    const tx = helper.getNode("tx");
    for (const topic of ["a", "b", "c"]) tx.receive({ topic, payload: speech(300), control: "stop" });
    await waitFor(() => sim.connections.length === 3 && sim.connections.every((c) => c.audioBytes > 0), 15000, "three transcoded streams");
    const said = () =>
      helper
        .log()
        .args.slice(from)
        .map((a) => a[0])
        .filter((e) => e && /Decoding audio with ffmpeg/.test(String(e.msg)));
    await waitFor(() => said().length > 0, 5000, "the ffmpeg log line");
    await pause(300);
    const lines = said();
    assert.strictEqual(lines.length, 1, lines.map((e) => e.msg).join("\n"));
    assert.strictEqual(lines[0].level, 40, "info (Node-RED: warn 30, info 40)");
    const m = /Decoding audio with ffmpeg (\S+) at /.exec(lines[0].msg);
    assert.ok(m && m[1] !== "unknown", lines[0].msg);
    assert.ok(lines[0].msg.includes(ffmpegPath()), lines[0].msg);
    // The bundled build is from 2018: the line says so, and what to install instead.
    assert.strictEqual(/from 2018.*apt-get install ffmpeg/.test(lines[0].msg), ffmpegPath().includes("@ffmpeg-installer"), lines[0].msg);
  });

  it("a URL with user:pass@ is refused with a clear error that shows neither", async function () {
    const url = sim.url.replace("ws://", "ws://admin:hunter2pass@");
    const { errors } = await observe("user:pass@ URL", transcribeFlow(sim, {}, { url }), { cfg: { apiKey: KEY } }, async ({ errors }) => {
      helper.getNode("tx").receive({ topic: "a", payload: speech(100) });
      await waitFor(() => errors.length === 1, 8000, "an error");
    });
    assert.match(errors[0].error.message, /contains a user name or password: remove the user:pass@ part/);
    assert.ok(!JSON.stringify(helper.log().args).includes("hunter2pass"));
    assert.ok(!JSON.stringify(errors).includes("hunter2pass"));
  });
});
