import type { NodeAPI } from "node-red";
import type { Request, Response } from "express";
import { checkKey, proxyInEnvironment, REGION_API_URLS, resolveApiUrl, type KeyCheck } from "../../core/keys";
import type { SonioxConfigCredentials, SonioxConfigNode } from "./config-node";

/** What the editor's Check button may be told besides a KeyCheck: nothing was checked, and why. */
type CheckAnswer = KeyCheck | { outcome: "no-key" | "retype-key" | "invalid-config"; detail: string };

// Node-RED sends this in place of a password field the user did not change.
const UNCHANGED_PASSWORD = "__PWRD__";
const SONIOX_HOSTS = new Set<string>(Object.values(REGION_API_URLS));

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * POST /soniox-config/:id/check with the dialog's region, URLs and (when typed) key. A key typed
 * in the dialog is checked wherever the dialog points; the stored key (or SONIOX_API_KEY) only
 * against Soniox's own regions or the address the deployed node already sends it to, so an
 * edited URL cannot carry it elsewhere. JSON only: a form on another site cannot post JSON
 * without a CORS preflight, which the admin API does not answer. The key is never in the answer.
 */
export function keyCheckRoute(RED: NodeAPI) {
  return async (req: Request, res: Response): Promise<void> => {
    if (!req.is("application/json")) {
      res.status(415).json({ outcome: "invalid-config", detail: "send the check request as application/json" });
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = String(req.params.id);
    const deployed = RED.nodes.getNode(id) as SonioxConfigNode | null;
    const answer = (a: CheckAnswer): void => void res.json(a);
    let apiUrl: string;
    try {
      apiUrl = resolveApiUrl(text(body.region) ?? deployed?.region, text(body.url) ?? deployed?.url, text(body.restUrl) ?? deployed?.restUrl);
    } catch (err) {
      return answer({ outcome: "invalid-config", detail: (err as Error).message });
    }
    const typed = (text(body.apiKey) ?? UNCHANGED_PASSWORD).trim();
    let apiKey = typed !== UNCHANGED_PASSWORD ? typed : "";
    if (apiKey === "") {
      // An emptied field means "use SONIOX_API_KEY", as the node will once saved.
      const storedKey = typed === UNCHANGED_PASSWORD ? (RED.nodes.getCredentials(id) as SonioxConfigCredentials | undefined)?.apiKey?.trim() : "";
      const stored = storedKey || (process.env.SONIOX_API_KEY ?? "").trim();
      if (stored === "") return answer({ outcome: "no-key", detail: "no API key in the dialog, stored or in SONIOX_API_KEY" });
      if (!SONIOX_HOSTS.has(apiUrl) && !(deployed && deployedApiUrl(deployed) === apiUrl)) {
        return answer({ outcome: "retype-key", detail: `the stored key is not sent to ${apiUrl}, which is not where the deployed node sends it` });
      }
      apiKey = stored;
    }
    try {
      answer(await checkKey({ apiUrl, apiKey, proxyConfigured: proxyInEnvironment(process.env) }));
    } catch (err) {
      res.status(500).json({ outcome: "refused", detail: "the check failed inside Node-RED" });
      RED.log.warn(`soniox-config check: ${(err as Error).message}`);
    }
  };
}

function deployedApiUrl(node: SonioxConfigNode): string | null {
  try {
    return node.apiUrl();
  } catch {
    return null;
  }
}
