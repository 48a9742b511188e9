// The decoder of truth for audio tests: ffmpeg (the @ffmpeg-installer binary) decodes bytes to
// 16-bit mono PCM at the stream's own rate, and the samples it outputs are counted.
const { execFileSync } = require("node:child_process");
const ffmpeg = require("@ffmpeg-installer/ffmpeg").path;

/** Milliseconds of audio ffmpeg decodes from `bytes`; `inputArgs` describe headerless raw audio. */
function decodedMs(bytes, inputArgs = []) {
  const wav = execFileSync(
    ffmpeg,
    ["-hide_banner", "-loglevel", "error", ...inputArgs, "-i", "pipe:0", "-ac", "1", "-c:a", "pcm_s16le", "-fflags", "+bitexact", "-f", "wav", "pipe:1"],
    // stderr is kept with the error ffmpeg exits with, not printed: ffmpeg complains about a chained
    // Ogg/Opus link's header packets but still decodes every link.
    { input: bytes, maxBuffer: 1 << 28, stdio: ["pipe", "pipe", "pipe"] },
  );
  const rate = wav.readUInt32LE(24);
  const data = wav.indexOf("data", 12, "latin1");
  return ((wav.length - data - 8) / 2 / rate) * 1000;
}

module.exports = { decodedMs, ffmpeg };
