"use strict";
// The message catalogues and help pages in every language we ship (en-US, de, ja), read from
// dist/nodes/locales where Node-RED loads them: the same keys and placeholders in each language,
// every key the runtime code names present, and each help page in every language with the same shape.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const cheerio = require("cheerio");
const { runtimeI18n } = require("../support/runtime-i18n");

const ROOT = path.resolve(__dirname, "..", "..");
const LOCALES = path.join(ROOT, "dist", "nodes", "locales");
const LANGS = ["en-US", "de", "ja"];
const NODES = Object.keys(require("../../package.json")["node-red"].nodes);

/** "a.b.c" → leaf string, for every leaf of a catalogue. */
function flatten(obj, prefix = "", out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object") flatten(v, key, out);
    else out.set(key, v);
  }
  return out;
}

function catalogue(lang, node) {
  return flatten(JSON.parse(fs.readFileSync(path.join(LOCALES, lang, `${node}.json`), "utf8"))[node]);
}

/** Node-RED's interpolation markers (__name__), sorted, so a translation cannot drop or rename one. */
function placeholders(text) {
  return [...String(text).matchAll(/__([A-Za-z0-9_]+?)__/g)].map((m) => m[1]).sort();
}


/** A session over the fake transport and clock, for 16 kHz PCM. */
function fakeSession(overrides = {}) {
  const { SonioxSession } = require("../../dist/core/session/session");
  const { fakeClock, fakeTransportFactory, fakeSessionOptions } = require("../support/fake-transport");
  const clock = fakeClock();
  const transport = fakeTransportFactory();
  const s = new SonioxSession(fakeSessionOptions(transport, clock, overrides));
  return { s, clock, transport };
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith(".ts")) out.push(full);
  }
  return out;
}

