"use strict";
// The Wyoming frame parser on its own: byte-by-byte input, the data merge, and its bounds.
const assert = require("assert");
const { FrameParser, encodeEvent, WyomingProtocolError } = require("../../../dist/core/wyoming");

function event(type, data, dataSection, payload) {
  const header = { type, data };
  const extra = dataSection ? Buffer.from(JSON.stringify(dataSection)) : null;
  if (extra) header.data_length = extra.length;
  if (payload) header.payload_length = payload.length;
  return Buffer.concat([Buffer.from(JSON.stringify(header) + "\n"), extra || Buffer.alloc(0), payload || Buffer.alloc(0)]);
}

describe("wyoming FrameParser", function () {
  it("reads events fed one byte at a time, merging the data section over the header's data", function () {
    const bytes = Buffer.concat([event("audio-chunk", { rate: 8000, width: 2 }, { rate: 16000, channels: 1 }, Buffer.from([1, 2, 3, 4])), event("audio-stop")]);
    const parser = new FrameParser();
    const got = [];
    for (const b of bytes) got.push(...parser.push(Buffer.from([b])));
    assert.deepStrictEqual(
      got.map((e) => [e.type, e.data, e.payload && [...e.payload]]),
      [
        ["audio-chunk", { rate: 16000, width: 2, channels: 1 }, [1, 2, 3, 4]],
        ["audio-stop", {}, null],
      ],
    );
    assert.strictEqual(parser.bufferedBytes, 0);
  });

  it("reads what encodeEvent writes", function () {
    const parser = new FrameParser();
    const [e] = parser.push(encodeEvent("transcript", { text: "hallo" }, Buffer.from("xy")));
    assert.deepStrictEqual([e.type, e.data, e.payload.toString()], ["transcript", { text: "hallo" }, "xy"]);
  });

  it("holds no more than the header limit of an endless line, then refuses it", function () {
    const parser = new FrameParser({ maxHeaderBytes: 64 * 1024 });
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    let error = null;
    let peak = 0;
    for (let i = 0; i < 640 && !error; i++) {
      try {
        parser.push(chunk);
        peak = Math.max(peak, parser.bufferedBytes);
      } catch (err) {
        error = err;
      }
    }
    assert.ok(error instanceof WyomingProtocolError);
    assert.strictEqual(error.code, "header-too-long");
    assert.ok(peak <= 64 * 1024, `held ${peak} bytes`);
    assert.strictEqual(parser.bufferedBytes, 0, "nothing kept after the fault");
    assert.throws(() => parser.push(Buffer.from("{}\n")), WyomingProtocolError);
  });

  it("holds what a payload has delivered so far, not the length it announced", function () {
    const parser = new FrameParser();
    parser.push(Buffer.from('{"type":"audio-chunk","payload_length":4000000}\n'));
    parser.push(Buffer.alloc(100));
    assert.strictEqual(parser.bufferedBytes, 100);
  });

  for (const [what, line, code] of [
    ["a length that is not a number", '{"type":"x","payload_length":"12"}', "bad-length"],
    ["a fractional length", '{"type":"x","data_length":1.5}', "bad-length"],
    ["a payload over the limit", '{"type":"x","payload_length":4194305}', "too-large"],
    ["a header without type", '{"data":{}}', "bad-header"],
    ["an array header", "[1,2]", "bad-header"],
    ["data that is not an object", '{"type":"x","data":[1]}', "bad-header"],
  ]) {
    it(`refuses ${what} (${code})`, function () {
      assert.throws(() => new FrameParser().push(Buffer.from(line + "\n")), (err) => err.code === code);
    });
  }

  it("refuses a data section that is not a JSON object", function () {
    assert.throws(() => new FrameParser().push(Buffer.from('{"type":"x","data_length":3}\n[1]')), (err) => err.code === "bad-data");
  });

  it("reports a stream that ends inside an event, and not one that ends between events", function () {
    const inside = new FrameParser();
    inside.push(Buffer.from('{"type":"audio-chunk","payload_length":10}\n12345'));
    assert.throws(() => inside.end(), (err) => err.code === "truncated");
    const between = new FrameParser();
    between.push(Buffer.from('{"type":"describe"}\n'));
    between.end();
  });
});
