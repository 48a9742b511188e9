/**
 * What every user of one Soniox account (one config node) should know at once: the key was
 * rejected, or the balance is used up. One stream finding out is enough for all of them, and the
 * problem stands until a stream or a mint succeeds again.
 */
import type { ErrorCode, SonioxError } from "../errors";

export type AccountProblemKind = "key-rejected" | "no-balance";

export interface AccountProblem {
  kind: AccountProblemKind;
  code: ErrorCode;
  /** Soniox's words for it, bounded for a node status. */
  reason: string;
}

const REASON_CHARS = 80;

/** The account problem an error shows, or null when it concerns only its own stream. */
export function accountProblemOf(err: SonioxError): AccountProblem | null {
  const kind: AccountProblemKind | null = err.code === 401 || err.code === 403 ? "key-rejected" : err.code === 402 ? "no-balance" : null;
  if (kind === null) return null;
  // Soniox's own words, kept apart from the sentence around them: `reason` of a refused REST call,
  // `message` of an error frame.
  const own = [err.params?.reason, err.params?.message].find((w): w is string => typeof w === "string" && w !== "");
  const words = own === undefined ? err.message : own.replace(/^:\s*/, "");
  return { kind, code: err.code, reason: words.length > REASON_CHARS ? `${words.slice(0, REASON_CHARS - 1)}…` : words };
}

/** The users of an account (register/deregister, as Node-RED's MQTT broker keeps its nodes) and its problem. */
export class AccountHealth {
  private readonly users = new Map<string, () => void>();
  private problem: AccountProblem | null = null;

  /** `changed` is called whenever the problem appears or clears. */
  register(id: string, changed: () => void): void {
    this.users.set(id, changed);
  }

  deregister(id: string): void {
    this.users.delete(id);
  }

  get userCount(): number {
    return this.users.size;
  }

  get current(): AccountProblem | null {
    return this.problem;
  }

  /** Records an error's account problem, if it shows one; returns whether it did. */
  noteFailure(err: SonioxError): boolean {
    const problem = accountProblemOf(err);
    if (problem === null) return false;
    const same = this.problem !== null && this.problem.kind === problem.kind && this.problem.reason === problem.reason;
    this.problem = problem;
    if (!same) this.tell();
    return true;
  }

  /** Soniox accepted the key and answered: the account works again. Cheap when nothing was wrong. */
  noteSuccess(): void {
    if (this.problem === null) return;
    this.problem = null;
    this.tell();
  }

  private tell(): void {
    for (const changed of [...this.users.values()]) changed();
  }
}
