"use strict";
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { sniffContainer, looksLikeContainer, SNIFF_HEAD_BYTES } = require("../../../dist/core/audio/sniff");

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "audio");
const fixture = (name) => fs.readFileSync(path.join(FIXTURES, name));
const head = (name) => fixture(name).subarray(0, SNIFF_HEAD_BYTES);

const CONTAINER_FIXTURES = {
  "speech-16k-mono.wav": "wav",
  "speech-8k-mulaw.wav": "wav",
  "speech-48k-f32.wav": "wav",
  "speech-16k-list-chunk.wav": "wav",
  "speech-16k-s24-extensible.wav": "wav",
  "speech-with-pauses-16k.wav": "wav",
  "speech.aiff": "aiff",
  "speech-44k-stereo.mp3": "mp3",
  "speech.ogg": "ogg",
  "speech.webm": "webm",
  "speech.flac": "flac",
  "speech.aac": "aac",
  "speech.wma": "asf",
};
const RAW_FIXTURES = ["speech-16k-mono.s16le", "speech-8k.mulaw", "speech-8k.alaw", "speech-48k-f32le.raw"];

/** An MPEG-1 Layer III header: 128 kbit/s, 44.1 kHz, no padding → 417-byte frames. */
const MP3_HEADER = [0xff, 0xfb, 0x90, 0x64];
const MP3_FRAME_BYTES = 417;
function mp3Frames(count) {
  const frame = Buffer.alloc(MP3_FRAME_BYTES, 0x55);
  Buffer.from(MP3_HEADER).copy(frame);
  return Buffer.concat(Array.from({ length: count }, () => frame));
}

/** The 13-bit frame-length field of the ADTS header at the start of buf. */
function adtsFrameLength(buf) {
  return ((buf[3] & 3) << 11) | (buf[4] << 3) | (buf[5] >> 5);
}

