/**
 * Every msg.control command, in the order errors and the help list them. Parsing, the control
 * node's settings, the stream's dispatch (an exhaustive switch over ControlType: a new row does
 * not compile until TranscriptionStream.control() handles it), the check for a command word sent as
 * audio, and what the registry and the control node do to a stream's life (opens, ends, clears an
 * error stop) all read this table. A new command is one row here, its case in the stream, an option in
 * the control node's dialog, the help, and the simulator (which keeps its own list on purpose).
 */
export const CONTROL_COMMANDS = {
  start: { trailingSilence: false, beforeAudio: true, opens: true, ends: null, clearsErrorStop: true, alsoSaid: [] },
  finalize: { trailingSilence: true, beforeAudio: false, opens: false, ends: null, clearsErrorStop: false, alsoSaid: [] },
  keepalive: { trailingSilence: false, beforeAudio: false, opens: false, ends: null, clearsErrorStop: false, alsoSaid: [] },
  pause: { trailingSilence: false, beforeAudio: false, opens: true, ends: null, clearsErrorStop: false, alsoSaid: [] },
  resume: { trailingSilence: false, beforeAudio: true, opens: false, ends: null, clearsErrorStop: false, alsoSaid: [] },
  stop: { trailingSilence: false, beforeAudio: false, opens: false, ends: "after its audio", clearsErrorStop: true, alsoSaid: ["end"] },
  cancel: { trailingSilence: false, beforeAudio: false, opens: false, ends: "at once", clearsErrorStop: true, alsoSaid: ["abort"] },
} as const satisfies Record<string, CommandSpec>;

interface CommandSpec {
  /** The command may carry trailing_silence_ms (Soniox's finalize does). */
  trailingSilence: boolean;
  /**
   * With audio in the same message, the command reaches the session before that audio (it lets
   * the audio in); the others go after it (they act on the audio sent so far).
   */
  beforeAudio: boolean;
  /**
   * Other words people use for it. Not accepted as msg.control (Soniox has no such command), but
   * such a word arriving as msg.payload is a command put in the wrong property, not audio.
   */
  alsoSaid: readonly string[];
  /**
   * Opens a stream for its key when none is open, or a new one when the open one is ending (the
   * transcribe node's registry); the others need an open stream.
   */
  opens: boolean;
  /**
   * Ends the stream: after the audio still being converted (ffmpeg) reached it, or at once,
   * dropping that audio and any audio still waiting for its format. The stream itself does the
   * rest in its own case; the control node forgets the key's state (a deferred finalize would
   * reach a stream that no longer exists), and with no stream open it is no error.
   */
  ends: null | "after its audio" | "at once";
  /** Acknowledges a stream stopped by an error, whose audio is dropped until one of these comes. */
  clearsErrorStop: boolean;
}

export type ControlType = keyof typeof CONTROL_COMMANDS;
export const CONTROL_TYPES = Object.keys(CONTROL_COMMANDS) as ControlType[];

type WithSilence = { [K in ControlType]: (typeof CONTROL_COMMANDS)[K]["trailingSilence"] extends true ? K : never }[ControlType];
export type ControlCommand = { type: WithSilence; trailing_silence_ms?: number } | { type: Exclude<ControlType, WithSilence> };

/** The command a word names, by its name or a word also said for it (any case), or null. */
export function commandNamed(word: string): ControlType | null {
  const w = word.toLowerCase();
  for (const type of CONTROL_TYPES) {
    if (type === w || (CONTROL_COMMANDS[type].alsoSaid as readonly string[]).includes(w)) return type;
  }
  return null;
}
