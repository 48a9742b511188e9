"use strict";
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { parseWavHeader } = require("../../../dist/core/audio/wav");

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "audio");
const fixture = (name) => fs.readFileSync(path.join(FIXTURES, name));

/** One RIFF chunk: 4-char id, little-endian size, body, pad byte when the body is odd-sized. */
function chunk(id, body) {
  const head = Buffer.alloc(8);
  head.write(id, 0, "latin1");
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function fmtBody({ tag = 1, channels = 1, rate = 16000, bits = 16 } = {}) {
  const b = Buffer.alloc(16);
  const blockAlign = (channels * bits) / 8;
  b.writeUInt16LE(tag, 0);
  b.writeUInt16LE(channels, 2);
  b.writeUInt32LE(rate, 4);
  b.writeUInt32LE(rate * blockAlign, 8);
  b.writeUInt16LE(blockAlign, 12);
  b.writeUInt16LE(bits, 14);
  return b;
}

/** WAVE_FORMAT_EXTENSIBLE fmt body whose sub-format GUID carries `subTag` (or a custom GUID tail). */
function extensibleFmtBody({ subTag, bits, channels = 1, rate = 16000, guidTail }) {
  const base = fmtBody({ tag: 0xfffe, channels, rate, bits });
  const ext = Buffer.alloc(24);
  ext.writeUInt16LE(22, 0); // cbSize
  ext.writeUInt16LE(bits, 2); // valid bits
  ext.writeUInt32LE(4, 4); // channel mask: front centre
  ext.writeUInt16LE(subTag, 8);
  Buffer.from(guidTail || "000000001000800000aa00389b71", "hex").copy(ext, 10);
  return Buffer.concat([base, ext]);
}

function riff(chunks, { magic = "RIFF", form = "WAVE" } = {}) {
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(12);
  head.write(magic, 0, "latin1");
  head.writeUInt32LE(body.length + 4, 4);
  head.write(form, 8, "latin1");
  return Buffer.concat([head, body]);
}

const dataChunkHeader = (size) => {
  const b = Buffer.alloc(8);
  b.write("data", 0, "latin1");
  b.writeUInt32LE(size, 4);
  return b;
};

function expectOk(result) {
  assert.strictEqual(result.status, "ok", `expected ok, got ${JSON.stringify(result)}`);
  return result.info;
}

function expectInvalid(result, pattern) {
  assert.strictEqual(result.status, "invalid", `expected invalid, got ${JSON.stringify(result)}`);
  assert.match(result.reason, pattern);
}

describe("parseWavHeader on the fixtures", function () {
  const cases = [
    ["speech-16k-mono.wav", { format: "pcm_s16le", sampleRate: 16000, channels: 1, bitsPerSample: 16, dataOffset: 44 }],
    ["speech-with-pauses-16k.wav", { format: "pcm_s16le", sampleRate: 16000, channels: 1, bitsPerSample: 16, dataOffset: 44 }],
    ["speech-8k-mulaw.wav", { format: "mulaw", sampleRate: 8000, channels: 1, bitsPerSample: 8 }],
    ["speech-48k-f32.wav", { format: "pcm_f32le", sampleRate: 48000, channels: 1, bitsPerSample: 32 }],
    ["speech-16k-list-chunk.wav", { format: "pcm_s16le", sampleRate: 16000, channels: 1, bitsPerSample: 16 }],
    ["speech-16k-s24-extensible.wav", { format: "pcm_s24le", sampleRate: 16000, channels: 1, bitsPerSample: 24 }],
  ];
  for (const [name, expected] of cases) {
    it(`${name} → ${expected.format} ${expected.sampleRate} Hz, data chunk runs to the end of the file`, function () {
      const file = fixture(name);
      const info = expectOk(parseWavHeader(file));
      for (const [key, value] of Object.entries(expected)) assert.strictEqual(info[key], value, key);
      // An odd-sized data chunk is followed by RIFF's pad byte.
      assert.strictEqual(info.dataOffset + info.dataBytes + (info.dataBytes % 2), file.length);
      assert.strictEqual(file.toString("latin1", info.dataOffset - 8, info.dataOffset - 4), "data");
    });
  }

  it("the data of speech-16k-mono.wav is exactly the raw .s16le fixture", function () {
    const wav = fixture("speech-16k-mono.wav");
    const info = expectOk(parseWavHeader(wav));
    assert.ok(wav.subarray(info.dataOffset).equals(fixture("speech-16k-mono.s16le")));
  });

  it("skips the LIST chunk between fmt and data", function () {
    const file = fixture("speech-16k-list-chunk.wav");
    assert.strictEqual(file.toString("latin1", 36, 40), "LIST");
    const info = expectOk(parseWavHeader(file));
    assert.ok(info.dataOffset > 44 + 8, `dataOffset ${info.dataOffset} should be past the LIST chunk`);
  });

  it("parses a header that arrives split: need-more with a growing needBytes until ok", function () {
    const file = fixture("speech-16k-list-chunk.wav");
    const { dataOffset } = expectOk(parseWavHeader(file));
    for (let len = 0; len < dataOffset; len++) {
      const result = parseWavHeader(file.subarray(0, len));
      assert.strictEqual(result.status, "need-more", `prefix of ${len} bytes: ${JSON.stringify(result)}`);
      assert.ok(result.needBytes > len && result.needBytes <= dataOffset, `prefix ${len}: needBytes ${result.needBytes}`);
    }
    // A caller that accumulates exactly needBytes each round reaches ok in a few rounds.
    let have = 0;
    let rounds = 0;
    for (let r = parseWavHeader(file.subarray(0, have)); r.status === "need-more"; r = parseWavHeader(file.subarray(0, have))) {
      have = r.needBytes;
      rounds++;
    }
    assert.ok(rounds <= 5, `${rounds} rounds`);
    assert.strictEqual(have, dataOffset);
  });

  it("works on a Uint8Array view into a larger buffer (non-zero byteOffset)", function () {
    const file = fixture("speech-8k-mulaw.wav");
    const big = new Uint8Array(file.length + 7);
    big.set(file, 7);
    const info = expectOk(parseWavHeader(big.subarray(7)));
    assert.strictEqual(info.format, "mulaw");
    assert.strictEqual(info.dataOffset + info.dataBytes + (info.dataBytes % 2), file.length);
  });
});

describe("parseWavHeader on built headers", function () {
  const wavWith = (fmt, dataSize = 320) => riff([chunk("fmt ", fmt), dataChunkHeader(dataSize)]);

  const mappings = [
    [{ tag: 1, bits: 8 }, "pcm_u8"],
    [{ tag: 1, bits: 16 }, "pcm_s16le"],
    [{ tag: 1, bits: 24 }, "pcm_s24le"],
    [{ tag: 1, bits: 32 }, "pcm_s32le"],
    [{ tag: 3, bits: 32 }, "pcm_f32le"],
    [{ tag: 3, bits: 64 }, "pcm_f64le"],
    [{ tag: 6, bits: 8 }, "alaw"],
    [{ tag: 7, bits: 8 }, "mulaw"],
  ];
  for (const [fmt, format] of mappings) {
    it(`tag ${fmt.tag}, ${fmt.bits} bit → ${format}`, function () {
      const info = expectOk(parseWavHeader(wavWith(fmtBody({ ...fmt, channels: 2, rate: 44100 }))));
      assert.deepStrictEqual(info, {
        format,
        sampleRate: 44100,
        channels: 2,
        bitsPerSample: fmt.bits,
        dataOffset: 44,
        dataBytes: 320,
      });
    });
  }

  it("WAVE_FORMAT_EXTENSIBLE maps by its sub-format GUID (float, mu-law)", function () {
    assert.strictEqual(expectOk(parseWavHeader(wavWith(extensibleFmtBody({ subTag: 3, bits: 32 })))).format, "pcm_f32le");
    assert.strictEqual(expectOk(parseWavHeader(wavWith(extensibleFmtBody({ subTag: 7, bits: 8 })))).format, "mulaw");
  });

  it("rejects an extensible sub-format GUID outside the KSDATAFORMAT family", function () {
    const fmt = extensibleFmtBody({ subTag: 1, bits: 16, guidTail: "112233445566778899aabbccddee" });
    expectInvalid(parseWavHeader(wavWith(fmt)), /unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID 0100112233/);
  });

  it("rejects an extensible fmt chunk too short to hold the GUID", function () {
    expectInvalid(parseWavHeader(wavWith(fmtBody({ tag: 0xfffe, bits: 16 })), 0), /EXTENSIBLE fmt chunk too short: 16 bytes/);
  });

  it("streamed sizes (0 and 0xFFFFFFFF) give dataBytes null", function () {
    assert.strictEqual(expectOk(parseWavHeader(wavWith(fmtBody(), 0))).dataBytes, null);
    assert.strictEqual(expectOk(parseWavHeader(wavWith(fmtBody(), 0xffffffff))).dataBytes, null);
  });

  it("walks fact and odd-sized chunks (with their pad byte) before data", function () {
    const buf = riff([chunk("fmt ", fmtBody()), chunk("fact", Buffer.alloc(4)), chunk("junk", Buffer.from("abc")), dataChunkHeader(10)]);
    // 12 RIFF + 24 fmt + 12 fact + 8 + 3 + 1 pad junk = 60; data body starts 8 later.
    assert.strictEqual(expectOk(parseWavHeader(buf)).dataOffset, 68);
  });

  it("finds data behind a chunk larger than the buffer so far by asking for more", function () {
    const buf = riff([chunk("fmt ", fmtBody()), chunk("LIST", Buffer.alloc(5000)), dataChunkHeader(2)]);
    const result = parseWavHeader(buf.subarray(0, 100));
    assert.deepStrictEqual(result, { status: "need-more", needBytes: 12 + 24 + 5008 + 8 });
    assert.strictEqual(expectOk(parseWavHeader(buf)).dataOffset, 12 + 24 + 5008 + 8);
  });

  it("accepts RF64 (its data size is not in the 32-bit field)", function () {
    const buf = riff([chunk("fmt ", fmtBody()), dataChunkHeader(0xffffffff)], { magic: "RF64" });
    assert.strictEqual(expectOk(parseWavHeader(buf)).dataBytes, null);
  });

  const invalidCases = [
    ["big-endian RIFX", () => riff([chunk("fmt ", fmtBody())], { magic: "RIFX" }), /big-endian RIFX WAV not supported/],
    ["not RIFF at all", () => Buffer.from("OggS\0\x02\0\0\0\0\0\0\0\0"), /not a WAV file: it starts with "OggS"/],
    ["RIFF but AVI", () => riff([], { form: "AVI " }), /not WAVE audio \(form type "AVI "\)/],
    ["data before fmt", () => riff([dataChunkHeader(10), chunk("fmt ", fmtBody())]), /fmt chunk missing/],
    ["MP3 in WAV", () => wavWith(fmtBody({ tag: 85, bits: 0 })), /unsupported WAV encoding tag 85 \(MP3 in WAV\)/],
    ["unknown tag", () => wavWith(fmtBody({ tag: 0x1234, bits: 16 })), /unsupported WAV encoding tag 4660 \(0x1234\)/],
    ["12-bit PCM", () => wavWith(fmtBody({ tag: 1, bits: 12 })), /unsupported PCM bit depth 12/],
    ["16-bit float", () => wavWith(fmtBody({ tag: 3, bits: 16 })), /unsupported IEEE float bit depth 16/],
    ["16-bit mu-law", () => wavWith(fmtBody({ tag: 7, bits: 16 })), /unsupported mu-law bit depth 16/],
    ["0 channels", () => wavWith(fmtBody({ channels: 0 })), /0 channels/],
    ["0 Hz", () => wavWith(fmtBody({ rate: 0 })), /sample rate of 0 Hz/],
    ["short fmt", () => riff([chunk("fmt ", Buffer.alloc(14)), dataChunkHeader(0)]), /fmt chunk too short: 14 bytes/],
    ["binary chunk id", () => riff([chunk("fmt ", fmtBody()), Buffer.from([1, 2, 3, 4, 0, 0, 0, 0])]), /chunk id at byte 36 is not text \(01020304\)/],
  ];
  for (const [name, build, reason] of invalidCases) {
    it(`invalid: ${name}`, function () {
      expectInvalid(parseWavHeader(build()), reason);
    });
  }

  it("never throws on corrupted headers (deterministic fuzz)", function () {
    const base = fixture("speech-16k-list-chunk.wav").subarray(0, 200);
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const seen = new Set();
    for (let i = 0; i < 3000; i++) {
      const buf = Buffer.from(base.subarray(0, Math.floor(rand() * base.length)));
      for (let k = 0; k < 3; k++) if (buf.length) buf[Math.floor(rand() * buf.length)] = Math.floor(rand() * 256);
      const result = parseWavHeader(buf);
      assert.ok(["ok", "need-more", "invalid"].includes(result.status));
      seen.add(result.status);
    }
    assert.deepStrictEqual([...seen].sort(), ["invalid", "need-more", "ok"]);
  });
});
