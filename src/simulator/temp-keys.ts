/**
 * Temporary API keys minted through the simulator's REST route, with the rules Soniox documents
 * (protocol notes §1.3): expiry gates opening only, single_use allows one stream, and
 * max_session_duration_seconds bounds each stream.
 */
import { randomBytes } from "node:crypto";

export interface TempKey {
  apiKey: string;
  usageType: string;
  expiresAt: Date;
  singleUse: boolean;
  maxSessionDurationSeconds: number | null;
  clientReferenceId: string | null;
  uses: number;
}

export interface MintRequest {
  usageType: string;
  expiresInSeconds: number;
  singleUse: boolean;
  maxSessionDurationSeconds: number | null;
  clientReferenceId: string | null;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** 26 base32 characters, the length of the docs example "temp:WYJ67RBEFUWQXXPKYPD2UGXKWB". */
function randomBase32(length = 26): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += BASE32[b % 32];
  return out;
}

export class TempKeyStore {
  private readonly keys = new Map<string, TempKey>();

  mint(request: MintRequest, now: Date): TempKey {
    const key: TempKey = {
      apiKey: `temp:${randomBase32()}`,
      usageType: request.usageType,
      expiresAt: new Date(now.getTime() + request.expiresInSeconds * 1000),
      singleUse: request.singleUse,
      maxSessionDurationSeconds: request.maxSessionDurationSeconds,
      clientReferenceId: request.clientReferenceId,
      uses: 0,
    };
    this.keys.set(key.apiKey, key);
    return key;
  }

  /** The key if it may open a transcription stream now; a single-use key that was used may not. */
  usable(apiKey: string, now: Date): TempKey | null {
    const key = this.keys.get(apiKey);
    if (!key || key.usageType !== "transcribe_websocket") return null;
    if (now.getTime() >= key.expiresAt.getTime()) return null;
    if (key.singleUse && key.uses > 0) return null;
    return key;
  }

  /** Keys minted so far, so a test can tell a refused request never reached the REST route. */
  get count(): number {
    return this.keys.size;
  }

  isTemporary(apiKey: string): boolean {
    return apiKey.startsWith("temp:");
  }
}