describe("translations: catalogues and help in en-US, de and ja", function () {
  it("match Node-RED's own language folder names", function () {
    const shipped = fs.readdirSync(path.join(path.dirname(require.resolve("@node-red/nodes/package.json")), "locales"));
    for (const lang of LANGS) assert.ok(shipped.includes(lang), `Node-RED ships ${lang} (${shipped.join(", ")})`);
  });

  for (const node of NODES) {
    it(`${node}: every key in any language exists in every other, with the same placeholders`, function () {
      const cats = Object.fromEntries(LANGS.map((lang) => [lang, catalogue(lang, node)]));
      const all = new Set(LANGS.flatMap((lang) => [...cats[lang].keys()]));
      assert.ok(all.size > 10, `${node} has a catalogue (${all.size} keys)`);
      const problems = [];
      for (const key of all) {
        const missing = LANGS.filter((lang) => !cats[lang].has(key));
        if (missing.length > 0) {
          problems.push(`${key}: missing in ${missing.join(", ")}`);
          continue;
        }
        const want = placeholders(cats["en-US"].get(key)).join(",");
        for (const lang of LANGS) {
          const got = placeholders(cats[lang].get(key)).join(",");
          if (got !== want) problems.push(`${key} [${lang}]: placeholders ${got || "none"}, en-US has ${want || "none"}`);
          if (String(cats[lang].get(key)).trim() === "") problems.push(`${key} [${lang}]: empty`);
        }
      }
      assert.deepStrictEqual(problems, []);
    });

    it(`${node}: help exists in every language with the same sections, msg fields and links`, function () {
      const shape = (lang) => {
        const file = path.join(LOCALES, lang, `${node}.html`);
        assert.ok(fs.existsSync(file), `${lang}/${node}.html exists`);
        const $ = cheerio.load(fs.readFileSync(file, "utf8"));
        const block = $(`script[data-help-name="${node}"]`);
        assert.strictEqual(block.length, 1, `${lang}: one help block for ${node}`);
        const help = cheerio.load(block.html(), null, false);
        return {
          headings: help("h3").length,
          subheadings: help("h4").length,
          fields: help("dt").length,
          types: help(".property-type").map((i, el) => help(el).text()).get(),
          links: help("a").map((i, el) => help(el).attr("href")).get(),
          text: help.root().text(),
        };
      };
      const en = shape("en-US");
      for (const lang of ["de", "ja"]) {
        const tr = shape(lang);
        assert.strictEqual(tr.headings, en.headings, `${lang}: same <h3> sections`);
        assert.strictEqual(tr.subheadings, en.subheadings, `${lang}: same <h4> subsections`);
        assert.strictEqual(tr.fields, en.fields, `${lang}: same <dt> entries`);
        assert.deepStrictEqual(tr.types, en.types, `${lang}: same property types`);
        assert.deepStrictEqual(tr.links, en.links, `${lang}: same links`);
        assert.notStrictEqual(tr.text, en.text, `${lang}: the prose is translated`);
      }
    });
  }

  it("has in en-US every RED._ key the node adapters use", function () {
    const en = Object.fromEntries(NODES.map((node) => [node, catalogue("en-US", node)]));
    const used = [];
    for (const file of sourceFiles(path.join(ROOT, "src", "nodes"))) {
      const source = fs.readFileSync(file, "utf8");
      for (const m of source.matchAll(/RED\._\(\s*["'`]([^"'`]+)["'`]/g)) {
        const key = m[1];
        if (key.includes("${")) {
          // soniox-control's activity statuses: the values ControlStreams emits.
          for (const activity of ["speech", "silence", "unknown"]) used.push(key.replace(/\$\{[^}]+\}/, activity));
        } else used.push(key);
      }
      // Setup errors (lib/setup-error.ts): the node's sentence around core's text, and its red status.
      for (const m of source.matchAll(/(?:refuseToRun\(RED, node|setupFailure\(RED), "([^"]+)", \w+(?:, "([^"]+)")?\)/g)) {
        used.push(`${m[1]}.status.config-error`);
        if (m[2]) used.push(`${m[1]}.${m[2]}`);
      }
      // catalogue(RED, "<node>") translators, and describeStreams' status keys for soniox-transcribe.
      const ns = /catalogue\(RED, "([^"]+)"\)/.exec(source)?.[1] ?? (file.endsWith(path.join("lib", "status.ts")) ? "soniox-transcribe" : null);
      if (ns) {
        for (const m of source.matchAll(/\bt\("([^"]+)"/g)) used.push(`${ns}.${m[1]}`);
        for (const state of ["streaming", "reconnecting", "connecting", "finishing", "paused"]) {
          if (source.includes("status.${state}")) used.push(`${ns}.status.${state}`);
        }
      }
    }
    assert.ok(used.length > 15, `found the adapters' keys (${used.length})`);
    const missing = used.filter((key) => {
      const [node, ...rest] = key.split(".");
      return !en[node] || !en[node].has(rest.join("."));
    });
    assert.deepStrictEqual(missing, []);
  });

  it("has in en-US every message key the SonioxErrors and warnings of core and the adapters name", function () {
    const transcribe = catalogue("en-US", "soniox-transcribe");
    const control = catalogue("en-US", "soniox-control");
    const tempKey = catalogue("en-US", "soniox-temp-key");
    const tokenFilter = catalogue("en-US", "soniox-token-filter");
    const missing = [];
    let count = 0;
    for (const file of [...sourceFiles(path.join(ROOT, "src", "core")), ...sourceFiles(path.join(ROOT, "src", "nodes"))]) {
      const source = fs.readFileSync(file, "utf8");
      const keys = new Set([...source.matchAll(/\bkey: "([a-z][\w.-]*)"/g)].map((m) => m[1]));
      for (const m of source.matchAll(/"((?:streams|control|audio|filter|session|keys)\.[a-z][a-z-]*)"/g)) keys.add(m[1]);
      for (const key of keys) {
        count++;
        // Core errors reach users through soniox-transcribe; parse errors also through soniox-control.
        // The inline VAD's warnings and the control node's settings errors come only from soniox-control.
        // Temporary key errors (core/keys) reach users only through soniox-temp-key, the token
        // filter's settings errors (core/filter) only through soniox-token-filter.
        const homes = file.endsWith("soniox-temp-key.ts") || file.includes(path.join("core", "keys") + path.sep)
          ? [tempKey]
          : key.startsWith("filter.")
            ? [tokenFilter]
            : key.startsWith("control.inline-") || key.startsWith("control.settings.") || key === "control.ptt-payload"
            ? [control]
            : key.startsWith("control.")
              ? [transcribe, control]
              : [transcribe];
        // SonioxError keys live under errors., warning keys (WarningKey) under warnings.
        for (const home of homes) {
          if (!home.has(`errors.${key}`) && !home.has(`warnings.${key}`)) missing.push(`${path.relative(ROOT, file)}: ${key}`);
        }
      }
    }
    assert.ok(count >= 20, `found the error keys (${count})`);
    assert.deepStrictEqual(missing, []);
  });

  it("renders a core error and a core warning in German through the adapters' translator and Node-RED's i18n", async function () {
    // The flow-test helper stubs RED._ as the identity, so the adapters' translator is driven here by
    // Node-RED's own i18next with our catalogues loaded the way the runtime loads them.
    const { errorText, warningText } = require("../../dist/nodes/lib/i18n");
    const { parseControl } = require("../../dist/core/control");
    const { ControlStreams, controlSettings } = require("../../dist/core/control");
    const redIn = await runtimeI18n(["soniox-transcribe", "soniox-control"]);

    let error = null;
    try {
      parseControl("bogus");
    } catch (err) {
      error = err;
    }
    assert.match(errorText(redIn("de", "soniox-transcribe"), "soniox-transcribe", error), /^Unbekanntes msg.control "bogus": verwenden Sie einen der Befehle start, finalize/);
    assert.match(errorText(redIn("ja", "soniox-control"), "soniox-control", error), /^不明な msg.control "bogus"/);
    assert.strictEqual(errorText(redIn("en-US", "soniox-transcribe"), "soniox-transcribe", error), error.message);

    // soniox-control in inline mode warns once when it gets container audio it cannot analyse.
    const warnings = [];
    const streams = new ControlStreams(controlSettings({ mode: "inline" }), { now: () => 0, setTimeout, clearTimeout, setInterval, clearInterval }, () => {});
    streams.on("warning", (w, key) => warnings.push([w, key]));
    const ogg = Buffer.concat([Buffer.from("OggS"), Buffer.alloc(8192)]);
    streams.input({ key: "mic", routing: {}, payload: ogg, control: undefined, props: {}, msg: { payload: ogg } }, () => {});
    streams.closeAll();
    assert.strictEqual(warnings.length, 1, JSON.stringify(warnings));
    const [english, key] = warnings[0];
    assert.match(english, /^\[mic\] ogg audio cannot be analysed/);
    assert.strictEqual(warningText(redIn("de", "soniox-control"), "soniox-control", english, key), "[mic] ogg-Audio kann nicht auf Sprachaktivität analysiert werden: Es wird durchgereicht, und dafür wird kein finalize, pause oder resume gesendet");
    assert.strictEqual(warningText(redIn("en-US", "soniox-control"), "soniox-control", english, key), english);
  });

  it("gives each core error key's English text the message core writes, so logs and the en-US UI agree", function () {
    const { SonioxError } = require("../../dist/core/errors");
    const { parseControl } = require("../../dist/core/control");
    const en = catalogue("en-US", "soniox-transcribe");
    const render = (err) => en.get(`errors.${err.key}`).replace(/__(\w+?)__/g, (_, name) => String(err.params?.[name] ?? ""));
    const errors = [];
    for (const input of ["bogus", { type: "finalize", trailing_silence_ms: -1 }]) {
      try {
        parseControl(input);
      } catch (err) {
        errors.push(err);
      }
    }
    const { resolveEndpoint, validateStartMessage } = require("../../dist/core/session");
    for (const [region, url] of [["mars", ""], ["custom", "not a url"], ["custom", "wss://u:p@example.com/x"], ["custom", "ws://example.com/x"], ["custom", "https://example.com/x"]]) {
      try {
        resolveEndpoint(region, url);
      } catch (err) {
        errors.push(err);
      }
    }
    try {
      validateStartMessage({ model: "", audio_format: "pcm_s16le" });
    } catch (err) {
      errors.push(err);
    }
    assert.strictEqual(errors.length, 8);
    for (const err of errors) {
      assert.ok(err instanceof SonioxError && err.key, `${err.message} has a key`);
      assert.strictEqual(render(err), err.message);
    }
  });

  it("gives each session error and warning key's English text the text core writes", function () {
    const en = catalogue("en-US", "soniox-transcribe");
    const render = (section, { key, params }) => en.get(`${section}.${key}`).replace(/__(\w+?)__/g, (_, name) => String(params?.[name] ?? ""));
    const errors = [];
    const warnings = [];
    const session = (overrides = {}) => {
      const { s, clock, transport } = fakeSession(overrides);
      s.on("warning", (text, i18n) => warnings.push([text, i18n]));
      s.on("close", (c) => c.error && errors.push(c.error));
      return { s, clock, transport };
    };
    session({ connectTimeoutMs: 1000 }).s.start();
    let t = session({ connectTimeoutMs: 1000 });
    t.s.start();
    t.clock.tick(1001);
    t = session();
    t.s.start();
    t.transport.last().open();
    t.transport.last().serverClose(1006, "gone");
    t = session();
    t.s.start();
    t.transport.last().open();
    t.transport.last().result({ error_code: 400, error_message: "Bad start" });
    t = session({ finishTimeoutMs: 3000 });
    t.s.start();
    t.transport.last().open();
    t.s.end();
    t.clock.tick(3001);
    session({ apiKey: "temp:abc", authMethod: "subprotocol" }).s.start();
    t = session({ maxQueuedBytes: 3200 });
    for (let i = 0; i < 5; i++) t.s.sendAudio(Buffer.alloc(3200, 1));
    try {
      t.s.end();
      t.s.finalize();
    } catch (err) {
      errors.push(err);
    }
    const keys = new Set();
    for (const err of errors) {
      assert.ok(err.key, `${err.message} has a key`);
      keys.add(err.key);
      assert.strictEqual(render("errors", err), err.message);
    }
    for (const [text, i18n] of warnings) {
      assert.ok(i18n, `${text} has a key`);
      keys.add(i18n.key);
      assert.strictEqual(render("warnings", i18n), text);
    }
    assert.deepStrictEqual([...keys].sort(), [
      "session.closed-early",
      "session.connect-timeout",
      "session.finish-timeout",
      "session.not-live",
      "session.queue-full",
      "session.soniox-error",
      "session.subprotocol-key",
    ]);
  });

  it("bounds a translated error or warning as a whole, as the English text is", async function () {
    const { SonioxError } = require("../../dist/core/errors");
    const { MAX_EMITTED_CHARS } = require("../../dist/core/redact");
    const { errorText, warningText } = require("../../dist/nodes/lib/i18n");
    const red = await runtimeI18n(["soniox-transcribe"]);
    // Each param is already bounded on its own; a long one plus the template's words is not.
    const message = "x".repeat(MAX_EMITTED_CHARS - 10);
    const err = new SonioxError(500, `Soniox error 500: ${message}`, { key: "session.soniox-error", params: { code: 500, message } });
    const warning = { key: "session.frame-not-json", params: { frame: message } };
    for (const lang of ["de", "ja"]) {
      const said = [errorText(red(lang, "soniox-transcribe"), "soniox-transcribe", err), warningText(red(lang, "soniox-transcribe"), "soniox-transcribe", "x", warning)];
      for (const text of said) assert.ok(text.length <= MAX_EMITTED_CHARS, `${lang}: ${text.length} characters`);
    }
  });

  it("gives each socket-level error key's English text the error the ws transport reports", async function () {
    this.timeout(20000);
    const http = require("http");
    const { WebSocketServer } = require("ws");
    const { wsTransport, MAX_SERVER_FRAME_BYTES } = require("../../dist/core/session/transport");
    const en = catalogue("en-US", "soniox-transcribe");
    const render = ({ key, params }) => en.get(`errors.${key}`).replace(/__(\w+?)__/g, (_, name) => String(params?.[name] ?? ""));
    const servers = [];
    const listen = (server) =>
      new Promise((resolve) => {
        servers.push(server);
        server.listen(0, "127.0.0.1", () => resolve(`ws://127.0.0.1:${server.address().port}/transcribe-websocket`));
      });
    const failure = (url) =>
      new Promise((resolve) => {
        const t = wsTransport(
          { url, apiKey: "k".repeat(32), authMethod: "header", handshakeTimeoutMs: 3000, heartbeatIntervalMs: 50, heartbeatTimeoutMs: 100 },
          { open() {}, message() {}, close() {}, error: (err, status, i18n) => (t?.terminate(), resolve({ err, status, i18n })) },
        );
      });
    const refusing = (body) =>
      http.createServer().on("upgrade", (_req, socket) => {
        socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      });
    const sending = (onConnection, options = {}) => {
      const server = http.createServer();
      new WebSocketServer({ server, ...options }).on("connection", onConnection);
      return server;
    };
    try {
      const results = [
        await failure(await listen(refusing(JSON.stringify({ error_message: "Invalid API key." })))),
        await failure(await listen(refusing(""))),
        await failure(await listen(sending((ws) => ws.send(Buffer.alloc(MAX_SERVER_FRAME_BYTES + 1, 0x20).toString())))),
        // A peer that never answers a ping: ws answers them itself unless told not to.
        await failure(await listen(sending(() => {}, { autoPong: false }))),
      ];
      const closed = http.createServer();
      const deadUrl = await listen(closed);
      await new Promise((resolve) => closed.close(resolve));
      results.push(await failure(deadUrl));
      assert.deepStrictEqual(
        results.map((r) => r.i18n?.key),
        ["session.http-refused-detail", "session.http-refused", "session.frame-too-large", "session.ping-timeout", "session.socket-error"],
      );
      assert.deepStrictEqual(results.map((r) => r.status), [401, 401, undefined, undefined, undefined]);
      for (const { err, i18n } of results) assert.strictEqual(render(i18n), err.message);
      assert.match(results[4].err.message, /^Connection to Soniox failed: .*ECONNREFUSED/);
    } finally {
      for (const server of servers) server.close();
    }
  });

  it("gives each server-frame warning, its repeat and its count the text core writes, in every language", async function () {
    const { warningText } = require("../../dist/nodes/lib/i18n");
    const red = await runtimeI18n(["soniox-transcribe"]);
    const redIn = (lang) => red(lang, "soniox-transcribe");

    const { s, clock, transport } = fakeSession({ apiKey: "secret-key-123456" });
    const warnings = [];
    s.on("warning", (text, key) => warnings.push([text, key]));
    s.start();
    const t = transport.last();
    t.open();
    t.raw("", true);
    t.raw("not json secret-key-123456");
    t.raw("[1,2]");
    t.raw("", true);
    clock.tick(61000);
    t.raw("", true);
    t.raw("", true);
    t.result({ tokens: [], finished: true });
    assert.deepStrictEqual(
      warnings.map(([, key]) => key.key),
      ["session.binary-frame", "session.frame-not-json", "session.warning-repeated", "session.warnings-suppressed", "session.warnings-suppressed"],
    );
    for (const [english, key] of warnings) {
      assert.strictEqual(warningText(redIn("en-US"), "soniox-transcribe", english, key), english);
      for (const lang of ["de", "ja"]) {
        const text = warningText(redIn(lang), "soniox-transcribe", english, key);
        assert.notStrictEqual(text, english, `${lang}: ${english}`);
        assert.doesNotMatch(text, /__\w+__|secret-key-123456/, text);
      }
    }
    assert.strictEqual(
      warningText(redIn("de"), "soniox-transcribe", ...warnings[2]),
      "Soniox hat einen Binär-Frame gesendet; er wird ignoriert (Ergebnisse sind JSON-Text) (1 weitere Meldung(en) dieser Art unterdrückt)",
    );
    assert.match(warningText(redIn("de"), "soniox-transcribe", ...warnings[1]), /^Der Server hat einen Frame gesendet, der kein JSON ist: not json \[redacted\]/);

    // Each alone in a session of its own, since unreadable frames count as one kind: a JSON value
    // that is not an object, and a key that starts just before the excerpt is cut.
    const { FRAME_EXCERPT_CHARS } = require("../../dist/core/session/protocol");
    for (const frame of ["[1,2]", `${"x".repeat(FRAME_EXCERPT_CHARS - 10)}secret-key-123456 and more`]) {
      const alone = fakeSession({ apiKey: "secret-key-123456" });
      const said = [];
      alone.s.on("warning", (text, key) => said.push([text, key]));
      alone.s.start();
      alone.transport.last().open();
      alone.transport.last().raw(frame);
      assert.strictEqual(said.length, 1);
      const [english, key] = said[0];
      assert.strictEqual(warningText(redIn("en-US"), "soniox-transcribe", english, key), english);
      for (const lang of ["en-US", "de", "ja"]) {
        assert.doesNotMatch(warningText(redIn(lang), "soniox-transcribe", english, key), /secret-k/, `${lang}: no part of the key`);
      }
    }
  });

  it("says a reconnect's cause and a give-up's cause in the runtime's language too", async function () {
    const { TranscriptionStream } = require("../../dist/core/session/stream");
    const { DEFAULT_RECONNECT } = require("../../dist/core/session/reconnect-policy");
    const { fakeClock, fakeTransportFactory, fakeStreamOptions } = require("../support/fake-transport");
    const { warningText, errorText } = require("../../dist/nodes/lib/i18n");
    const red = await runtimeI18n(["soniox-transcribe"]);
    const redIn = (lang) => red(lang, "soniox-transcribe");

    const clock = fakeClock();
    const transport = fakeTransportFactory();
    const stream = new TranscriptionStream(
      fakeStreamOptions(transport, clock, { key: "cam", apiKey: "k".repeat(32), reconnect: { ...DEFAULT_RECONNECT, maxAttempts: 1, random: () => 0.5 } }),
    );
    const warnings = [];
    let closed = null;
    stream.on("warning", (text, key) => warnings.push([text, key]));
    stream.on("closed", (info) => (closed = info));
    stream.audio(Buffer.alloc(3200));
    for (let i = 0; i < 2; i++) {
      transport.last().open();
      transport.last().fail("Connection to Soniox lost: no answer to a ping for 20000 ms", undefined, { key: "session.ping-timeout", params: { ms: 20000 } });
      clock.tick(5000);
    }
    const reconnecting = warnings.find(([, key]) => key?.key.startsWith("session.reconnecting"));
    assert.ok(reconnecting, JSON.stringify(warnings));
    assert.strictEqual(warningText(redIn("en-US"), "soniox-transcribe", ...reconnecting), reconnecting[0]);
    assert.match(warningText(redIn("de"), "soniox-transcribe", ...reconnecting), /Verbindung zu Soniox verloren: keine Antwort auf einen Ping innerhalb von 20000 ms/);
    assert.ok(closed?.error, "the stream gave up");
    assert.strictEqual(closed.error.key, "session.gave-up");
    assert.strictEqual(errorText(redIn("en-US"), "soniox-transcribe", closed.error), closed.error.message);
    assert.match(errorText(redIn("ja"), "soniox-transcribe", closed.error), /^Soniox との接続が失われました: 20000 ms 以内に ping への応答がありません/);
  });

  it("gives each token filter settings error key's English text the message core writes, and the node says it translated", async function () {
    const { SonioxError } = require("../../dist/core/errors");
    const { TokenFilter, filterOptionsFromSettings } = require("../../dist/core/filter");
    const { errorText } = require("../../dist/nodes/lib/i18n");
    const en = catalogue("en-US", "soniox-token-filter");
    const render = (err) => en.get(`errors.${err.key}`).replace(/__(\w+?)__/g, (_, name) => String(err.params?.[name] ?? ""));
    const errors = [];
    for (const make of [
      () => filterOptionsFromSettings({ finality: "later" }),
      () => filterOptionsFromSettings({ translation: "xx" }),
      () => new TokenFilter({ mode: "nope" }),
      () => new TokenFilter({ maxStreams: 0 }),
      () => new TokenFilter({ selection: { ...filterOptionsFromSettings({}).selection, minConfidence: 2 } }),
      () => new TokenFilter({ mode: "phrase", phraseRegex: "(" }),
      () => new TokenFilter({ mode: "phrase" }),
      () => new TokenFilter({ mode: "caption", captionMaxChars: 0 }),
    ]) {
      try {
        make();
      } catch (err) {
        errors.push(err);
      }
    }
    assert.strictEqual(errors.length, 8);
    for (const err of errors) {
      assert.ok(err instanceof SonioxError && err.key && err.code === "invalid_config", `${err.message} has a key`);
      assert.strictEqual(render(err), err.message);
    }
    const de = (await runtimeI18n(["soniox-token-filter"], ["de"]))("de", "soniox-token-filter");
    assert.strictEqual(errorText(de, "soniox-token-filter", errors[6]), "Der Phrasen-Auslöser braucht mindestens eine Phrase oder einen regulären Ausdruck");
  });

  it("gives each control node settings error key's English text, field name put in, the message core writes", async function () {
    const { SonioxError } = require("../../dist/core/errors");
    const { controlSettings } = require("../../dist/core/control");
    const en = catalogue("en-US", "soniox-control");
    const render = (err) =>
      en.get(`errors.${err.key}`).replace(/__(\w+?)__/g, (_, name) => {
        const part = err.parts?.[name];
        return String(part ? en.get(`errors.${part.key}`) : err.params?.[name]);
      });
    const settings = [
      { mode: "always" },
      { command: "shout" },
      { longSilenceAction: "sleep" },
      { audioFormat: "mp3" },
      { trailingSilenceMs: "1.5" },
      { minFinalizeInterval: -1 },
      { thresholdDb: "loud" },
      { silenceMs: 5 },
      { longSilence: 0 },
      { sampleRate: 8 },
      { numChannels: 0 },
      { keepaliveAfter: 21 },
      { quietLimit: "soon" },
      { maxStreams: 1.5 },
    ];
    const fields = new Set();
    for (const config of settings) {
      let error = null;
      try {
        controlSettings(config);
      } catch (err) {
        error = err;
      }
      assert.ok(error instanceof SonioxError && error.code === "invalid_config" && error.key, `${JSON.stringify(config)} is refused with a key`);
      assert.strictEqual(render(error), error.message);
      if (error.parts) fields.add(error.parts.field.key);
    }
    assert.strictEqual(fields.size, 10, "every field the settings name has its own key");
  });

  it("gives each payload, unknown msg.soniox option and ffmpeg failure key's English text the text core writes", async function () {
    this.timeout(20000);
    const { toAudioBytes } = require("../../dist/nodes/lib/audio-payload");
    const { splitStreamOverrides } = require("../../dist/core/streams/stream-options");
    const { createTranscoder } = require("../../dist/core/audio/transcoder");
    const en = catalogue("en-US", "soniox-transcribe");
    const fill = (template, params) => template.replace(/__(\w+?)__/g, (_, name) => String(params?.[name] ?? ""));
    // Parts are rendered from their own key, as the adapters do, so the English must come out whole.
    const render = (section, { key, params, parts }) => {
      const all = { ...params };
      for (const [name, part] of Object.entries(parts ?? {})) all[name] = part.key ? fill(en.get(`${part.section ?? section}.${part.key}`), part.params) : part.text;
      return fill(en.get(`${section}.${key}`), all);
    };
    const errors = [];
    for (const payload of ["ab\ufffdcd", "data:audio/wav;base64,AAAA", "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MjQy".repeat(4), " stop ", [1, 2], { a: 1 }, 42, true, NaN, new Float32Array(4)]) {
      try {
        toAudioBytes(payload, false);
      } catch (err) {
        errors.push(err);
      }
    }
    errors.push(
      await new Promise((resolve) => {
        const t = createTranscoder({ input: null, onData() {}, onEnd: () => resolve(null), onError: resolve });
        t.write(Buffer.from("this is a text file, not audio at all\n".repeat(200)));
        t.end();
      }),
    );
    assert.deepStrictEqual(
      errors.map((e) => e?.key),
      [
        "audio.payload-decoded-text",
        "audio.payload-data-url",
        "audio.payload-base64",
        "audio.payload-command-word",
        ...Array(6).fill("audio.payload-not-bytes"),
        "audio.ffmpeg-convert-failed",
      ],
    );
    for (const err of errors) assert.strictEqual(render("errors", err), err.message);

    const warnings = [
      ...splitStreamOverrides({ languag_hints: ["en"] }, false).warnings,
      ...splitStreamOverrides({ zzz: 1 }, false).warnings,
      ...splitStreamOverrides({ languag_hints: ["en"] }, true).warnings,
      ...splitStreamOverrides({ zzz: 1 }, true).warnings,
      ...splitStreamOverrides({ languag_hints: ["en"], zzz: 1 }, false).warnings,
      ...splitStreamOverrides({ languag_hints: ["en"], zzz: 1 }, true).warnings,
    ];
    assert.deepStrictEqual(
      warnings.map((w) => w.i18n.key),
      [
        "streams.unknown-option-dropped-guess",
        "streams.unknown-option-dropped",
        "streams.unknown-option-passed-guess",
        "streams.unknown-option-passed",
        "streams.unknown-options-dropped",
        "streams.unknown-options-passed",
      ],
    );
    for (const w of warnings) assert.strictEqual(render("warnings", w.i18n), w.text);

    const { streamSettings } = require("../../dist/nodes/lib/transcribe-options");
    let invalid = null;
    try {
      streamSettings({ floatHandling: "melt" });
    } catch (err) {
      invalid = err;
    }
    assert.strictEqual(invalid?.key, "settings.invalid");
    assert.strictEqual(render("errors", invalid), invalid.message);
  });

  it("gives each meter warning key's English text the warning core writes", function () {
    const { meterFor } = require("../../dist/core/audio/meter-for");
    const en = catalogue("en-US", "soniox-transcribe");
    const render = ({ key, params }) => en.get(`warnings.${key}`).replace(/__(\w+?)__/g, (_, name) => String(params?.[name] ?? ""));
    const warnings = [];
    const ctx = (pacing = false) => ({ pacing, ffmpeg: pacing ? undefined : false, clock: { now: () => 0, setTimeout, clearTimeout }, repace() {}, warn: (text, key) => warnings.push([text, key]) });
    meterFor({ audio_format: "auto" }, Buffer.from("definitely not a container header"), ctx());
    meterFor({ audio_format: "amr" }, Buffer.from("#!AMR\n"), ctx());
    const ogg = meterFor({ audio_format: "ogg" }, Buffer.from("OggS"), ctx());
    ogg.observe(Buffer.from("OggS"));
    ogg.observe(Buffer.alloc(70000, 0x41));
    // ffmpeg failing mid-stream is not something a test can make happen on demand: the probe's
    // own failure callback stands in for it, with and without a known container.
    for (const format of ["amr", "auto"]) {
      const probing = meterFor({ audio_format: format }, Buffer.from(format === "amr" ? "#!AMR\n" : "????"), ctx(true));
      probing.probe?.onError?.(new Error("ffmpeg exited with code 1"));
    }
    assert.deepStrictEqual(
      warnings.map(([, key]) => key?.key),
      ["audio.auto-unknown", "audio.no-clock", "audio.untimed-framing", "audio.no-clock", "audio.ffmpeg-measure-failed", "audio.auto-unknown", "audio.ffmpeg-measure-failed-unknown"],
    );
    for (const [english, key] of warnings) assert.strictEqual(render(key), english);
  });

  it("gives each damaged-audio warning key's English text the warning core writes", function () {
    const { DamageWarnings } = require("../../dist/core/audio");
    const en = catalogue("en-US", "soniox-transcribe");
    const render = ({ key, params }) => en.get(`warnings.${key}`).replace(/__(\w+?)__/g, (_, name) => String(params?.[name] ?? ""));
    const warnings = [];
    let now = 0;
    const said = new DamageWarnings("MP3", { now: () => now }, (text, key) => warnings.push([text, key]));
    said.damaged({ offset: 1000, bytes: 300 });
    said.damaged({ offset: 5000, bytes: 200 });
    now = 60_000;
    said.damaged({ offset: 9000, bytes: 100 });
    said.damaged({ offset: 9900, bytes: 50 });
    said.ended();
    assert.deepStrictEqual(
      warnings.map(([, key]) => key.key),
      ["audio.damaged", "audio.damaged-more", "audio.damaged-held"],
    );
    for (const [english, key] of warnings) assert.strictEqual(render(key), english);
  });

  it("gives each format warning key's English text the warning core writes", function () {
    const { resolveFormat } = require("../../dist/core/audio/format-declaration");
    const en = catalogue("en-US", "soniox-transcribe");
    const audio = (f) => fs.readFileSync(path.join(ROOT, "test", "fixtures", "audio", f));
    const adpcm = Buffer.from(audio("speech-16k-mono.wav"));
    adpcm.writeUInt16LE(0x0011, 20);
    const sox = { rate: 16000, channels: 1, bits: 16, encoding: "signed-integer" };
    const request = (over) => ({ declared: { audio_format: "auto" }, sox: {}, convertToPcm: false, floatHandling: "send", ...over });
    const cases = [
      [request({ declared: { audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 }, sox: { ...sox, rate: 44100, channels: 2 } }), Buffer.alloc(0)],
      [request({ declared: { audio_format: "mp3" }, sox }), Buffer.alloc(0)],
      [request({ sox: { format: "wav", ...sox } }), audio("speech-8k-mulaw.wav")],
      [request({ sox: { format: "wav", ...sox } }), audio("speech-16k-mono.s16le")],
      [request({ sox: { format: "wav", ...sox } }), Buffer.concat([Buffer.from("OggS"), Buffer.alloc(8192)])],
      [request({ sox: { ...sox, format: "mp3" } }), Buffer.alloc(0)],
      [request(), adpcm],
    ];
    const keys = new Set();
    for (const [req, head] of cases) {
      const r = resolveFormat(req, head, true);
      assert.strictEqual(r.warnings.length, 1, JSON.stringify(r.warnings));
      const i18n = r.warningKeys[0];
      assert.ok(i18n, `${r.warnings[0]} has a key`);
      keys.add(i18n.key);
      const text = en.get(`warnings.${i18n.key}`).replace(/__(\w+?)__/g, (_, name) => String(i18n.params?.[name] ?? ""));
      assert.strictEqual(text, r.warnings[0]);
    }
    assert.strictEqual(keys.size, cases.length);
  });

  it("gives each format mismatch report key's English text, parts put in, the report core writes", function () {
    const { MismatchDetector } = require("../../dist/core/audio/mismatch");
    const en = catalogue("en-US", "soniox-transcribe");
    const fill = (text, params) => text.replace(/__(\w+?)__/g, (_, name) => String(params?.[name] ?? ""));
    const render = ({ key, params, parts }) => {
      const all = { ...params };
      for (const [name, part] of Object.entries(parts ?? {})) all[name] = part.key ? fill(en.get(`warnings.${part.key}`), part.params) : part.text;
      return fill(en.get(`warnings.${key}`), all);
    };
    const audio = (f) => fs.readFileSync(path.join(ROOT, "test", "fixtures", "audio", f));
    const S16 = { format: "pcm_s16le", sampleRate: 16000, channels: 1 };
    const sources = [
      ["the message properties (msg.rate/channels/bits/encoding)", "audio.by-message"],
      ["the node's audio setting (or msg.soniox)", "audio.by-setting"],
      ["the WAV header", "audio.by-wav-header"],
      ["the declared format", "audio.by-declared"],
    ];
    const reports = [];
    sources.forEach(([declaredBy, declaredByKey], i) => {
      const detector = (declared = S16, firstProps = {}) => new MismatchDetector({ declared, declaredBy, declaredByKey, firstProps });
      reports.push(...detector().check(audio("speech-48k-f32.wav")));
      reports.push(...detector().check(audio("speech.ogg")));
      const later = detector();
      later.check(Buffer.alloc(3200));
      reports.push(...later.check(audio("speech-16k-mono.wav")));
      for (const declared of [S16, { format: "pcm_s24le", sampleRate: 16000, channels: 1 }, { format: "pcm_s16le", sampleRate: 16000, channels: 2 }]) {
        const d = detector(declared);
        d.check(Buffer.alloc(3 * 101 + i));
        reports.push(...d.end());
      }
      reports.push(...detector(S16).check(audio("speech-48k-f32le.raw").subarray(0, 32768)));
      reports.push(...detector({ format: "pcm_f32le", sampleRate: 48000, channels: 1 }).check(audio("speech-16k-mono.s16le").subarray(0, 32768)));
      reports.push(...detector(S16, { rate: 16000 }).check(Buffer.alloc(0), { rate: 44100 }));
    });
    const keys = new Set();
    for (const report of reports) {
      assert.ok(report.i18n, `${report.message} has a key`);
      keys.add(report.i18n.key);
      assert.strictEqual(render(report.i18n), report.message);
    }
    assert.deepStrictEqual([...keys].sort(), [
      "audio.float-as-integer",
      "audio.header-as-samples",
      "audio.integer-as-float",
      "audio.misaligned-frame",
      "audio.misaligned-frame-mono",
      "audio.misaligned-odd",
      "audio.props-changed",
      "audio.wav-header-as-samples",
    ]);
  });

  it("gives each temporary key error key's English text the message core writes", async function () {
    const { SonioxError } = require("../../dist/core/errors");
    const { resolveApiUrl, checkTempKeyRequest, tightenTempKeyRequest, mintTemporaryKey } = require("../../dist/core/keys");
    const en = catalogue("en-US", "soniox-temp-key");
    const render = (err) => en.get(`errors.${err.key}`).replace(/__(\w+?)__/g, (_, name) => String(err.params?.[name] ?? ""));
    const errors = [];
    const attempt = (fn) => {
      try {
        fn();
      } catch (err) {
        errors.push(err);
      }
    };
    attempt(() => resolveApiUrl("mars", "", ""));
    attempt(() => resolveApiUrl("custom", "", "not a url"));
    attempt(() => resolveApiUrl("custom", "", "https://u:p@example.com"));
    attempt(() => resolveApiUrl("custom", "", "ftp://example.com"));
    attempt(() => resolveApiUrl("custom", "", "http://example.com"));
    attempt(() => resolveApiUrl("custom", "https://example.com/x", ""));
    attempt(() => resolveApiUrl("custom", "wss://u:p@example.com/x", ""));
    attempt(() => resolveApiUrl("custom", "ws://example.com/x", ""));
    attempt(() => checkTempKeyRequest({ usage_type: "other", expires_in_seconds: 60 }));
    attempt(() => checkTempKeyRequest({ expires_in_seconds: 0 }));
    attempt(() => checkTempKeyRequest({ expires_in_seconds: 60, single_use: "yes" }));
    attempt(() => checkTempKeyRequest({ expires_in_seconds: 60, client_reference_id: 5 }));
    attempt(() => checkTempKeyRequest({ expires_in_seconds: 60, client_reference_id: "x".repeat(257) }));
    const base = { usage_type: "transcribe_websocket", expires_in_seconds: 60, single_use: true, max_session_duration_seconds: 600, client_reference_id: "a" };
    attempt(() => tightenTempKeyRequest(base, { bogus: 1 }));
    attempt(() => tightenTempKeyRequest(base, { usage_type: "tts_rt" }));
    attempt(() => tightenTempKeyRequest(base, { expires_in_seconds: 120 }));
    attempt(() => tightenTempKeyRequest(base, { single_use: false }));
    attempt(() => tightenTempKeyRequest(base, { max_session_duration_seconds: 900 }));
    attempt(() => tightenTempKeyRequest(base, { client_reference_id: "b" }));
    const answer = (status, body) => async () => new Response(JSON.stringify(body), { status });
    const request = { usage_type: "transcribe_websocket", expires_in_seconds: 60 };
    for (const fetchImpl of [
      answer(401, { error_type: "unauthenticated", message: "Invalid API key" }),
      answer(400, { error_type: "invalid_request", message: "Bad", validation_errors: [{ location: "body.payload.expires_in_seconds", message: "too big" }] }),
      answer(200, {}),
      async () => {
        throw new Error("refused");
      },
    ]) {
      await mintTemporaryKey({ apiUrl: "https://example.com", apiKey: "k".repeat(40), request, fetchImpl }).catch((err) => errors.push(err));
    }
    assert.strictEqual(errors.length, 23);
    for (const err of errors) {
      assert.ok(err instanceof SonioxError && err.key, `${err.message} has a key`);
      assert.strictEqual(render(err), err.message);
    }
  });
});
