/**
 * Finding the ffmpeg binary. prism-media looks for ffmpeg-static, then ffmpeg on PATH; we also
 * accept @ffmpeg-installer/ffmpeg, the registry package that ships its binary inside the tarball
 * (ffmpeg-static downloads it at install time, which fails on machines without general internet).
 */
import { FFmpeg } from "prism-media";

let cached: string | null | undefined;

/** The ffmpeg command to spawn, or null when there is none. The answer is cached for the process. */
export function findFfmpeg(): string | null {
  if (cached === undefined) cached = fromPrism() ?? fromInstallerPackage();
  return cached;
}

/** A clear explanation of the missing binary, for the feature named by `purpose`. */
export function ffmpegMissingMessage(purpose: string): string {
  return (
    `${purpose} needs ffmpeg, which was not found. Install it on the Node-RED machine ` +
    "(Debian/Ubuntu/Raspberry Pi OS: sudo apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) " +
    "so that it is on PATH, or run npm install @ffmpeg-installer/ffmpeg in the Node-RED user directory (~/.node-red), then restart Node-RED."
  );
}

function fromPrism(): string | null {
  try {
    return FFmpeg.getInfo().command;
  } catch {
    return null;
  }
}

function fromInstallerPackage(): string | null {
  try {
    // Optional and untyped: its only export we use is the binary's path.
    const installer = require("@ffmpeg-installer/ffmpeg") as { path?: unknown };
    return typeof installer.path === "string" ? installer.path : null;
  } catch {
    return null;
  }
}
