import type { Node } from "node-red";
import type { AccountHealth } from "../../core/keys";
import type { AuthMethod } from "../../core/session";

export interface SonioxConfigCredentials {
  apiKey?: string;
}

/** What other nodes may use of a soniox-config node; the key itself stays inside apiKey(). */
export interface SonioxConfigNode extends Node<SonioxConfigCredentials> {
  region: string;
  url: string;
  /** Only for region "custom": the REST base; empty derives it from url. */
  restUrl: string;
  authMethod: AuthMethod;
  /** The WebSocket URL, or throws a SonioxError naming what is wrong with the setting. */
  endpoint(): string;
  /** The REST base (https://api.soniox.com for us), or throws a SonioxError naming what is wrong. */
  apiUrl(): string;
  /** The credential, else SONIOX_API_KEY; null when neither is set. */
  apiKey(): string | null;
  /** The nodes using this account, and a rejected key or used-up balance they all show. */
  account: AccountHealth;
}
