/**
 * Finding the ffmpeg binary, always as an absolute path. We search PATH ourselves instead of asking
 * prism-media: when nothing is on PATH, prism falls back to running `./ffmpeg` from whatever the
 * working directory is, which would execute an unrelated file. After PATH comes
 * @ffmpeg-installer/ffmpeg (an optional dependency of this package), which ships the binary inside
 * its tarball; ffmpeg-static is not used because it downloads the binary at install time.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { KeyedText } from "../errors";

let cached: string | null | undefined;
/** The binary @ffmpeg-installer/ffmpeg ships, when that is the one found. */
let bundled: string | null = null;

/** The absolute path of the ffmpeg to spawn, or null when there is none. Cached for the process. */
export function findFfmpeg(): string | null {
  if (cached === undefined) cached = onPath() ?? fromInstallerPackage();
  return cached;
}

/** The ffmpeg a transcoder or duration probe runs: it decodes audio from anywhere, so users should know which. */
export interface FfmpegInUse {
  path: string;
  /** As `ffmpeg -version` says it ("4.4.2-0ubuntu0.22.04.1"), or "unknown". */
  version: string;
  /** The @ffmpeg-installer/ffmpeg build: a static binary from 2018 that gets no security fixes. */
  bundled: boolean;
}

let reporter: ((found: FfmpegInUse) => void) | null = null;
let reported = false;

/**
 * Who hears which ffmpeg is in use, once from now on: the node adapter sets this when Node-RED
 * registers it, so each Node-RED start logs it once.
 */
export function reportFfmpegInUse(report: ((found: FfmpegInUse) => void) | null): void {
  reporter = report;
  reported = false;
}

/** Called whenever ffmpeg is started: the first time (with someone to tell), asks its version and reports it. */
export function noteFfmpegUse(command: string): void {
  if (reported || reporter === null) return;
  reported = true;
  execFile(command, ["-version"], { timeout: 5000, windowsHide: true }, (_err, stdout) => {
    const version = /^ffmpeg version (\S+)/m.exec(String(stdout ?? ""))?.[1] ?? "unknown";
    reporter?.({ path: command, version, bundled: command === bundled });
  });
}

/** The log line for the ffmpeg in use; the bundled build comes with the advice to install a maintained one. */
export function ffmpegInUseText({ path: file, version, bundled: old }: FfmpegInUse): KeyedText {
  return old
    ? {
        text: `Decoding audio with ffmpeg ${version} at ${file}: the static build bundled by @ffmpeg-installer/ffmpeg, from 2018, which gets no security fixes. An ffmpeg on PATH is used first (e.g. sudo apt-get install ffmpeg).`,
        i18n: { key: "audio.ffmpeg-in-use-bundled", params: { version, path: file } },
      }
    : { text: `Decoding audio with ffmpeg ${version} at ${file}`, i18n: { key: "audio.ffmpeg-in-use", params: { version, path: file } } };
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
    if (typeof file !== "string" || !path.isAbsolute(file) || !isExecutableFile(file)) return null;
    bundled = file;
    return file;
  } catch {
    return null;
  }
}

/** How much of ffmpeg's stderr is kept to explain a failure. */
const STDERR_TAIL_CHARS = 600;

/**
 * One running ffmpeg, as the probe and the transcoder use it: its pipes' errors left to the exit
 * status (EPIPE / ECONNRESET only mean ffmpeg has gone), the tail of its stderr kept for the error
 * message, and one way to close its input and one to stop it.
 */
export class FfmpegProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private stderrTail = "";
  private closed = false;

  constructor(command: string, args: readonly string[]) {
    this.child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    this.child.stdin.on("error", () => this.closeInput());
    this.child.stdout.on("error", () => undefined);
    this.child.stderr.on("error", () => undefined);
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });
  }

  /** True once the input was ended, by the caller or because ffmpeg stopped taking it. */
  get inputClosed(): boolean {
    return this.closed;
  }

  /** No more input: ffmpeg flushes what it has and exits. */
  closeInput(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.child.stdin.destroyed) this.child.stdin.end();
  }

  /** Kills ffmpeg if it still runs and stops reading its output. */
  kill(): void {
    this.closeInput();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    this.child.stdout.destroy();
    this.child.stderr.destroy();
  }

  /** ffmpeg's last three stderr lines, joined, to say why it failed ("" when it said nothing). */
  lastWords(): string {
    return this.stderrTail.trim().split("\n").slice(-3).join(" | ");
  }
}
