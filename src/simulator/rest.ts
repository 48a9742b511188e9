/**
 * The two REST routes a real-time client may need, served on the simulator's port:
 * `GET /v1/models` and `POST /v1/auth/temporary-api-key`, with Soniox's REST ApiError body
 * (protocol notes §1.2–§1.3). REST accepts long-lived keys only, as the real API does.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SUPPORTED_LANGUAGES } from "./messages";
import type { ResolvedOptions } from "./options";
import type { TempKeyStore } from "./temp-keys";

export interface RestContext {
  options: ResolvedOptions;
  tempKeys: TempKeyStore;
}

interface ValidationError {
  error_type: string;
  location: string;
  message: string;
}

const MAX_BODY_BYTES = 64 * 1024;
const UNAUTHENTICATED = "Incorrect API key provided. You can get an API key at https://console.soniox.com";

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function sendApiError(
  res: ServerResponse,
  status: number,
  errorType: string,
  message: string,
  validationErrors: ValidationError[] = [],
): void {
  sendJson(res, status, {
    status_code: status,
    error_type: errorType,
    message,
    validation_errors: validationErrors,
    request_id: randomUUID(),
  });
}

function bearerKey(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match ? match[1] : null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error("Request body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const languageNames = new Intl.DisplayNames(["en"], { type: "language" });

/** Every model but the first is listed as an alias of the first (stt-rt-v4 → stt-rt-v5 by default). */
function modelList(options: ResolvedOptions): unknown[] {
  const languages = [...SUPPORTED_LANGUAGES].map((code) => ({ code, name: languageNames.of(code) ?? code }));
  const [primary] = options.models;
  return options.models.map((id) => ({
    id,
    aliased_model_id: id === primary ? null : primary,
    name: `Simulated ${id}`,
    context_version: 2,
    transcription_mode: "real_time",
    languages,
    supports_language_hints_strict: true,
    supports_max_endpoint_delay: true,
    supports_endpoint_sensitivity: true,
    supports_endpoint_latency_adjustment: true,
    endpoint_latency_adjustment_max_level: 3,
    translation_targets: options.translationModels.includes(id) ? languages : [],
    two_way_translation_pairs: [],
    one_way_translation: options.translationModels.includes(id),
    two_way_translation: options.translationModels.includes(id),
  }));
}

function checkIntRange(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  required: boolean,
): ValidationError | null {
  const location = `body.payload.${field}`;
  const value = body[field];
  if (value === undefined || value === null) {
    return required ? { error_type: "missing", location, message: "Field required" } : null;
  }
  if (typeof value !== "number" || !Number.isInteger(value)) {
    return { error_type: "int_type", location, message: "Input should be a valid integer" };
  }
  if (value < min) {
    return { error_type: "greater_than_equal", location, message: `Input should be greater than or equal to ${min}` };
  }
  if (value > max) {
    return { error_type: "less_than_equal", location, message: `Input should be less than or equal to ${max}` };
  }
  return null;
}

function validateMint(body: Record<string, unknown>): ValidationError[] {
  const errors: Array<ValidationError | null> = [];
  const usage = body.usage_type;
  if (usage === undefined) {
    errors.push({ error_type: "missing", location: "body.payload.usage_type", message: "Field required" });
  } else if (usage !== "transcribe_websocket" && usage !== "tts_rt") {
    errors.push({
      error_type: "literal_error",
      location: "body.payload.usage_type",
      message: "Input should be 'transcribe_websocket' or 'tts_rt'",
    });
  }
  errors.push(checkIntRange(body, "expires_in_seconds", 1, 3600, true));
  errors.push(checkIntRange(body, "max_session_duration_seconds", 1, 18000, false));
  const ref = body.client_reference_id;
  if (ref !== undefined && ref !== null) {
    const location = "body.payload.client_reference_id";
    if (typeof ref !== "string") errors.push({ error_type: "string_type", location, message: "Input should be a valid string" });
    else if (ref.length > 256) {
      errors.push({ error_type: "string_too_long", location, message: "String should have at most 256 characters" });
    }
  }
  if (body.single_use !== undefined && body.single_use !== null && typeof body.single_use !== "boolean") {
    errors.push({ error_type: "bool_type", location: "body.payload.single_use", message: "Input should be a valid boolean" });
  }
  return errors.filter((e): e is ValidationError => e !== null);
}

async function mintTempKey(req: IncomingMessage, res: ServerResponse, ctx: RestContext): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    body = undefined;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return sendApiError(res, 400, "invalid_request", "Invalid request.", [
      { error_type: "json_invalid", location: "body", message: "The request body must be a JSON object." },
    ]);
  }
  const fields = body as Record<string, unknown>;
  const errors = validateMint(fields);
  if (errors.length > 0) return sendApiError(res, 400, "invalid_request", "Invalid request.", errors);
  const key = ctx.tempKeys.mint(
    {
      usageType: fields.usage_type as string,
      expiresInSeconds: fields.expires_in_seconds as number,
      singleUse: fields.single_use === true,
      maxSessionDurationSeconds: typeof fields.max_session_duration_seconds === "number" ? fields.max_session_duration_seconds : null,
      clientReferenceId: typeof fields.client_reference_id === "string" ? fields.client_reference_id : null,
    },
    ctx.options.auth.now(),
  );
  sendJson(res, 201, { api_key: key.apiKey, expires_at: key.expiresAt.toISOString() });
}

/** Serves a plain HTTP request; anything but the two routes is a 404 ApiError. */
export function handleRest(req: IncomingMessage, res: ServerResponse, ctx: RestContext): void {
  const path = new URL(req.url ?? "/", "http://simulator").pathname;
  const route = `${req.method ?? "GET"} ${path}`;
  if (route !== "GET /v1/models" && route !== "POST /v1/auth/temporary-api-key") {
    return sendApiError(res, 404, "not_found", `The simulator has no route ${route}.`);
  }
  const key = bearerKey(req);
  if (key === null || !ctx.options.apiKeys.includes(key)) {
    return sendApiError(res, 401, "unauthenticated", UNAUTHENTICATED);
  }
  if (route === "GET /v1/models") return sendJson(res, 200, { models: modelList(ctx.options) });
  mintTempKey(req, res, ctx).catch(() => {
    if (!res.headersSent) sendApiError(res, 500, "internal_error", "The simulator could not read the request body.");
  });
}
