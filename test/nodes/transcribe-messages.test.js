"use strict";
// What soniox-transcribe sends and reports for each event of its stream registry, read off a real
// registry over the fake transport: the message shapes on both outputs, a stream's failure as a
// Catch-able error in the runtime's language, and what the account hears.
const assert = require("assert");
const { StreamRegistry } = require("../../dist/core/streams");
const { AccountHealth } = require("../../dist/core/keys");
const { SonioxError } = require("../../dist/core/errors");
const { relayStreams } = require("../../dist/nodes/lib/transcribe-messages");
const { streamSettings } = require("../../dist/nodes/lib/transcribe-options");
const { fakeClock, fakeTransportFactory } = require("../support/fake-transport");
const { runtimeI18n } = require("../support/runtime-i18n");

const RAW = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };

async function relayed(lang = "en-US") {
  const transport = fakeTransportFactory();
  const registry = new StreamRegistry({
    settings: streamSettings({ pacing: false, idleTimeout: 0, heartbeat: 0 }),
    base: RAW,
    connection: () => ({ url: "ws://127.0.0.1:1/x", apiKey: "sk-test-0123456789abcdef", authMethod: "header" }),
    transport,
    clock: fakeClock(),
  });
  const account = new AccountHealth();
  const out = { sent: [], errors: [], warnings: [] };
  const node = { send: (msgs) => out.sent.push(msgs), error: (text, msg) => out.errors.push([text, msg]), warn: (text) => out.warnings.push(text) };
  const red = (await runtimeI18n(["soniox-transcribe"], [lang]))(lang, "soniox-transcribe");
  relayStreams(red, node, registry, account);
  registry.input({ key: "mic", audio: Buffer.alloc(3200), command: null, routing: { _session: { id: "s1" } }, props: {} });
  const t = transport.last();
  t.open();
  return { registry, account, out, t };
}

describe("transcribe-messages relayStreams", function () {
  it("sends each response on output 1 and each utterance on output 2, keyed, with the stream's reply properties last", async function () {
    const { out, t } = await relayed();
    t.result({ tokens: [{ text: "hi", is_final: true, start_ms: 0, end_ms: 100 }, { text: "<end>", is_final: true }], final_audio_proc_ms: 100, total_audio_proc_ms: 100 });
    assert.strictEqual(out.sent.length, 2);
    const [[response, none], [nothing, utterance]] = out.sent;
    assert.strictEqual(none, null);
    assert.strictEqual(nothing, null);
    assert.deepStrictEqual(Object.keys(response), ["topic", "payload", "soniox", "_session"]);
    assert.strictEqual(response.topic, "mic");
    assert.deepStrictEqual(response.soniox, { stream: "mic", session: 1 });
    assert.strictEqual(response.payload.tokens[0].text, "hi");
    assert.deepStrictEqual(Object.keys(utterance), ["topic", "payload", "utterance", "soniox", "_session"]);
    assert.strictEqual(utterance.payload, "hi");
    assert.deepStrictEqual(utterance._session, { id: "s1" });
  });

  it("adds the stream's stats to its finished response", async function () {
    const { registry, out, t } = await relayed();
    registry.input({ key: "mic", audio: null, command: { type: "stop" }, routing: {}, props: {} });
    t.result({ tokens: [], final_audio_proc_ms: 100, total_audio_proc_ms: 100, finished: true });
    const [finished] = out.sent.at(-1);
    assert.strictEqual(finished.payload.finished, true);
    assert.deepStrictEqual(Object.keys(finished.soniox), ["stream", "session", "stats"]);
  });

  it("reports a stream's failure as an error naming the stream, in the runtime's language, with a message a Catch node routes back", async function () {
    const { account, out, t } = await relayed("de");
    t.result({ tokens: [], error_code: 401, error_message: "Invalid API key." });
    assert.strictEqual(out.errors.length, 1);
    const [text, msg] = out.errors[0];
    assert.strictEqual(text, "[mic] Soniox-Fehler 401: Invalid API key.");
    assert.deepStrictEqual(Object.keys(msg), ["topic", "payload", "soniox", "_session"]);
    assert.strictEqual(msg.topic, "mic");
    assert.strictEqual(msg.payload.code, 401);
    assert.deepStrictEqual(msg.soniox, { stream: "mic", error: msg.payload });
    assert.strictEqual(account.current?.kind, "key-rejected", "the account heard of the rejected key");
  });

  it("clears the account's problem once a response arrives, and passes warnings on", async function () {
    const { registry, account, out, t } = await relayed();
    account.noteFailure(new SonioxError(401, "Invalid API key."));
    assert.ok(account.current);
    t.result({ tokens: [{ text: "hi", is_final: false }], final_audio_proc_ms: 0, total_audio_proc_ms: 100 });
    assert.strictEqual(account.current, null);
    registry.input({ key: "mic", audio: Buffer.alloc(320), command: null, overrides: { language_hints: ["de"] }, routing: {}, props: {} });
    assert.deepStrictEqual(out.warnings, ["[mic] msg.soniox is only read on the first message of a stream; stop the stream to change its options"]);
  });
});