describe("sniffContainer", function () {
  for (const [name, format] of Object.entries(CONTAINER_FIXTURES)) {
    it(`${name} → ${format}`, function () {
      assert.strictEqual(sniffContainer(head(name)), format);
      assert.strictEqual(looksLikeContainer(head(name)), true);
    });
  }

  for (const name of RAW_FIXTURES) {
    it(`raw ${name} → null at the start`, function () {
      assert.strictEqual(sniffContainer(head(name)), null);
      assert.strictEqual(looksLikeContainer(head(name)), false);
    });
  }

  it("raw fixtures → null at every byte offset, given a full-size head (frame-sync false positives)", function () {
    for (const name of [...RAW_FIXTURES, "speech-with-pauses-16k.wav"]) {
      const buf = fixture(name);
      const start = name.endsWith(".wav") ? 44 : 0;
      for (let off = start; off + SNIFF_HEAD_BYTES <= buf.length; off++) {
        const result = sniffContainer(buf.subarray(off, off + SNIFF_HEAD_BYTES));
        if (result !== null) assert.fail(`${name} at byte ${off} sniffed as ${result}`);
      }
    }
  });

  it("digital silence and all-0xFF bytes are not containers", function () {
    assert.strictEqual(sniffContainer(Buffer.alloc(SNIFF_HEAD_BYTES)), null);
    assert.strictEqual(sniffContainer(Buffer.alloc(SNIFF_HEAD_BYTES, 0xff)), null);
    assert.strictEqual(sniffContainer(Buffer.alloc(0)), null);
  });

  it("AMR by its #!AMR magic (narrow and wide band)", function () {
    assert.strictEqual(sniffContainer(Buffer.from("#!AMR\n\x3c")), "amr");
    assert.strictEqual(sniffContainer(Buffer.from("#!AMR-WB\n")), "amr");
  });

  it("AIFC and Matroska are recognised; other RIFF/FORM types are not", function () {
    assert.strictEqual(sniffContainer(Buffer.from("FORM\0\0\0\x10AIFCFVER")), "aiff");
    assert.strictEqual(sniffContainer(Buffer.from("RIFF\0\0\0\x10AVI LIST")), null);
    assert.strictEqual(sniffContainer(Buffer.from("FORM\0\0\0\x10ILBMBMHD")), null);
    const matroska = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88]), Buffer.from("matroska")]);
    assert.strictEqual(sniffContainer(matroska), "webm");
  });

  it("the ASF magic needs its whole 16-byte GUID", function () {
    const wma = head("speech.wma");
    assert.strictEqual(sniffContainer(wma.subarray(0, 16)), "asf");
    assert.strictEqual(sniffContainer(wma.subarray(0, 15)), null);
  });

  describe("MP3", function () {
    it("bare frame sync (no ID3) with a second frame where the first one ends", function () {
      assert.strictEqual(sniffContainer(mp3Frames(3)), "mp3");
    });

    it("the MP3 fixture without its ID3 tag still sniffs as mp3", function () {
      const mp3 = fixture("speech-44k-stereo.mp3");
      const tagEnd = 10 + ((mp3[6] << 21) | (mp3[7] << 14) | (mp3[8] << 7) | mp3[9]);
      assert.strictEqual(sniffContainer(mp3.subarray(tagEnd, tagEnd + SNIFF_HEAD_BYTES)), "mp3");
    });

    it("a frame sync not followed by a second header is rejected", function () {
      const buf = mp3Frames(3);
      buf[MP3_FRAME_BYTES] = 0x12;
      assert.strictEqual(sniffContainer(buf), null);
    });

    it("a second header with another sample rate is rejected", function () {
      const buf = mp3Frames(3);
      buf[MP3_FRAME_BYTES + 2] = 0x94; // 48 kHz instead of 44.1 kHz
      assert.strictEqual(sniffContainer(buf), null);
    });

    it("a single plausible header is trusted only when the head is too short to reach the next frame", function () {
      const buf = mp3Frames(1);
      assert.strictEqual(sniffContainer(buf.subarray(0, 200)), "mp3");
      const fullHead = Buffer.concat([buf.subarray(0, 4), Buffer.alloc(SNIFF_HEAD_BYTES)]);
      fullHead[2] = 0x10; // 32 kbit/s at 44.1 kHz: a 104-byte frame, followed by zeros, not a header
      assert.strictEqual(sniffContainer(fullHead), null);
    });

    const badHeaders = [
      ["reserved version bits", [0xff, 0xeb, 0x90, 0x64]],
      ["Layer I (what PCM bytes FF FF look like)", [0xff, 0xff, 0x90, 0x64]],
      ["reserved layer", [0xff, 0xf9, 0x90, 0x64]],
      ["free-format bitrate", [0xff, 0xfb, 0x00, 0x64]],
      ["bad bitrate index", [0xff, 0xfb, 0xf0, 0x64]],
      ["reserved sample rate", [0xff, 0xfb, 0x9c, 0x64]],
      ["reserved emphasis", [0xff, 0xfb, 0x90, 0x66]],
    ];
    for (const [what, bytes] of badHeaders) {
      it(`rejects a header with ${what}`, function () {
        assert.strictEqual(sniffContainer(Buffer.from(bytes)), null);
      });
    }

    it("an ID3 tag alone (head ends inside it) → mp3", function () {
      assert.strictEqual(sniffContainer(head("speech-44k-stereo.mp3").subarray(0, 20)), "mp3");
      assert.strictEqual(sniffContainer(Buffer.from("ID3\x04\0")), "mp3");
    });

    it("an ID3 header with a non-syncsafe size is not trusted", function () {
      assert.strictEqual(sniffContainer(Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0x80, 0, 0, 0, 0, 0])), null);
    });
  });

  describe("ID3 in front of other formats", function () {
    const id3 = (body) => {
      const tag = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0]);
      return Buffer.concat([tag, body]);
    };

    it("ID3 + ADTS → aac", function () {
      assert.strictEqual(sniffContainer(id3(head("speech.aac"))), "aac");
    });

    it("ID3 + fLaC → flac", function () {
      assert.strictEqual(sniffContainer(id3(head("speech.flac"))), "flac");
    });

    it("ID3 + MPEG frames → mp3", function () {
      assert.strictEqual(sniffContainer(id3(mp3Frames(3))), "mp3");
    });
  });

  describe("ADTS AAC", function () {
    it("needs layer bits 00 and a second frame header where the first frame ends", function () {
      const aac = head("speech.aac");
      const first = adtsFrameLength(aac);
      assert.strictEqual(sniffContainer(aac.subarray(0, first + 7)), "aac");
      const broken = Buffer.from(aac);
      broken[first] = 0x00;
      assert.strictEqual(sniffContainer(broken), null);
    });

    it("rejects a reserved sample-rate index and a frame shorter than its header", function () {
      const aac = Buffer.from(head("speech.aac"));
      const badRate = Buffer.from(aac);
      badRate[2] = (badRate[2] & ~0x3c) | (13 << 2);
      assert.strictEqual(sniffContainer(badRate), null);
      const tiny = Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x00, 0x9f, 0xfc]); // frame length 4
      assert.strictEqual(sniffContainer(tiny), null);
    });
  });
});
