"use strict";
// Starts a real Node-RED process (node-red/red.js, not the test helper) with this package loaded
// from its root. Tests and the screenshot script get a throw-away user directory with given flows,
// a patch for every soniox-config node, optional credentials and env; `npm start` gets a
// persistent one (prepareWorkDir).
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const { prepareAccess } = require("./admin-guard");

const ROOT = path.resolve(__dirname, "..", "..");
// The start line is logged in the runtime's language: English, or German when a test sets lang "de".
const RUNNING = /Server (?:now running at|wird jetzt auf) (https?:\/\/\S+?)\/?(?: ausgeführt)?\s*$/m;

/**
 * Settings can only hold functions as code, so this is appended to settings.js: websocket in
 * nodes refuse a handshake from a page of another site (browsers always send Origin); clients
 * that are not browsers send none and pass, as the README's "Securing the browser examples" says.
 * ws does not catch what this throws (the process would end), so `Origin: null` and garbage are
 * refused inside the try. X-Forwarded-Host is not read: any client can send it.
 */
const VERIFY_WEBSOCKET_ORIGIN = `module.exports.webSocketNodeVerifyClient = function (info) {
  if (!info.origin) return true;
  try {
    return new URL(info.origin).host === info.req.headers.host;
  } catch (err) {
    return false;
  }
};
`;

/**
 * Writes a fresh user directory: flows.json (soniox-config nodes patched), flows_cred.json in
 * plain text when credentials are given (credentialSecret is false, so Node-RED reads them as
 * they are) and settings.js. Returns its path.
 */
function prepareUserDir({ flows, configPatch = {}, credentials = null, host = "127.0.0.1", port = 1880, lang = undefined, settings = {} }) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "node-red-soniox-"));
  const patched = flows.map((n) => (n.type === "soniox-config" ? { ...n, ...configPatch } : n));
  fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(patched, null, 2));
  if (credentials) fs.writeFileSync(path.join(userDir, "flows_cred.json"), JSON.stringify(credentials, null, 2));
  writeSettings(userDir, { host, port, credentialSecret: false, allowInstall: false, lang, extra: settings });
  return userDir;
}

const SECRET_FILE = "credential-secret";
const EXAMPLE_FLOW_FILES = ["flows.json", "flows_cred.json", ".flows.json.backup", ".flows_cred.json.backup"];

/**
 * The user directory `npm start` keeps between runs. The first run (or `reset`) writes the example
 * flows; later runs keep whatever was deployed. `patches` maps node ids to functions returning the
 * properties to set on that node at this start (or null to leave it), so only the settings that
 * depend on this run (simulator URL, broker port) change. The credential secret is generated once
 * and kept here: losing it would make the stored credentials unreadable. `access` ({allowedHosts,
 * allowedOrigins}) widens the guard against other sites (admin-guard.js). Returns {userDir,
 * seeded, accessLines} (accessLines: the banner's words on what is protected).
 */
