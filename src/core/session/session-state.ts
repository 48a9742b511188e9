import { SonioxError } from "../errors";

/**
 * A session's one state. idle: not connecting yet (audio queues); connecting: the socket opens
 * (audio queues); streaming: audio goes out; paused: incoming audio is dropped while keepalives
 * hold the stream, connected or not; finishing: the end of stream is queued or sent and nothing
 * more is taken; finished, canceled, failed: closed for that reason.
 */
export type SessionState = "idle" | "connecting" | "streaming" | "paused" | "finishing" | "finished" | "canceled" | "failed";

/** The states that take audio and commands; the session refuses both in every other. */
export type LiveState = "idle" | "connecting" | "streaming" | "paused";

/** How far a session's connection got; where a session stands when it is not paused. */
export type Link = "none" | "opening" | "open";

const UNPAUSED: Record<Link, LiveState> = { none: "idle", opening: "connecting", open: "streaming" };

const CLOSED = ["finished", "canceled", "failed"] as const;

/** Every move a session makes; anything else is a bug in the session, not a caller's mistake. */
const MOVES: Record<SessionState, readonly SessionState[]> = {
  idle: ["connecting", "paused", "finishing", ...CLOSED],
  connecting: ["streaming", "paused", "finishing", ...CLOSED],
  streaming: ["paused", "finishing", ...CLOSED],
  paused: ["idle", "connecting", "streaming", "finishing", ...CLOSED],
  finishing: CLOSED,
  finished: [],
  canceled: [],
  failed: [],
};

export function isLive(state: SessionState): state is LiveState {
  return state === "idle" || state === "connecting" || state === "streaming" || state === "paused";
}

export function isClosedState(state: SessionState): boolean {
  return MOVES[state].length === 0;
}

/** Where a session that stops pausing (or was never paused) stands. */
export function unpaused(link: Link): LiveState {
  return UNPAUSED[link];
}

/** Throws when `to` is not a move `from` can make. */
export function checkMove(from: SessionState, to: SessionState): void {
  if (!MOVES[from].includes(to)) throw new Error(`A session cannot go from ${from} to ${to}`);
}

/** How every call the state does not allow fails: a Catch-able error naming the call and the state. */
export function refusal(action: string, state: SessionState): SonioxError {
  return new SonioxError("invalid_state", `Cannot ${action}: the stream is ${state}`, { key: "session.not-live", params: { action, state } });
}
