"use strict";
// Random inputs for soniox-transcribe: payloads, msg.control and msg.soniox of every shape a flow
// could produce (and some no sane flow would), each generator paired with an oracle written from
// the node's documentation, not from its code, saying when the node must refuse the message.

const CONTROL_TYPES = ["start", "finalize", "keepalive", "pause", "resume", "stop", "cancel"];

/** A circular object: a flow can build one, and JSON.stringify throws on it. */
function circular(type) {
  const o = { type };
  o.self = o;
  return o;
}

function nested(r, depth) {
  if (depth <= 0 || r.chance(0.3)) return r.pick([1, "x", null, true, NaN, -0, []]);
  return container(r, depth);
}

/** An array or a plain object of random nested values (never a string: that would be audio). */
function container(r, depth) {
  if (r.chance(0.5)) return Array.from({ length: r.int(0, 4) }, () => nested(r, depth - 1));
  const o = {};
  for (let i = r.int(0, 4); i > 0; i--) o[r.string(6)] = nested(r, depth - 1);
  return o;
}

/** Payloads a transcribe node accepts as audio: bytes in any of the documented carriers, or text. */
function audioPayload(r) {
  return r.weighted([
    [10, () => r.bytes(r.int(1, 4096))],
    [2, () => new Uint8Array(r.bytes(r.int(1, 2048)))],
    [2, () => {
      const b = r.bytes(r.int(1, 2048));
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
    }],
    [2, () => r.string(200) || "x"],
    [0.3, () => r.bytes(r.int(1, 2) * 1024 * 1024)],
  ]);
}

/** Payloads that are neither audio nor empty: every one must be refused when no control comes with it. */
function nonAudioPayload(r) {
  return r.weighted([
    [2, () => r.pick([0, 1, -1, 3.14, NaN, Infinity, -Infinity, -0, Number.MAX_VALUE])],
    [1, () => r.pick([true, false])],
    [1, () => BigInt(r.int(0, 1000))],
    [2, () => container(r, 3)],
    [1, () => ({})],
    [1, () => Array.from({ length: r.int(0, 50) }, () => r.int(0, 255))],
    [1, () => new Float32Array(r.int(1, 64))],
    [1, () => new Int16Array(r.int(1, 64))],
    [1, () => new DataView(new ArrayBuffer(r.int(1, 64)))],
    [1, () => ({ type: "Buffer", data: [1, 2, 3] })],
    [1, () => new Date(r.int(0, 2e12))],
  ]);
}

/** Payloads that carry nothing: refused on their own, ignored beside a command. */
function emptyPayload(r) {
  return r.pick([undefined, null, Buffer.alloc(0), new Uint8Array(0), new ArrayBuffer(0), ""]);
}

function validControl(r) {
  const type = r.pick(CONTROL_TYPES);
  return r.weighted([
    [3, () => type],
    [1, () => `  ${type.toUpperCase()} `],
    [1, () => ({ type })],
    [1, () => JSON.stringify({ type })],
    [1, () => ({ type: "finalize", trailing_silence_ms: r.pick([0, 300, 60000, null, undefined]) })],
    [1, () => circular(type)],
  ]);
}

function invalidControl(r) {
  return r.weighted([
    [3, () => r.string(30) + "?"],
    [1, () => ""],
    [1, () => "{" + r.string(20)],
    [1, () => JSON.stringify({ type: r.string(8) + "!" })],
    [1, () => JSON.stringify([r.pick(CONTROL_TYPES)])],
    [1, () => ({ type: r.pick([null, 5, true, [], {}, NaN]) })],
    [1, () => ({})],
    [2, () => ({ type: "finalize", trailing_silence_ms: r.pick([NaN, -1, 1.5, "300", 60001, 1e12, Infinity, true, {}]) })],
    [1, () => r.pick([0, 1, NaN, true, false, null, BigInt(7)])],
    [1, () => [r.pick(CONTROL_TYPES)]],
    [1, () => nested(r, 3)],
    [1, () => circular(r.string(5) + "!")],
  ]);
}