function prepareWorkDir({ userDir, flows, patches = {}, reset = false, host = "127.0.0.1", port = 1880, access = {} }) {
  fs.mkdirSync(userDir, { recursive: true });
  const secretFile = path.join(userDir, SECRET_FILE);
  if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, `${crypto.randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  if (reset) for (const f of EXAMPLE_FLOW_FILES) fs.rmSync(path.join(userDir, f), { force: true });

  const flowFile = path.join(userDir, "flows.json");
  const seeded = !fs.existsSync(flowFile);
  const current = seeded ? flows : JSON.parse(fs.readFileSync(flowFile, "utf8"));
  const patched = current.map((n) => {
    const changes = patches[n.id]?.(n);
    return changes ? { ...n, ...changes } : n;
  });
  if (seeded || JSON.stringify(patched) !== JSON.stringify(current)) fs.writeFileSync(flowFile, JSON.stringify(patched, null, 4));
  const accessLines = prepareAccess(userDir, { host, ...access });
  writeSettings(userDir, { host, port, credentialSecretFile: SECRET_FILE, allowInstall: true, access });
  return { userDir, seeded, accessLines };
}

/**
 * settings.js for red.js. With `credentialSecretFile` the secret is read from that file in the user
 * directory when Node-RED loads its settings, so it never has to be copied anywhere else.
 * `allowInstall` turns on the palette manager's installs, which go into the user directory.
 * `extra` settings (JSON values, e.g. httpServerOptions) go in as given.
 */
function writeSettings(userDir, { host, port, credentialSecret = false, credentialSecretFile = null, allowInstall, lang = undefined, access = null, extra = {} }) {
  const settings = {
    uiHost: host,
    uiPort: port,
    userDir,
    flowFile: "flows.json",
    flowFilePretty: true,
    ...(credentialSecretFile ? {} : { credentialSecret }),
    nodesDir: [ROOT],
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    externalModules: { autoInstall: false, palette: { allowInstall } },
    editorTheme: { tours: false, projects: { enabled: false } },
    logging: { console: { level: "info", metrics: false, audit: false } },
    // The runtime's language (its log and node messages); unset, Node-RED goes by the LANG environment.
    ...(lang ? { lang } : {}),
    ...extra,
  };
  const secret = credentialSecretFile
    ? `settings.credentialSecret = require("fs").readFileSync(require("path").join(__dirname, ${JSON.stringify(credentialSecretFile)}), "utf8").trim();\n`
    : "";
  // npm start's guard against other sites and DNS rebinding (scripts/lib/admin-guard.js).
  const guard = access
    ? `require(${JSON.stringify(require.resolve("./admin-guard"))}).protect(settings, { userDir: __dirname, ...${JSON.stringify(access)} });\n`
    : "";
  fs.writeFileSync(
    path.join(userDir, "settings.js"),
    "// Written by the node-red-soniox scripts at every start: edits here do not last.\n" +
      `const settings = ${JSON.stringify(settings, null, 2)};\n${secret}${guard}module.exports = settings;\n${VERIFY_WEBSOCKET_ORIGIN}`,
  );
}

/** Runs red.js directly (not through npx), so the child we hold is the server itself. */
function spawnNodeRed(userDir, { env = process.env, stdio = "inherit" } = {}) {
  return spawn(process.execPath, [require.resolve("node-red/red.js"), "-u", userDir, "-s", path.join(userDir, "settings.js")], { env, stdio });
}

/**
 * Starts Node-RED on `port` (0: a free one, read back from its log) and resolves once it serves
 * HTTP; `settings` are extra settings.js values. Resolves to {url, userDir, child, output(),
 * stop()}; stop() ends it (SIGTERM, then SIGKILL after 5 s) and removes the user directory.
 * Rejects with the log's tail if Node-RED exits or is not up within `timeoutMs`.
 */
function startNodeRed({ flows, configPatch, credentials, env = process.env, port = 0, host = "127.0.0.1", timeoutMs = 30000, lang, settings }) {
  const userDir = prepareUserDir({ flows, configPatch, credentials, host, port, lang, settings });
  const child = spawnNodeRed(userDir, { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const onData = (chunk) => {
    log += chunk;
    if (log.length > 200000) log = log.slice(-100000);
  };
  child.stdout.setEncoding("utf8").on("data", onData);
  child.stderr.setEncoding("utf8").on("data", onData);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(userDir, { recursive: true, force: true });
  };

  return new Promise((resolve, reject) => {
    const fail = async (why) => {
      clearInterval(poll);
      clearTimeout(deadline);
      await stop();
      reject(new Error(`Node-RED did not start: ${why}\n--- Node-RED log (tail) ---\n${log.slice(-4000)}`));
    };
    const poll = setInterval(async () => {
      const match = RUNNING.exec(log);
      if (!match) return;
      clearInterval(poll);
      clearTimeout(deadline);
      const url = match[1].replace(/\/$/, "");
      resolve({ url, userDir, child, output: () => log, stop });
    }, 50);
    const deadline = setTimeout(() => fail(`no "Server now running" line within ${timeoutMs} ms`), timeoutMs);
    exited.then((code) => {
      if (!RUNNING.test(log)) fail(`it exited (${code})`);
    });
  });
}

module.exports = { ROOT, VERIFY_WEBSOCKET_ORIGIN, prepareUserDir, prepareWorkDir, spawnNodeRed, startNodeRed };
