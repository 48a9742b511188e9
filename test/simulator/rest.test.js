"use strict";
const assert = require("assert");
const { START, within, tone16, useSimulator } = require("./helpers");

describe("simulator: REST routes and temporary keys", function () {
  const t = useSimulator();

  function mint(body, key = "test-key") {
    return fetch(`${t.sim.httpUrl}/v1/auth/temporary-api-key`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  /** Opens a stream with `key` in the Authorization header; resolves with the client after close. */
  async function openWith(key, { end = true } = {}) {
    const c = t.client({ headers: { Authorization: `Bearer ${key}` } });
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify(START));
    if (end) {
      c.ws.send(tone16(200));
      c.ws.send("");
    }
    await within(c.closed, 3000, "close");
    return c;
  }

  it("lists stt-rt-v5 with stt-rt-v4 as its alias", async () => {
    const res = await fetch(`${t.sim.httpUrl}/v1/models`, { headers: { Authorization: "Bearer test-key" } });
    assert.strictEqual(res.status, 200);
    const { models } = await res.json();
    assert.deepStrictEqual(
      models.map((m) => [m.id, m.aliased_model_id, m.transcription_mode]),
      [["stt-rt-v5", null, "real_time"], ["stt-rt-v4", "stt-rt-v5", "real_time"]],
    );
    assert.ok(models[0].languages.some((l) => l.code === "de" && l.name === "German"));
  });

  it("answers REST without a valid long-lived key with the 401 ApiError body", async () => {
    const res = await fetch(`${t.sim.httpUrl}/v1/models`, { headers: { Authorization: "Bearer nope" } });
    assert.strictEqual(res.status, 401);
    const body = await res.json();
    assert.strictEqual(body.status_code, 401);
    assert.strictEqual(body.error_type, "unauthenticated");
    assert.match(body.message, /^Incorrect API key provided/);
    assert.deepStrictEqual(body.validation_errors, []);
    assert.strictEqual(typeof body.request_id, "string");
  });

  it("mints a temp: key with an ISO expiry, usable on the WebSocket", async () => {
    const res = await mint({ usage_type: "transcribe_websocket", expires_in_seconds: 60 });
    assert.strictEqual(res.status, 201);
    const { api_key, expires_at } = await res.json();
    assert.match(api_key, /^temp:[A-Z2-7]{26}$/);
    const ms = Date.parse(expires_at) - Date.now();
    assert.ok(ms > 55_000 && ms <= 60_000, expires_at);
    const c = await openWith(api_key);
    assert.ok(c.messages.at(-1).finished);
    assert.strictEqual(t.sim.connections[0].authMethod, "header");
  });

  it("refuses a temp key for REST", async () => {
    const { api_key } = await (await mint({ usage_type: "transcribe_websocket", expires_in_seconds: 60 })).json();
    assert.strictEqual((await mint({ usage_type: "transcribe_websocket", expires_in_seconds: 60 }, api_key)).status, 401);
  });

  it("enforces single_use: the second stream gets 401 Invalid/expired temporary API key.", async () => {
    const { api_key } = await (
      await mint({ usage_type: "transcribe_websocket", expires_in_seconds: 60, single_use: true })
    ).json();
    assert.ok((await openWith(api_key)).messages.at(-1).finished);
    const again = await openWith(api_key, { end: false });
    assert.deepStrictEqual(again.messages, [
      { error_code: 401, error_message: "Invalid/expired temporary API key.", tokens: [] },
    ]);
  });

  it("refuses an expired temp key at open", async () => {
    let now = new Date("2026-11-24T10:00:00Z");
    t.sim.options = { auth: { now: () => now } };
    const { api_key, expires_at } = await (
      await mint({ usage_type: "transcribe_websocket", expires_in_seconds: 10 })
    ).json();
    assert.strictEqual(expires_at, "2026-11-24T10:00:10.000Z");
    now = new Date("2026-11-24T10:00:11Z");
    const c = await openWith(api_key, { end: false });
    assert.strictEqual(c.messages[0].error_message, "Invalid/expired temporary API key.");
  });

  it("refuses a tts_rt temp key on the transcription WebSocket", async () => {
    const { api_key } = await (await mint({ usage_type: "tts_rt", expires_in_seconds: 60 })).json();
    const c = await openWith(api_key, { end: false });
    assert.strictEqual(c.messages[0].error_code, 401);
  });

  it("drops a stream that outlives max_session_duration_seconds", async () => {
    const { api_key } = await (
      await mint({ usage_type: "transcribe_websocket", expires_in_seconds: 60, max_session_duration_seconds: 1 })
    ).json();
    const started = Date.now();
    const c = await openWith(api_key, { end: false });
    assert.ok(Date.now() - started >= 950, "not before the session limit");
    assert.strictEqual(c.messages.at(-1).error_code, 408);
    assert.match(c.messages.at(-1).error_message, /max_session_duration_seconds/);
  });

  const BAD_BODIES = [
    [{ expires_in_seconds: 60 }, "missing", "body.payload.usage_type"],
    [{ usage_type: "chat", expires_in_seconds: 60 }, "literal_error", "body.payload.usage_type"],
    [{ usage_type: "transcribe_websocket" }, "missing", "body.payload.expires_in_seconds"],
    [{ usage_type: "transcribe_websocket", expires_in_seconds: 0 }, "greater_than_equal", "body.payload.expires_in_seconds"],
    [{ usage_type: "transcribe_websocket", expires_in_seconds: 3601 }, "less_than_equal", "body.payload.expires_in_seconds"],
    [{ usage_type: "transcribe_websocket", expires_in_seconds: 1.5 }, "int_type", "body.payload.expires_in_seconds"],
    [
      { usage_type: "transcribe_websocket", expires_in_seconds: 60, max_session_duration_seconds: 18001 },
      "less_than_equal",
      "body.payload.max_session_duration_seconds",
    ],
    [
      { usage_type: "transcribe_websocket", expires_in_seconds: 60, client_reference_id: "x".repeat(257) },
      "string_too_long",
      "body.payload.client_reference_id",
    ],
    [{ usage_type: "transcribe_websocket", expires_in_seconds: 60, single_use: "yes" }, "bool_type", "body.payload.single_use"],
    ["not json", "json_invalid", "body"],
  ];
  for (const [body, errorType, location] of BAD_BODIES) {
    it(`refuses a mint request with ${errorType} at ${location}`, async () => {
      const res = await mint(body);
      assert.strictEqual(res.status, 400);
      const json = await res.json();
      assert.strictEqual(json.status_code, 400);
      assert.strictEqual(json.error_type, "invalid_request");
      assert.deepStrictEqual(
        json.validation_errors.map((e) => [e.error_type, e.location]),
        [[errorType, location]],
      );
    });
  }

  it("names the documented limit in the range message", async () => {
    const json = await (await mint({ usage_type: "transcribe_websocket", expires_in_seconds: 3601 })).json();
    assert.strictEqual(json.validation_errors[0].message, "Input should be less than or equal to 3600");
  });

  it("answers unknown routes with a 404 ApiError", async () => {
    const res = await fetch(`${t.sim.httpUrl}/v1/files`);
    assert.strictEqual(res.status, 404);
    assert.strictEqual((await res.json()).error_type, "not_found");
  });
});
