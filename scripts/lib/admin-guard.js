"use strict";
// What keeps `npm start`'s Node-RED to its own pages. Node-RED's admin API answers any origin
// (Access-Control-Allow-Origin: *) and `npm start` sets no login, so without this a web page on
// another site could deploy a flow with an exec node (a CORS preflight, then POST /flows), and a
// site whose name is made to resolve to 127.0.0.1 (DNS rebinding) could do the same as "itself".
// So every request and WebSocket upgrade is refused when its Host is not a name this Node-RED is
// served under, or when it carries an Origin that is not this Node-RED (nor one the user allowed).
// When the bind address reaches beyond this machine, the editor also asks for a login (adminAuth)
// with a password generated once and kept in the user directory, like the credential secret.
// Runs inside the Node-RED process: settings.js (written by node-red.js) calls protect().
const crypto = require("crypto");
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");

const PASSWORD_FILE = "admin-password";
const ADMIN_USER = "admin";

/** Whether a bind address keeps Node-RED to this machine. */
function isLoopback(host) {
  const name = String(host).replace(/^\[|\]$/g, "").toLowerCase();
  return name === "localhost" || name === "::1" || /^127(\.\d{1,3}){3}$/.test(name);
}

/** The names a browser may use for this Node-RED in Host: loopback, the bind address, and when it binds every interface, this machine's addresses and name. */
function servedNames(bindHost, extraHosts = []) {
  const names = new Set(["localhost", "127.0.0.1", "::1", ...extraHosts.map((h) => h.toLowerCase())]);
  const bind = String(bindHost).replace(/^\[|\]$/g, "").toLowerCase();
  if (bind === "0.0.0.0" || bind === "::") {
    for (const list of Object.values(os.networkInterfaces())) for (const a of list || []) names.add(a.address.toLowerCase().replace(/%.*$/, ""));
    const hostname = os.hostname().toLowerCase();
    names.add(hostname);
    names.add(`${hostname}.local`);
  } else {
    names.add(bind);
  }
  return names;
}

/** host[:port] as hostname and port; null when it is no host at all. */
function splitHost(value) {
  try {
    const url = new URL(`http://${value}`);
    if (url.pathname !== "/" || url.username || url.search || url.hash) return null;
    return { hostname: url.hostname.replace(/^\[|\]$/g, "").toLowerCase(), port: url.port || "80" };
  } catch {
    return null;
  }
}

/**
 * Why a request is refused, or null when it may pass. `names` are the host names this Node-RED is
 * served under; `origins` the other sites the user allowed (exact origins such as https://a.example).
 */
function refusal(headers, { names, origins }) {
  const host = headers.host;
  const served = host === undefined ? null : splitHost(host);
  if (host !== undefined && (served === null || !names.has(served.hostname))) {
    return `Host "${String(host).slice(0, 100)}" is not a name this Node-RED is served under (DNS rebinding?)`;
  }
  const origin = headers.origin;
  if (origin === undefined) return null;
  if (origins.has(origin)) return null;
  let url = null;
  try {
    url = new URL(origin);
  } catch {
    // "null" (a sandboxed frame, a file) and garbage name no site this Node-RED serves
  }
  if (url === null || !/^https?:$/.test(url.protocol)) return `Origin "${String(origin).slice(0, 100)}" is not a page of this Node-RED`;
  const from = { hostname: url.hostname.replace(/^\[|\]$/g, "").toLowerCase(), port: url.port || (url.protocol === "https:" ? "443" : "80") };
  // Same server under another of its names (localhost and 127.0.0.1) is still this Node-RED.
  if (served !== null && names.has(from.hostname) && from.port === served.port) return null;
  if (served === null && names.has(from.hostname)) return null;
  return `Origin "${String(origin).slice(0, 100)}" is not a page of this Node-RED`;
}

const ADVICE = "npm start refuses other sites and host names; NR_ALLOWED_ORIGINS and NR_ALLOWED_HOSTS widen that (see the README, Securing the browser examples).";

