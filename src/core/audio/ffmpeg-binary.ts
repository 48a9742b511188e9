/**
 * Finding the ffmpeg binary, always as an absolute path. We search PATH ourselves instead of asking
 * prism-media: when nothing is on PATH, prism falls back to running `./ffmpeg` from whatever the
 * working directory is, which would execute an unrelated file. After PATH comes
 * @ffmpeg-installer/ffmpeg (an optional dependency of this package), which ships the binary inside
 * its tarball; ffmpeg-static is not used because it downloads the binary at install time.
 */
import * as fs from "fs";
import * as path from "path";

let cached: string | null | undefined;

/** The absolute path of the ffmpeg to spawn, or null when there is none. Cached for the process. */
export function findFfmpeg(): string | null {
  if (cached === undefined) cached = onPath() ?? fromInstallerPackage();
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

function onPath(): string | null {
  const names = process.platform === "win32" ? windowsNames() : ["ffmpeg"];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    // A relative entry ("." or empty, which shells read as ".") would again mean the working directory.
    if (!path.isAbsolute(dir)) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

function windowsNames(): string[] {
  const extensions = (process.env.PATHEXT ?? ".EXE").split(";").filter(Boolean);
  return extensions.map((ext) => `ffmpeg${ext.toLowerCase()}`);
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fromInstallerPackage(): string | null {
  try {
    // Optional and untyped: its only export we use is the binary's path.
    const installer = require("@ffmpeg-installer/ffmpeg") as { path?: unknown };
    const file = installer.path;
    return typeof file === "string" && path.isAbsolute(file) && isExecutableFile(file) ? file : null;
  } catch {
    return null;
  }
}