/** Start options: valid, invalid in a documented way, or not an object at all. */
function sonioxOverrides(r) {
  return r.weighted([
    [2, () => ({ language_hints: [r.pick(["en", "de", "fr"])], client_reference_id: r.string(20) })],
    [1, () => ({ enable_speaker_diarization: r.pick([true, false]), enable_language_identification: true })],
    [1, () => ({ [r.string(10) + "_unknown"]: nested(r, 2) })],
    [0.5, () => ({ [r.string(6) + "_unknown"]: r.pick([BigInt(1), circular("x"), () => 1, Symbol("s")]) })],
    [1, () => ({ max_endpoint_delay_ms: r.pick([10, NaN, Infinity, BigInt(800), "500", 99999, null]) })],
    [1, () => ({ enable_endpoint_detection: r.pick([BigInt(1), NaN, "yes"]) })],
    [1, () => ({ language_hints: r.pick(["en", ["en", "en"], ["xx"], [5], {}]) })],
    [1, () => ({ audio_format: r.pick(["bogus", 5, "", null]) })],
    [1, () => ({ model: r.pick([5, "", "stt-unknown"]) })],
    [1, () => ({ api_key: "sk-should-not-be-here" })],
    [1, () => ({ context: r.pick(["x".repeat(10001), 5, { terms: "a" }, { general: [{ key: 1 }] }, { text: "t", n: BigInt(1) }, circular("x")]) })],
    [1, () => ({ translation: r.pick([{ type: "one_way" }, { type: "x" }, "de", { type: "two_way", language_a: "en", language_b: "en" }]) })],
    [1, () => r.pick(["nope", 5, [1, 2], true, NaN])],
  ]);
}

/**
 * One message for a stream that may come and go. `refused` is true when the documentation says
 * the node must refuse it whatever state the stream is in.
 */
function anyMessage(r, topic) {
  const msg = { topic };
  const kind = r.weighted([
    [6, () => "audio"],
    [3, () => "command"],
    [2, () => "audio+command"],
    [2, () => "bad-payload"],
    [2, () => "bad-control"],
    [1, () => "empty"],
  ]);
  let refused = false;
  if (kind === "audio") msg.payload = audioPayload(r);
  if (kind === "command") {
    msg.control = validControl(r);
    msg.payload = r.chance(0.5) ? emptyPayload(r) : nonAudioPayload(r);
  }
  if (kind === "audio+command") {
    msg.control = validControl(r);
    msg.payload = audioPayload(r);
  }
  if (kind === "bad-payload" || kind === "bad-control" || kind === "empty") {
    const bad = refusedMessage(r, topic);
    Object.assign(msg, bad);
    refused = true;
  }
  if (r.chance(0.15)) msg.soniox = sonioxOverrides(r);
  return { msg, kind, refused };
}

/** A message the node must refuse in every state, so it can be aimed at a healthy stream. */
function refusedMessage(r, topic) {
  return r.weighted([
    [3, () => ({ topic, payload: nonAudioPayload(r) })],
    [1, () => ({ topic, payload: emptyPayload(r) })],
    [3, () => ({ topic, control: invalidControl(r), payload: r.chance(0.5) ? audioPayload(r) : nonAudioPayload(r) })],
  ]);
}

/** Stream keys: a few names, plus topics that are not strings (they become "7", "NaN", "default"...). */
function fuzzTopic(r) {
  return r.weighted([
    [12, () => r.pick(["fz-a", "fz-b", "fz-c", "fz-d"])],
    [1, () => r.pick([7, NaN, "", null, undefined, true])],
  ]);
}

module.exports = { anyMessage, refusedMessage, fuzzTopic, sonioxOverrides, invalidControl, validControl, audioPayload, nonAudioPayload, emptyPayload };
