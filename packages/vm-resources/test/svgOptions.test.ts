import { isAllocError } from "@alloc/constraint";
import { describe, expect, it } from "vitest";
import { EXAMPLE_MICROVM, SVG_SCALES, parseVmDescription, planVm, renderSvg } from "../src/index.js";

const plan = planVm(parseVmDescription(EXAMPLE_MICROVM));

function refusal(options: unknown): { code: string; argument: unknown; message: string } {
  try {
    renderSvg(plan, options as never);
  } catch (e) {
    if (!isAllocError(e)) throw e;
    return { code: e.code, argument: e.details.argument, message: e.message };
  }
  throw new Error("renderSvg accepted the options");
}

describe("renderSvg options: one read at the boundary", () => {
  it("no options, empty options and an explicit uniform scale draw the same map", () => {
    const plain = renderSvg(plan);
    expect(renderSvg(plan, {})).toBe(plain);
    expect(renderSvg(plan, { scale: "uniform" })).toBe(plain);
  });
  it("every listed scale is accepted, and the scaled maps differ from the uniform one", () => {
    const plain = renderSvg(plan);
    for (const scale of SVG_SCALES.filter((s) => s !== "uniform")) expect(renderSvg(plan, { scale })).not.toBe(plain);
  });
  it("a misspelt key is refused by name with a suggestion", () => {
    const r = refusal({ sclae: "log" });
    expect(r.code).toBe("INVALID_ARGUMENT");
    expect(r.argument).toBe("sclae");
    expect(r.message).toContain('did you mean "scale"');
  });
  it.each([["bogus"], ["LOG"], [1], [true], [null], [["log"]]])("scale %j is refused, not coerced", (scale) => {
    const r = refusal({ scale });
    expect(r.code).toBe("INVALID_ARGUMENT");
    expect(r.argument).toBe("scale");
    expect(r.message).toMatch(/^SVG option scale must be one of uniform, linear, log, auto; got /);
  });
  it("options that are not an object are refused", () => {
    for (const options of [null, "log", 3, ["log"]]) expect(refusal(options).code).toBe("INVALID_ARGUMENT");
  });
  it("a getter that changes between reads is read once: the map drawn is the one checked", () => {
    let reads = 0;
    const options = {
      get scale() {
        reads += 1;
        return reads === 1 ? "log" : "bogus";
      },
    };
    expect(renderSvg(plan, options as never)).toBe(renderSvg(plan, { scale: "log" }));
    expect(reads).toBe(1);
  });
  it("a long hostile value is quoted briefly on one line", () => {
    const r = refusal({ scale: `\u001b[31m${"x".repeat(10_000)}\n` });
    expect(r.message).not.toMatch(/[\n\u001b]/);
    expect(r.message.length).toBeLessThan(200);
  });
});
