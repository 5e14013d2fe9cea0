/**
 * The boundary toolkit: quoting, describing, reading records and u64 values.
 */
import { describe, expect, it } from "vitest";
import {
  Range,
  describeValue,
  isAllocError,
  isArrayInput,
  quoteText,
  readArray,
  readFields,
  readOptionalU64,
  readRecord,
  readU64,
  refuseArgument,
  refuseThis,
  safeLine,
  toU64,
} from "../src/index.js";
import { expectAllocError, throwingProxy } from "./helpers.js";

const OPTS = { what: "a request", code: "INVALID_REQUEST" as const, path: "$.requests[0]" };

describe("quoteText", () => {
  it("quotes plain text JSON-style", () => {
    expect(quoteText("base")).toBe('"base"');
    expect(quoteText('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it("escapes control characters, separators and lone surrogates: always one line", () => {
    expect(quoteText("a\nb\rc\td")).toBe('"a\\nb\\rc\\td"');
    expect(quoteText("\u0000\u001b[31m\u007f\u009b")).toBe('"\\u0000\\u001b[31m\\u007f\\u009b"');
    expect(quoteText("x\u2028y\u2029z")).toBe('"x\\u2028y\\u2029z"');
    expect(quoteText("\u202eevil")).toBe('"\\u202eevil"');
    expect(quoteText("\ud800x\udc00")).toBe('"\\ud800x\\udc00"');
    expect(quoteText("😀")).toBe('"😀"');
    for (let c = 0; c < 0x20; c++) expect(quoteText(String.fromCharCode(c))).not.toMatch(/[\u0000-\u001f]/);
  });

  it("cuts long text at max characters with an ellipsis and the full length, in O(max)", () => {
    expect(quoteText("x".repeat(100), 4)).toBe('"xxxx…" (100 chars)');
    const huge = "k".repeat(50_000_000);
    const q = quoteText(huge);
    expect(q.length).toBeLessThan(120);
    expect(q).toContain("(50000000 chars)");
    expect(quoteText("ab😀", 3)).toBe('"ab…" (4 chars)');
  });
});

describe("describeValue", () => {
  it.each([
    ["0x10", 'string "0x10"'],
    [true, "boolean true"],
    [1.5, "number 1.5"],
    [-0, "number -0"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
    [5n, "bigint 5n"],
    [undefined, "undefined"],
    [null, "null"],
    [[7], "array (length 1)"],
    [() => 1, "function"],
    [{ a: 1 }, "object"],
  ] as [unknown, string][])("describes %s", (v, text) => {
    expect(describeValue(v)).toBe(text);
  });

  it("shortens long bigints and strings", () => {
    const d = describeValue(10n ** 200n);
    expect(d.length).toBeLessThan(60);
    expect(d).toContain("201 digits");
    expect(describeValue("s".repeat(1000)).length).toBeLessThan(80);
  });

  it("never runs user code: no toString, no getters, no proxy traps", () => {
    let ran = 0;
    const evil = {
      toString: () => `${ran++}`,
      valueOf: () => ran++,
      get x() {
        return ran++;
      },
    };
    const proxy = new Proxy(
      {},
      {
        get: () => {
          ran++;
          return 1;
        },
        getPrototypeOf: () => {
          ran++;
          return null;
        },
      },
    );
    expect(describeValue(evil)).toBe("object");
    expect(describeValue(proxy)).toBe("object");
    expect(describeValue(Symbol("s\n"))).toBe('symbol "s\\n"');
    expect(ran).toBe(0);
    const { proxy: revoked, revoke } = Proxy.revocable([], {});
    revoke();
    expect(describeValue(revoked)).toBe("object");
  });
});

describe("refuseArgument and refuseThis", () => {
  it("keep their own text one line too: a name or description with a newline is escaped, a non-string one described", () => {
    const e = expectAllocError(() => refuseArgument("x\ny", 'one of "a", "b"', 1), "INVALID_ARGUMENT", "x\\ny");
    expect(e.message).toBe('x\\ny must be one of "a", "b"; got number 1');
    const t = expectAllocError(() => refuseThis(Symbol("q") as unknown as string, 1), "INVALID_ARGUMENT", "this");
    expect(t.message).toBe('this must be symbol "q" built by its constructor; got number 1');
    const long = expectAllocError(() => refuseArgument("n".repeat(500), "\u2028", 1), "INVALID_ARGUMENT");
    expect(long.message).toBe(`${"n".repeat(200)}… (500 chars) must be \\u2028; got number 1`);
  });

  it("throw INVALID_ARGUMENT in the one shape: '<argument> must be <expected>; got <value described>'", () => {
    const e = expectAllocError(() => refuseArgument("count", "a safe integer >= 1", 0.5), "INVALID_ARGUMENT", "count");
    expect(e.message).toBe("count must be a safe integer >= 1; got number 0.5");
    const t = expectAllocError(() => refuseThis("an IntervalTree", {}), "INVALID_ARGUMENT", "this");
    expect(t.message).toBe(`this must be an IntervalTree built by its constructor; got ${describeValue({})}`);
  });

  it("describe the value without running its code: a proxy whose every trap throws, a long control-character string", () => {
    const hostile = throwingProxy();
    const e = expectAllocError(() => refuseArgument("options", "a plain object", hostile), "INVALID_ARGUMENT", "options");
    expect(e.message.startsWith("options must be a plain object; got ")).toBe(true);
    const long = expectAllocError(() => refuseArgument("name", "a short name", `a\n${"x".repeat(100_000)}`), "INVALID_ARGUMENT", "name");
    expect(long.message).not.toContain("\n");
    expect(long.message.length).toBeLessThan(300);
  });
});

describe("readRecord", () => {
  it("returns a frozen null-prototype record of the keys present", () => {
    const r = readRecord({ base: 1, size: undefined }, ["base", "size", "align"], OPTS);
    expect(Object.getPrototypeOf(r)).toBe(null);
    expect(Object.isFrozen(r)).toBe(true);
    expect({ ...r }).toEqual({ base: 1, size: undefined });
    expect("align" in r).toBe(false);
  });

  it.each([null, undefined, 5, "x", [1], () => 1, Symbol("s"), 1n])("refuses %s as a record with the given code", (v) => {
    const e = expectAllocError(() => readRecord(v, ["base"], OPTS), "INVALID_REQUEST");
    expect(e.details.path).toBe("$.requests[0]");
    expect(e.message).toContain("a request must be a plain object");
  });

  it("refuses an unknown key naming it, listing the allowed ones and suggesting the nearest", () => {
    const e = expectAllocError(() => readRecord({ bsae: 0x3f8, size: 8 }, ["base", "size"], OPTS), "INVALID_REQUEST", "bsae");
    expect(e.details.path).toBe("$.requests[0]");
    expect(e.message).toBe('a request has an unknown key "bsae" (allowed: base, size); did you mean "base"?');
    expect(expectAllocError(() => readRecord({ allign: 4 }, ["size", "align"], OPTS), "INVALID_REQUEST", "allign").message).toContain('did you mean "align"?');
    expect(expectAllocError(() => readRecord({ line: 9 }, ["base", "count"], OPTS), "INVALID_REQUEST", "line").message).not.toContain("did you mean");
  });

  it("ignores a symbol key and never reads it", () => {
    let reads = 0;
    const input = {
      size: 8,
      get [Symbol("base")](): number {
        reads++;
        throw new Error("a symbol-keyed getter must not run");
      },
    };
    const record = readRecord(input, ["base", "size"], OPTS);
    expect(record).toEqual({ size: 8 });
    expect(Object.getOwnPropertySymbols(record)).toEqual([]);
    const out: unknown[] = [undefined, undefined];
    expect(readFields(input, ["base", "size"], OPTS, out)).toBe(0b10);
    expect(reads).toBe(0);
  });

  it("ignores a symbol key listed by a proxy's ownKeys trap and never asks for it", () => {
    const sym = Symbol("base");
    const asked: (string | symbol)[] = [];
    const proxy = new Proxy(
      { base: 1, [sym]: 2 },
      {
        get(target, key, receiver) {
          asked.push(key);
          return Reflect.get(target, key, receiver);
        },
        getOwnPropertyDescriptor(target, key) {
          asked.push(key);
          return Reflect.getOwnPropertyDescriptor(target, key);
        },
      },
    );
    expect(readRecord(proxy, ["base"], OPTS)).toEqual({ base: 1 });
    expect(asked).not.toContain(sym);
  });

  it("still refuses a non-enumerable unknown string key", () => {
    const input = Object.defineProperty({ size: 8 }, "bsae", { value: 1, enumerable: false });
    expectAllocError(() => readRecord(input, ["base", "size"], OPTS), "INVALID_REQUEST", "bsae");
  });

  it("refuses __proto__, constructor and toString as own keys", () => {
    for (const json of ['{"__proto__": 1}', '{"constructor": 1}', '{"toString": 1}']) {
      expectAllocError(() => readRecord(JSON.parse(json), ["base"], OPTS), "INVALID_REQUEST");
    }
  });

  it("a 50 MB key gives a message of a few hundred characters, control characters escaped", () => {
    const key = `\u001b[2J${"k".repeat(50_000_000)}`;
    const e = expectAllocError(() => readRecord({ [key]: 1 }, ["base"], OPTS), "INVALID_REQUEST");
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).not.toMatch(/[\u0000-\u001f]/);
    expect(e.message).toContain("\\u001b");
    expect(e.message).toContain("(50000004 chars)");
  });

  it("never reads inherited properties", () => {
    const input = Object.create({ base: 1 }) as object;
    expect({ ...readRecord(input, ["base"], OPTS) }).toEqual({});
  });

  it("through a proxy: one ownKeys and exactly one get per key, no other trap", () => {
    const log: string[] = [];
    const proxy = new Proxy({ base: 1, size: 2 } as Record<string, unknown>, {
      ownKeys: (t) => (log.push("ownKeys"), Reflect.ownKeys(t)),
      get: (t, k) => (log.push(`get ${String(k)}`), Reflect.get(t, k)),
      has: (t, k) => (log.push(`has ${String(k)}`), Reflect.has(t, k)),
      getOwnPropertyDescriptor: (t, k) => (log.push(`gopd ${String(k)}`), Reflect.getOwnPropertyDescriptor(t, k)),
    });
    expect({ ...readRecord(proxy, ["base", "size"], OPTS) }).toEqual({ base: 1, size: 2 });
    expect(log).toEqual(["ownKeys", "get base", "get size"]);
  });

  it("a getter that changes between reads is read once; the record keeps that one value", () => {
    let n = 0;
    const input = {
      get size() {
        return ++n;
      },
    };
    const r = readRecord(input, ["size"], OPTS);
    expect(r.size).toBe(1);
    expect(r.size).toBe(1);
    expect(n).toBe(1);
  });

  it("a throwing getter or trap becomes an AllocError with the thrown value as cause", () => {
    const boom = new Error("boom");
    const e = expectAllocError(
      () =>
        readRecord(
          {
            get base(): never {
              throw boom;
            },
          },
          ["base"],
          OPTS,
        ),
      "INVALID_REQUEST",
      "base",
    );
    expect(e.cause).toBe(boom);
    const p = new Proxy(
      {},
      {
        ownKeys: () => {
          throw boom;
        },
      },
    );
    expect(expectAllocError(() => readRecord(p, ["base"], OPTS), "INVALID_REQUEST").cause).toBe(boom);
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    expectAllocError(() => readRecord(revoked, ["base"], OPTS), "INVALID_REQUEST");
  });

  it("isArrayInput answers Array.isArray, and refuses a revoked proxy (where Array.isArray throws a TypeError) with the caller's code", () => {
    expect(isArrayInput([1], OPTS)).toBe(true);
    expect(isArrayInput(new Proxy([], {}), OPTS)).toBe(true);
    expect(isArrayInput({ length: 0 }, OPTS)).toBe(false);
    const { proxy: revoked, revoke } = Proxy.revocable([], {});
    revoke();
    const e = expectAllocError(() => isArrayInput(revoked, OPTS), "INVALID_REQUEST", "$.requests[0]");
    expect(e.message).toBe("a request is a revoked proxy");
    expect(e.details.path).toBe("$.requests[0]");
    expect(e.cause).toBeInstanceOf(TypeError);
  });

  it("keeps the caller's own description one line: a `what` with control characters is escaped, a long one cut", () => {
    const e = expectAllocError(() => readRecord(5, ["base"], { what: "op\n1", code: "INVALID_REQUEST" }), "INVALID_REQUEST");
    expect(e.message).toBe("op\\n1 must be a plain object; got number 5");
    const long = expectAllocError(() => readArray(5, { what: "w".repeat(1000), code: "INVALID_REQUEST" }), "INVALID_REQUEST");
    expect(long.message).toBe(`${"w".repeat(200)}… (1000 chars) must be an array; got number 5`);
  });

  it("readArray reads length once and each element once, in order, into a copy of its own", () => {
    const reads: string[] = [];
    const source = new Proxy([10, 20, 30], {
      get(t, k, r) {
        reads.push(String(k));
        return Reflect.get(t, k, r);
      },
    });
    const copy = readArray(source, OPTS);
    expect(copy).toEqual([10, 20, 30]);
    expect(reads).toEqual(["length", "0", "1", "2"]);
    expect(copy === source).toBe(false);
    const plain = [1, 2];
    const again = readArray(plain, OPTS);
    plain[0] = 9;
    expect(again).toEqual([1, 2]);
  });

  it("readArray refuses a non-array, a revoked proxy, a length no array has and a throwing trap, naming what and where", () => {
    expect(expectAllocError(() => readArray({ 0: 1, length: 1 }, OPTS), "INVALID_REQUEST").message).toBe("a request must be an array; got object");
    expect(expectAllocError(() => readArray("ab", OPTS), "INVALID_REQUEST").message).toBe('a request must be an array; got string "ab"');
    const { proxy: revoked, revoke } = Proxy.revocable([], {});
    revoke();
    expect(expectAllocError(() => readArray(revoked, OPTS), "INVALID_REQUEST").message).toBe("a request is a revoked proxy");
    for (const length of [1e12, -1, 1.5, "2", Number.NaN]) {
      const lying = new Proxy([1], { get: (t, k, r) => (k === "length" ? length : Reflect.get(t, k, r)) });
      expect(expectAllocError(() => readArray(lying, OPTS), "INVALID_REQUEST").message).toBe(
        `a request has a length that no array has: ${describeValue(length)}`,
      );
    }
    const boom = new Error("boom");
    const badLength = new Proxy([1], {
      get: (t, k, r) => {
        if (k === "length") throw boom;
        return Reflect.get(t, k, r);
      },
    });
    const e1 = expectAllocError(() => readArray(badLength, OPTS), "INVALID_REQUEST", "$.requests[0]");
    expect(e1.message).toBe("a request: reading its length threw");
    expect(e1.cause).toBe(boom);
    const badElement = new Proxy([1, 2, 3], {
      get: (t, k, r) => {
        if (k === "2") throw boom;
        return Reflect.get(t, k, r);
      },
    });
    const e2 = expectAllocError(() => readArray(badElement, OPTS), "INVALID_REQUEST");
    expect(e2.message).toBe("a request: reading element 2 threw");
    expect(e2.details.path).toBe("$.requests[0]");
    expect(e2.cause).toBe(boom);
  });

  it("readFields fills slots by allowed index and returns the mask of keys present", () => {
    const out: unknown[] = [undefined, undefined, undefined];
    expect(readFields({ c: 3, a: 1 }, ["a", "b", "c"], OPTS, out)).toBe(0b101);
    expect(out).toEqual([1, undefined, 3]);
  });

  it("readFields reads in the input's own order and, refusing a key, keeps the values read before it (and reads nothing after)", () => {
    const reads: string[] = [];
    const input = new Proxy(
      { c: 3, zz: 0, a: 1 },
      {
        get(t, key, receiver) {
          reads.push(String(key));
          return Reflect.get(t, key, receiver);
        },
      },
    );
    const out: unknown[] = [undefined, undefined, undefined];
    const e = expectAllocError(() => readFields(input, ["a", "b", "c"], OPTS, out), "INVALID_REQUEST");
    expect(e.details.argument).toBe("zz");
    expect(out).toEqual([undefined, undefined, 3]);
    expect(reads).toEqual(["c"]);
  });
});

describe("readU64", () => {
  it("accepts bigints and safe-integer numbers, -0 as 0", () => {
    expect(readU64(0, "x")).toBe(0n);
    expect(readU64(-0, "x")).toBe(0n);
    expect(readU64(2 ** 53 - 1, "x")).toBe(2n ** 53n - 1n);
    expect(readU64(2n ** 64n - 1n, "x")).toBe(2n ** 64n - 1n);
    expect(toU64(7n)).toBe(7n);
  });

  it.each([
    ["a string", "0x10", 'string "0x10"'],
    ["a numeric string", "16", 'string "16"'],
    ["true", true, "boolean true"],
    ["false", false, "boolean false"],
    ["an array", [7], "array (length 1)"],
    ["NaN", NaN, "NaN"],
    ["Infinity", Infinity, "Infinity"],
    ["-Infinity", -Infinity, "-Infinity"],
    ["a fraction", 1.5, "number 1.5"],
    ["an unsafe integer", 2 ** 53, "number 9007199254740992"],
    ["a negative number", -1, "number -1"],
    ["a negative bigint", -1n, "bigint -1n"],
    ["2^64", 2n ** 64n, "bigint 18446744073709551616n"],
    ["a symbol", Symbol("s"), 'symbol "s"'],
    ["an object", { valueOf: () => 1 }, "object"],
    ["undefined", undefined, "undefined"],
    ["null", null, "null"],
  ] as [string, unknown, string][])("refuses %s, naming the field and describing the value", (_name, v, text) => {
    const e = expectAllocError(() => readU64(v, "pio.base"), "INVALID_VALUE", "pio.base");
    expect(e.message).toContain("pio.base");
    expect(e.message).toContain(text);
    expect(e.message).not.toContain("\n");
  });

  it("throws the code asked for", () => {
    expectAllocError(() => readU64("1", "x", "INVALID_REQUEST"), "INVALID_REQUEST", "x");
  });

  it("readOptionalU64 gives the fallback only for undefined", () => {
    expect(readOptionalU64(undefined, "align", 1n)).toBe(1n);
    expect(readOptionalU64(8, "align", 1n)).toBe(8n);
    expectAllocError(() => readOptionalU64(null, "align", 1n), "INVALID_VALUE", "align");
  });
});

describe("safeLine", () => {
  it("escapes control characters, separators and lone surrogates like quoteText, but keeps quotes and backslashes", () => {
    expect(safeLine('a "b" \\ c')).toBe('a "b" \\ c');
    expect(safeLine("a\nb\u0000c\u001b[31md\u2028e\ud800f")).toBe("a\\nb\\u0000c\\u001b[31md\\u2028e\\ud800f");
  });
  it("cuts long text with an ellipsis and the full length, never inside a surrogate pair", () => {
    expect(safeLine("x".repeat(100), 4)).toBe("xxxx… (100 chars)");
    expect(safeLine(`ab${"😀".repeat(3)}`, 3)).toBe("ab… (8 chars)");
    expect(safeLine("short", 5)).toBe("short");
  });
  it("is one line and bounded for a 50 MB message", () => {
    const out = safeLine(`${"\n".repeat(25_000_000)}${"y".repeat(25_000_000)}`);
    expect(out).not.toMatch(/[\n\r]/);
    expect(out.length).toBeLessThan(500);
  });
});

describe("the toolkit's own parameters", () => {
  const trap = throwingProxy();
  const notNames = [Symbol("s"), trap, 5, null, {}, ["a"]];

  it("a name for messages must be a string (readU64, readOptionalU64, toU64, Range.from)", () => {
    for (const name of notNames) {
      expect(expectAllocError(() => readU64(1, name as never), "INVALID_ARGUMENT").details.argument).toBe("name");
      expect(expectAllocError(() => readU64("x", name as never), "INVALID_ARGUMENT").details.argument).toBe("name");
      expect(expectAllocError(() => readOptionalU64(undefined, name as never, 0n), "INVALID_ARGUMENT").details.argument).toBe("name");
      expect(expectAllocError(() => toU64(1, name as never), "INVALID_ARGUMENT").details.argument).toBe("argument");
      expect(expectAllocError(() => Range.from({ min: 1, max: 0 }, name as never), "INVALID_ARGUMENT").details.argument).toBe("name");
    }
    // A real Range is returned as it is, whatever the name: nothing is read.
    const r = new Range(1, 2);
    expect(Range.from(r, "range")).toBe(r);
    expect(readU64(7, "size")).toBe(7n);
  });

  it("an error code must be one of AllocError's, a fallback a u64 bigint", () => {
    expect(expectAllocError(() => readU64("x", "size", "BANANA" as never), "INVALID_ARGUMENT").details.argument).toBe("code");
    expect(expectAllocError(() => readU64(1, "size", Symbol() as never), "INVALID_ARGUMENT").details.argument).toBe("code");
    expectAllocError(() => readU64("x", "size", "INVALID_REQUEST"), "INVALID_REQUEST");
    for (const fallback of [1, -1n, 2n ** 64n, "0", undefined]) {
      expect(expectAllocError(() => readOptionalU64(undefined, "align", fallback as never), "INVALID_ARGUMENT").details.argument).toBe("fallback");
    }
  });

  it("readRecord and readFields refuse a bad key list, out array or options, never blaming the input", () => {
    for (const allowed of [null, "min", { length: 1 }, Array.from({ length: 32 }, (_, i) => `k${i}`)]) {
      expect(expectAllocError(() => readRecord({}, allowed as never, OPTS), "INVALID_ARGUMENT").details.argument).toBe("allowed");
    }
    expect(expectAllocError(() => readFields({}, ["a"], OPTS, null as never), "INVALID_ARGUMENT").details.argument).toBe("out");
    expect(expectAllocError(() => readRecord({ b: 1 }, ["a", 7 as never], OPTS), "INVALID_ARGUMENT").details.argument).toBe("allowed[1]");
    // Options are read (once) only when the input is refused: then a bad one is named.
    const bad: Array<[unknown, string]> = [
      [null, "options"],
      [trap, "options"],
      [{ what: 5, code: "INVALID_REQUEST" }, "options.what"],
      [{ what: "x", code: "BANANA" }, "options.code"],
      [{ what: "x", code: "INVALID_REQUEST", path: 3 }, "options.path"],
      [{ what: "x", code: "INVALID_REQUEST", extra: 1 }, "extra"],
    ];
    for (const [options, argument] of bad) {
      for (const input of [null, { zz: 1 }]) {
        const e = expectAllocError(() => readRecord(input, ["a"], options as never), "INVALID_ARGUMENT");
        expect(e.details.argument, argument).toBe(argument);
      }
    }
    expect(readRecord({ a: 1 }, ["a"], null as never)).toEqual({ a: 1 });
  });

  it("quoteText and safeLine take any text and a limit that is a safe integer >= 0", () => {
    expect(safeLine(5 as never)).toBe("number 5");
    expect(safeLine(Symbol("a\nb") as never)).toBe('symbol "a\\nb"');
    expect(quoteText(null as never)).toBe("null");
    for (const max of [1.5, -1, NaN, "4", 4n, Symbol(), null]) {
      expect(expectAllocError(() => quoteText("abc", max as never), "INVALID_ARGUMENT").details.argument).toBe("max");
      expect(expectAllocError(() => safeLine("abc", max as never), "INVALID_ARGUMENT").details.argument).toBe("max");
    }
    expect(quoteText("abcdef", 0)).toBe('"…" (6 chars)');
  });

  it("isAllocError is false, never a throw, for a proxy whose traps throw", () => {
    expect(isAllocError(trap)).toBe(false);
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(isAllocError(revocable.proxy)).toBe(false);
  });
});
