"use strict";
// The message catalogues and help pages in every language we ship (en-US, de, ja), read from
// dist/nodes/locales where Node-RED loads them: the same keys and placeholders in each language,
// every key the runtime code names present, and each help page in every language with the same shape.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const cheerio = require("cheerio");

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
    const missing = [];
    let count = 0;
    for (const file of [...sourceFiles(path.join(ROOT, "src", "core")), ...sourceFiles(path.join(ROOT, "src", "nodes"))]) {
      const source = fs.readFileSync(file, "utf8");
      const keys = new Set([...source.matchAll(/\bkey: "([a-z][\w.-]*)"/g)].map((m) => m[1]));
      for (const m of source.matchAll(/"((?:streams|control|audio|filter|session|keys)\.[a-z][a-z-]*)"/g)) keys.add(m[1]);
      for (const key of keys) {
        count++;
        // Core errors reach users through soniox-transcribe; parse errors also through soniox-control.
        // The inline VAD's warnings come only from soniox-control.
        // Temporary key errors (core/keys) reach users only through soniox-temp-key.
        const homes = file.endsWith("soniox-temp-key.ts") || file.includes(path.join("core", "keys") + path.sep)
          ? [tempKey]
          : key.startsWith("control.inline-")
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
    const { i18n } = require("@node-red/util");
    const { errorText, warningText } = require("../../dist/nodes/lib/i18n");
    const { parseControl } = require("../../dist/core/control");
    const { ControlStreams, controlSettings } = require("../../dist/core/control");
    await i18n.init({ lang: "en-US" });
    for (const node of ["soniox-transcribe", "soniox-control"]) await i18n.registerMessageCatalog(node, LOCALES, `${node}.json`);
    await i18n.i.loadLanguages(["de", "ja"]);
    const redIn = (lang, ns) => ({ _: i18n.i.getFixedT(lang, ns) });

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
    const { SonioxSession } = require("../../dist/core/session/session");
    const { RawMeter } = require("../../dist/core/audio/audio-meter");
    const { fakeClock, fakeTransportFactory } = require("../support/fake-transport");
    const en = catalogue("en-US", "soniox-transcribe");
    const render = (section, { key, params }) => en.get(`${section}.${key}`).replace(/__(\w+?)__/g, (_, name) => String(params?.[name] ?? ""));
    const errors = [];
    const warnings = [];
    const session = (overrides = {}) => {
      const clock = fakeClock();
      const transport = fakeTransportFactory();
      const s = new SonioxSession({
        url: "ws://127.0.0.1:1/transcribe-websocket",
        apiKey: "secret-key",
        start: { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 },
        transport,
        clock,
        meter: new RawMeter({ format: "pcm_s16le", sampleRate: 16000, channels: 1 }),
        ...overrides,
      });
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
