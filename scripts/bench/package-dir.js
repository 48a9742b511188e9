"use strict";
// The folder and version of an installed package, also for packages whose "exports" hide their
// package.json (@soniox/node does): walk up from the file require.resolve gives.
const fs = require("fs");
const path = require("path");

function packageDir(name) {
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, "package.json")) || JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name !== name) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json for ${name}`);
    dir = up;
  }
  return dir;
}

/** The installed version of `name`, or null when it is not installed. */
function packageVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageDir(name), "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

module.exports = { packageDir, packageVersion };
