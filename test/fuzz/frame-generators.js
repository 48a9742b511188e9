"use strict";
// Random server frames. "Tolerable" ones are what the protocol notes say a client must survive
// (non-JSON, binary, huge, missing fields, wrong types, unknown fields, empty tokens); none of them
// carries a final token or `finished: true`, so the transcript of a stream they hit must not change.
// "Fatal" ones are error frames (error_code or error_message present), which must end the stream
// as a Catch-able error.

function junkValue(r) {
  return r.pick([null, 5, -1, 1e308, "12", "", true, [], {}, [1, "x"], { nested: { deeper: [null] } }]);
}

/** A token that is not final, with any field missing, mistyped or unknown. */
function junkToken(r) {
  return r.weighted([
    [2, () => null],
    [1, () => r.pick([5, "text", [], true])],
    [2, () => ({})],
    [2, () => ({ text: r.pick([null, 5, true, [], {}, ["x"]]), is_final: true })],
    [4, () => {
      const t = { text: r.string(12), is_final: r.pick([false, "true", 1, null, undefined]) };
      for (const f of ["start_ms", "end_ms", "confidence", "speaker", "language", "translation_status", "source_language"]) {
        if (r.chance(0.4)) t[f] = junkValue(r);
      }
      if (r.chance(0.3)) t[r.string(8) + "_new"] = junkValue(r);
      return t;
    }],
    [1, () => ({ text: r.pick(["<end>", "<fin>"]), is_final: false, start_ms: "x" })],
  ]);
}

/** Text of a frame a client must ignore or pass on without harm. */
function tolerableText(r) {
  return r.weighted([
    [3, () => r.string(80)],
    [1, () => ""],
    [1, () => "{" + r.string(30)],
    [2, () => JSON.stringify(r.pick([5, "tokens", null, true, [], [{ text: "x", is_final: true }]]))],
    [2, () => JSON.stringify({})],
    [2, () => JSON.stringify({ tokens: r.pick(["x", 5, null, {}, { text: "x", is_final: true }]) })],
    [2, () => JSON.stringify({ tokens: [] })],
    [6, () =>
      JSON.stringify({
        tokens: Array.from({ length: r.int(0, 6) }, () => junkToken(r)),
        final_audio_proc_ms: r.chance(0.5) ? junkValue(r) : undefined,
        total_audio_proc_ms: r.chance(0.5) ? junkValue(r) : undefined,
        finished: r.pick([undefined, false, "true", 1, null]),
        [r.string(6) + "_extra"]: junkValue(r),
      })],
    [0.2, () => JSON.stringify({ tokens: [{ text: "x".repeat(r.int(1, 2) * 1024 * 1024), is_final: false }] })],
    [0.2, () => r.string(60).repeat(r.int(10000, 20000))],
  ]);
}

/** A frame for a fake transport: {text} or {binary} (bytes). */
function tolerableFrame(r) {
  if (r.chance(0.1)) return { binary: r.bytes(r.int(0, 512)) };
  return { text: tolerableText(r) };
}

/** An error frame; `code` is what the client must report (0 when Soniox sent no usable number). */
function fatalFrame(r) {
  return r.weighted([
    [3, () => {
      const code = r.pick([400, 401, 402, 413, 414, 422, 424]);
      return { frame: { error_code: code, error_message: r.string(60) + "." }, code };
    }],
    [1, () => ({ frame: { error_code: r.pick(["400", null, [], true]), error_message: "Broken." }, code: 0 })],
    [1, () => ({ frame: { error_message: r.pick(["Only a message.", 5, null]) }, code: 0 })],
    [1, () => ({ frame: { error_code: 400, tokens: [{ text: " no", is_final: true }], [r.string(5)]: 1 }, code: 400 })],
  ]);
}

module.exports = { tolerableFrame, tolerableText, fatalFrame };