/**
 * Wraps the next HTTP server created in this process (red.js creates its one server right after
 * reading the settings) so every request and upgrade passes refusal() first. Upgrades need this:
 * Node-RED's editor socket (/comms) and websocket nodes take them before any middleware runs.
 */
function guardNextServer(policy) {
  const createServer = http.createServer;
  http.createServer = function (...args) {
    http.createServer = createServer;
    const server = createServer.apply(this, args);
    const emit = server.emit;
    server.emit = function (event, req, resOrSocket, ...rest) {
      if (event === "request" || event === "upgrade") {
        const why = refusal(req.headers, policy);
        if (why !== null) {
          const body = `Refused: ${why}. ${ADVICE}\n`;
          if (event === "request") {
            resOrSocket.writeHead(403, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body), vary: "Origin" }).end(body);
          } else {
            resOrSocket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
          }
          return true;
        }
      }
      return emit.call(this, event, req, resOrSocket, ...rest);
    };
    return server;
  };
}

/**
 * The login for a Node-RED reachable beyond this machine: one user, "admin", with the password in
 * `passwordFile`, compared in constant time (no hash module needed: the file is the secret, like
 * the credential secret beside it).
 */
function adminAuth(passwordFile) {
  const digest = (s) => crypto.createHash("sha256").update(String(s)).digest();
  const expected = digest(fs.readFileSync(passwordFile, "utf8").trim());
  const user = { username: ADMIN_USER, permissions: "*" };
  return {
    type: "credentials",
    users: async (username) => (username === ADMIN_USER ? user : null),
    authenticate: async (username, password) => (username === ADMIN_USER && crypto.timingSafeEqual(digest(password), expected) ? user : null),
  };
}

/** Called from settings.js: the request guard always, and a login when the bind address is not loopback. */
function protect(settings, { userDir, allowedHosts = [], allowedOrigins = [] }) {
  guardNextServer({ names: servedNames(settings.uiHost, allowedHosts), origins: new Set(allowedOrigins) });
  if (!isLoopback(settings.uiHost)) settings.adminAuth = adminAuth(path.join(userDir, PASSWORD_FILE));
}

/**
 * Run by `npm start` before Node-RED: makes the admin password once when the bind address is not
 * loopback, and says in the banner what is protected and how to widen it. Returns the banner lines.
 */
function prepareAccess(userDir, { host, allowedHosts = [], allowedOrigins = [] }) {
  const lines = [
    "Only pages of this Node-RED may use it: requests from other sites (Origin) or under other host",
    "  names (Host: DNS rebinding) get 403, editor, admin API and flows alike.",
  ];
  if (allowedOrigins.length) lines.push(`  Also allowed (NR_ALLOWED_ORIGINS): ${allowedOrigins.join(", ")}`);
  if (allowedHosts.length) lines.push(`  Also served as (NR_ALLOWED_HOSTS): ${allowedHosts.join(", ")}`);
  lines.push("  To widen: NR_ALLOWED_ORIGINS=https://site,... lets other sites in, NR_ALLOWED_HOSTS=name,...");
  if (isLoopback(host)) {
    lines.push("  serves it under more names, NR_HOST=0.0.0.0 opens it to the network behind a login (README:", "  Securing the browser examples).");
    return lines;
  }
  const file = path.join(userDir, PASSWORD_FILE);
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${crypto.randomBytes(18).toString("base64url")}\n`, { mode: 0o600 });
  lines.push(
    "  serves it under more names (README: Securing the browser examples).",
    `  NR_HOST=${host} reaches beyond this machine, so the editor asks for a login:`,
    `    user "${ADMIN_USER}", password in ${file} (cat it; delete it for a new one).`,
    "  The flows' own routes (/soniox/...) have no login: set httpNodeAuth or use a proxy (README).",
  );
  return lines;
}

module.exports = { protect, prepareAccess, refusal, servedNames, isLoopback, PASSWORD_FILE };
