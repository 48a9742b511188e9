"use strict";
// Hostile and broken servers against a real soniox-transcribe node in the real Node-RED runtime,
// over real sockets (a hand-written WebSocket server, test/hostile/raw-ws-server.js). Each
// scenario reports what it cost: memory peak, log lines, Catch messages, and where the key showed.
const assert = require("assert");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");
const { startRawServer, rawServerSuite } = require("./raw-ws-server");
const { memoryWatch, logLines, keySightings } = require("./observe");

const KEY = "sk-HOSTILE-2f9c41d7e8a05b36";
const pcm = (ms) => Buffer.alloc((ms * 16000 * 2) / 1000);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const START_WAIT_MS = 200;

describe("hostile servers against soniox-transcribe", function () {
  this.timeout(30000);
  const suite = rawServerSuite(helper);
  const report = [];

  after(function () {
    for (const line of report) console.log(`      ${line}`);
  });

  /** Loads a flow against a server with `behaviour`, feeds it, and gathers what came out. */
  async function scenario(name, behaviour, { feed, until, props = {} }) {
    suite.server = await startRawServer(behaviour);
    const flow = transcribeFlow({ url: suite.server.url }, { connectTimeout: 1, finishTimeout: 1, reconnect: false, ...props });
    flow.push({ id: "st", z: "tab", type: "status", scope: null, wires: [["statuses"]] }, { id: "statuses", z: "tab", type: "helper" });
    await load(NODES, flow, { cfg: { apiKey: KEY } });
    const responses = collect("responses");
    const errors = collect("caught");
    const statuses = collect("statuses");
    const utterances = collect("utterances");
    const seen = { msgs: [responses, utterances], statuses, errors };
    const logFrom = helper.log().args.length;
    const memory = memoryWatch();
    await feed(helper.getNode("tx"));
    await waitFor(() => until({ responses, errors }), 20000, `${name} to settle`);
    await pause(START_WAIT_MS);
    const mem = memory.stop();
    const lines = logLines(logFrom);
    const sightings = await keySightings(KEY, seen);
    report.push(
      `${name}: memory peak +${mem.heldMb.toFixed(1)} MB held (+${mem.rssMb.toFixed(1)} MB rss), ${lines.length} log lines, ` +
        `${errors.length} errors, key seen in ${sightings.length ? sightings.join(", ") : "0 places"}`,
    );
    assert.deepStrictEqual(sightings, [], `the key reached ${sightings.join(", ")}`);
    for (const line of lines) assert.ok(line.length <= 2100, `a log line of ${line.length} characters`);
    return { responses, errors, lines, mem };
  }

  const audio = (topic = "a") => async (tx) => tx.receive({ topic, payload: pcm(200) });

  it("a proxy answering the upgrade with 401 and the Authorization header in its body", async function () {
    const { errors } = await scenario(
      "401 echoing the header",
      (c) => c.refuse(401, `{"error_message":"bad credentials in Authorization: ${c.req.headers.authorization}"}`),
      { feed: audio(), until: ({ errors }) => errors.length === 1 },
    );
    assert.strictEqual(errors[0].soniox.error.code, 401);
    assert.match(errors[0].error.message, /HTTP 401.*Authorization: Bearer \[redacted\]/);
  });

  it("a plain-text 401 body quoting the key with another scheme, and the subprotocol echoed", async function () {
    const { errors } = await scenario(
      "401 echoing the subprotocol",
      (c) => c.refuse(401, `denied: Sec-WebSocket-Protocol: ${c.req.headers["sec-websocket-protocol"]}; Authorization: Token ${KEY}`),
      { feed: audio(), until: ({ errors }) => errors.length === 1, props: {} },
    );
    assert.match(errors[0].error.message, /\[redacted\]/);
  });

  it("an error frame quoting the key", async function () {
    const { errors } = await scenario(
      "error frame echoing the key",
      (c) => {
        c.accept();
        c.text(JSON.stringify({ error_code: 401, error_message: `Invalid API key ${KEY} (header: Bearer ${KEY})` }));
      },
      { feed: audio(), until: ({ errors }) => errors.length === 1 },
    );
    assert.strictEqual(errors[0].soniox.error.code, 401);
    assert.match(errors[0].soniox.error.message, /Invalid API key \[redacted\]/);
  });

  it("a 100 MiB frame is refused from its header, not held", async function () {
    const { errors, mem } = await scenario(
      "100 MiB frame",
      (c) => {
        c.accept();
        c.hugeText(100 * 1024 * 1024);
      },
      { feed: audio(), until: ({ errors }) => errors.length === 1 },
    );
    assert.match(errors[0].error.message, /frame larger than 4194304 bytes/);
    assert.ok(mem.heldMb < 50, `held ${mem.heldMb.toFixed(1)} MB for a refused frame`);
  });

  it("a 3 MB error_message is cut with a marker", async function () {
    const { errors } = await scenario(
      "3 MB error_message",
      (c) => {
        c.accept();
        c.text(JSON.stringify({ error_code: 400, error_message: `start ${"x".repeat(3 * 1024 * 1024)} end` }));
      },
      { feed: audio(), until: ({ errors }) => errors.length === 1 },
    );
    const message = errors[0].soniox.error.message;
    assert.ok(message.length <= 2000, `${message.length} characters`);
    assert.match(message, /^Soniox error 400: start x+ … \[\d+ characters cut\] … x+ end$/);
    assert.ok(errors[0].error.message.length <= 2100 && /characters cut/.test(errors[0].error.message), "the Catch text is cut too");
  });

  for (const [kind, send] of [
    ["binary", (c) => c.binary(Buffer.from([1, 2, 3]))],
    ["non-JSON", (c) => c.text("<html>oops</html>")],
  ]) {
    it(`5,000 ${kind} frames in a row make one warning, then a count`, async function () {
      const { lines, responses } = await scenario(
        `5,000 ${kind} frames`,
        (c) => {
          c.accept();
          for (let i = 0; i < 5000; i++) send(c);
          c.text(JSON.stringify({ tokens: [{ text: "ok", is_final: true }], finished: true }));
        },
        { feed: audio(), until: ({ responses }) => responses.some((m) => m.payload.finished) },
      );
      const about = lines.filter((l) => (kind === "binary" ? /binary frame/ : /not JSON/).test(l));
      assert.strictEqual(about.length, 2, about.join("\n"));
      assert.match(about[1], /4999 more like this were suppressed: /);
      assert.strictEqual(responses.filter((m) => m.payload.finished).length, 1);
    });
  }

  it("a flood of error frames ends the stream once, with one error", async function () {
    const { errors } = await scenario(
      "500 error frames",
      (c) => {
        c.accept();
        for (let i = 0; i < 500; i++) c.text(JSON.stringify({ error_code: 400, error_message: `bad ${i}` }));
      },
      { feed: audio(), until: ({ errors }) => errors.length >= 1 },
    );
    await pause(300);
    assert.strictEqual(errors.length, 1);
    assert.match(errors[0].soniox.error.message, /bad 0/);
  });

  it("a silent server (never answers the upgrade) times out", async function () {
    const { errors } = await scenario("silent server", () => {}, { feed: audio(), until: ({ errors }) => errors.length === 1 });
    assert.strictEqual(errors[0].soniox.error.code, "connect_timeout");
  });

  it("a slow server (opens, then never confirms the end) times out on stop", async function () {
    const { errors } = await scenario(
      "slow server",
      (c) => c.accept(),
      { feed: async (tx) => tx.receive({ topic: "a", payload: pcm(200), control: "stop" }), until: ({ errors }) => errors.length === 1 },
    );
    assert.strictEqual(errors[0].soniox.error.code, "finish_timeout");
  });

  it("frames after `finished` are ignored: no output, warning or error", async function () {
    const { errors, responses, lines } = await scenario(
      "finished then more",
      (c) => {
        c.accept();
        c.text(JSON.stringify({ tokens: [{ text: "done", is_final: true }], finished: true }));
        for (let i = 0; i < 100; i++) c.text(JSON.stringify({ tokens: [{ text: "late", is_final: true }] }));
        c.text(JSON.stringify({ error_code: 500, error_message: "late error" }));
        c.binary(Buffer.from([1]));
      },
      { feed: audio(), until: ({ responses }) => responses.some((m) => m.payload.finished) },
    );
    await pause(300);
    assert.strictEqual(responses.length, 1);
    assert.strictEqual(errors.length, 0);
    assert.deepStrictEqual(lines, []);
  });
});
