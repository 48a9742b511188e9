"use strict";
// Messages are built by plain constructors and plainObject instead of literals (see
// src/core/plain-object.ts); flows must not be able to tell the difference.
const assert = require("assert");
const util = require("util");
const { plainConstructor, plainObject } = require("../../dist/core/plain-object");

describe("plain objects for messages", function () {
  const Pair = plainConstructor(function (a, b) {
    this.topic = a;
    this.payload = b;
  });

  it("a plain constructor makes what the literal made: prototype, constructor, keys in order, inspect, JSON", function () {
    const made = new Pair("a", { tokens: [] });
    const literal = { topic: "a", payload: { tokens: [] } };
    assert.strictEqual(Object.getPrototypeOf(made), Object.prototype);
    assert.strictEqual(made.constructor, Object);
    assert.strictEqual(made instanceof Pair, true, "instanceof is the one tell, and nothing in a flow has Pair to ask");
    assert.deepStrictEqual(made, literal);
    assert.deepStrictEqual(Object.keys(made), ["topic", "payload"]);
    assert.strictEqual(util.inspect(made), util.inspect(literal));
    assert.strictEqual(JSON.stringify(made), JSON.stringify(literal));
    assert.deepStrictEqual(structuredClone(made), literal);
  });

  it("what Node-RED does to a message treats it as a plain object: clone, property paths, a later field", function () {
    const RED = require("node-red");
    const made = new Pair("t", { final_text: "hi" });
    const clone = RED.util.cloneMessage(made);
    assert.notStrictEqual(clone.payload, made.payload, "deep-cloned like a literal");
    assert.deepStrictEqual(clone, { topic: "t", payload: { final_text: "hi" } });
    assert.strictEqual(RED.util.getMessageProperty(made, "payload.final_text"), "hi");
    made._msgid = "m1";
    assert.deepStrictEqual(Object.keys(made), ["topic", "payload", "_msgid"]);
  });

  it("plainObject copies any object as the literal {...fields} would: own enumerable properties (symbols too), nothing inherited", function () {
    const sym = Symbol("s");
    const base = Object.create({ inherited: true });
    base.topic = "t";
    base._msgid = "m";
    base[sym] = 1;
    Object.defineProperty(base, "hidden", { value: 1, enumerable: false });
    const copy = plainObject(base);
    assert.strictEqual(Object.getPrototypeOf(copy), Object.prototype);
    assert.deepStrictEqual(copy, { ...base });
    assert.deepStrictEqual(Object.keys(copy), ["topic", "_msgid"]);
    assert.strictEqual(copy[sym], 1);
    assert.strictEqual("inherited" in copy, false);
  });
});
