"use strict";
// The ffmpeg the tests decode with: the same absolute path the package itself would spawn.
const { findFfmpeg } = require("../../dist/core/audio/ffmpeg-binary");

/** The ffmpeg path; throws (failing the test with the reason) when there is none. */
function ffmpegPath() {
  const found = findFfmpeg();
  if (found === null) {
    throw new Error(
      "ffmpeg not found: neither on PATH nor from @ffmpeg-installer/ffmpeg. `npm install` brings it as an optional " +
        "dependency; if npm skipped it (no build for this platform), install ffmpeg with the system's package manager.",
    );
  }
  return found;
}

module.exports = { ffmpegPath };
