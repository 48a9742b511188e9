/**
 * Objects that ride on Node-RED messages are made here instead of with object literals. Node-RED
 * holds every message sent during one turn until a setImmediate delivers them, so a garbage
 * collection that falls inside a busy turn finds all recent objects of a literal alive; V8 then
 * pretenures that literal's allocation site (allocates its objects straight into the old
 * generation). From then on every message is old-generation garbage that only full mark-compacts
 * free, 10-15 ms pauses about once a second at 200 streams (npm run bench, with
 * --trace-pretenuring). Constructors and Object.create have no allocation site, so they are never
 * pretenured; the result is an ordinary object (Object.prototype, own enumerable properties, in
 * the order they were set).
 */

/** `new` of a function made by plainConstructor: a plain object of one fixed shape. */
export type PlainConstructor<A extends unknown[], T extends object> = new (...args: A) => T;

/**
 * Turns `init` (a `function`, which sets the fields in order) into a constructor of plain
 * objects: its prototype is Object.prototype, so what `new` makes cannot be told from the literal
 * it replaces (`constructor === Object`, util.inspect, deepStrictEqual, JSON, Node-RED's clone).
 * The fields are stored one by one into a known shape, which costs less per message than the
 * generic copy behind Object.assign (about 1 % of the process at 200 streams, under perf).
 */
export function plainConstructor<A extends unknown[], T extends object>(init: (this: T, ...args: A) => void): PlainConstructor<A, T> {
  const ctor = init as unknown as PlainConstructor<A, T> & { prototype: object };
  ctor.prototype = Object.prototype;
  return ctor;
}

/** A copy of an object of any shape (a message passed on), as a plain object made the same way. */
export function plainObject<T extends object>(fields: T): T {
  return Object.assign(Object.create(Object.prototype) as object, fields) as T;
}

