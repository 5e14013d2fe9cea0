import { describe, it, expect } from "vitest";
import { AllocError, AllocErrorCode, isAllocError, isAllocErrorCode } from "@alloc/constraint";
import { expectAllocError, throwingProxy } from "./helpers.js";

describe("AllocError", () => {
  it("carries code, message, details and the name AllocError", () => {
    const e = new AllocError("OVERLAP", "range overlaps", { range: "[0x1, 0x2]", conflict: "[0x2, 0x3]" });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(AllocError);
    expect(e.code).toBe("OVERLAP");
    expect(e.message).toBe("range overlaps");
    expect(e.name).toBe("AllocError");
    expect(String(e)).toBe("AllocError: range overlaps");
    expect(e.details).toEqual({ range: "[0x1, 0x2]", conflict: "[0x2, 0x3]" });
    expect(e.stack ?? "").toContain("AllocError");
  });

  it("details default to an empty frozen object", () => {
    const e = new AllocError("NOT_FOUND", "nothing here");
    expect(e.details).toEqual({});
    expect(Object.isFrozen(e.details)).toBe(true);
  });

  it("details are a frozen copy of what was given", () => {
    const given: { argument: string; value?: unknown } = { argument: "size", value: 3 };
    const e = new AllocError("INVALID_SIZE", "bad", given);
    expect(Object.isFrozen(e.details)).toBe(true);
    expect(e.details).not.toBe(given);
    given.argument = "changed";
    expect(e.details.argument).toBe("size");
    expect(() => {
      "use strict";
      (e.details as { argument: string }).argument = "x";
    }).toThrow(TypeError);
    expect(e.details.argument).toBe("size");
  });

  it("keeps the cause", () => {
    const cause = new Error("root");
    const e = new AllocError("INVALID_SNAPSHOT", "bad snapshot", { path: "$.pools[0]" }, { cause });
    expect(e.cause).toBe(cause);
    expect(e.details.path).toBe("$.pools[0]");
    expect(new AllocError("CONFLICT", "x").cause).toBeUndefined();
  });

  it("lists the documented closed set of codes", () => {
    expect(Object.values(AllocErrorCode).sort()).toEqual(
      [
        "INVALID_VALUE",
        "INVALID_ARGUMENT",
        "INVALID_RANGE",
        "INVALID_SIZE",
        "INVALID_ALIGNMENT",
        "INVALID_WINDOW",
        "OVERLAP",
        "NOT_FOUND",
        "NOT_ALLOCATED",
        "NO_FIT",
        "RESERVED",
        "CONFLICT",
        "UNKNOWN_OWNER",
        "DUPLICATE_OWNER",
        "INVALID_REQUEST",
        "INVALID_LAYOUT",
        "INVALID_SNAPSHOT",
      ].sort(),
    );
    expect(AllocErrorCode.InvalidAlignment).toBe("INVALID_ALIGNMENT");
    expect(AllocErrorCode.NoFit).toBe("NO_FIT");
  });
});

describe("isAllocError", () => {
  it("is true for an AllocError", () => {
    expect(isAllocError(new AllocError("NO_FIT", "full"))).toBe(true);
  });

  it("is true for an error from another installed copy (Symbol.for brand)", () => {
    class ForeignAllocError extends Error {
      readonly code = "OVERLAP";
      readonly details = {};
      constructor() {
        super("from another copy");
        Object.defineProperty(this, Symbol.for("@alloc/AllocError"), { value: true });
      }
    }
    const foreign = new ForeignAllocError();
    expect(foreign).not.toBeInstanceOf(AllocError);
    expect(isAllocError(foreign)).toBe(true);
    expect(isAllocError({ [Symbol.for("@alloc/AllocError")]: true, code: "OVERLAP" })).toBe(true);
  });

  it("is false for a brand that is not exactly true, or a different symbol", () => {
    expect(isAllocError({ [Symbol.for("@alloc/AllocError")]: "yes" })).toBe(false);
    expect(isAllocError({ [Symbol("@alloc/AllocError")]: true })).toBe(false);
    expect(isAllocError({ code: "OVERLAP", name: "AllocError" })).toBe(false);
  });

  it("is false for plain errors and non-objects", () => {
    expect(isAllocError(new Error("x"))).toBe(false);
    expect(isAllocError(new TypeError("x"))).toBe(false);
    expect(isAllocError(null)).toBe(false);
    expect(isAllocError(undefined)).toBe(false);
    expect(isAllocError("AllocError")).toBe(false);
    expect(isAllocError(42)).toBe(false);
    expect(isAllocError({})).toBe(false);
  });
});

describe("the AllocError constructor checks its own arguments", () => {
  const refused = (fn: () => unknown, argument: string): AllocError => expectAllocError(fn, "INVALID_ARGUMENT", argument);
  const trap = throwingProxy();

  it("refuses an unknown code, a message that is not a string, and details or options it cannot read", () => {
    refused(() => new AllocError("BANANA" as never, "m"), "code");
    refused(() => new AllocError(Symbol() as never, "m"), "code");
    refused(() => new AllocError("NO_FIT", Symbol("m") as never), "message");
    refused(() => new AllocError("NO_FIT", 5 as never), "message");
    refused(() => new AllocError("NO_FIT", "m", null as never), "details");
    refused(() => new AllocError("NO_FIT", "m", [] as never), "details");
    refused(() => new AllocError("NO_FIT", "m", trap as never), "details");
    refused(() => new AllocError("NO_FIT", "m", {}, null as never), "options");
    refused(() => new AllocError("NO_FIT", "m", {}, trap as never), "options");
  });

  it("keeps what it is given: details copied and frozen, the cause only when one is given", () => {
    const details = { argument: "size", value: 3 };
    const e = new AllocError("INVALID_SIZE", "m", details, { cause: "why" });
    details.argument = "changed";
    expect(e.details).toEqual({ argument: "size", value: 3 });
    expect(Object.isFrozen(e.details)).toBe(true);
    expect(e.cause).toBe("why");
    expect("cause" in new AllocError("NO_FIT", "m")).toBe(false);
    expect(Object.hasOwn(new AllocError("NO_FIT", "m", {}, { cause: undefined }), "cause")).toBe(true);
  });
});

describe("isAllocErrorCode", () => {
  it("is true exactly for the codes", () => {
    for (const code of Object.values(AllocErrorCode)) expect(isAllocErrorCode(code)).toBe(true);
    for (const v of ["NOFIT", "no_fit", "", undefined, null, 1, Symbol("NO_FIT"), { toString: () => "NO_FIT" }]) expect(isAllocErrorCode(v)).toBe(false);
  });
});
