/**
 * The registry of resource kinds: one line per kind. The manager, the
 * snapshot codec, the VM description reader and every lookup find a kind's
 * rules here by its name; adding a kind is one module and one line below.
 */
import { AllocError, isAllocErrorCode, refuseArgument } from "@alloc/constraint";
import type { AllocErrorCode } from "@alloc/constraint";
import { describeValue } from "@alloc/constraint";

import type { PoolName } from "../Layout.js";
import type { Resource, RequestKind } from "../requests.js";
import { deviceId } from "./deviceId.js";
import { genericMsi } from "./genericMsi.js";
import type { ResourceKind } from "./Kind.js";
import { legacyIrq } from "./legacyIrq.js";
import { mem } from "./mem.js";
import { memSlot } from "./memSlot.js";
import { mmio } from "./mmio.js";
import { pciMsi } from "./pciMsi.js";
import { pciMsix } from "./pciMsix.js";
import { pio } from "./pio.js";

/** A kind as the engine sees it (its request form is opaque there). */
export type AnyKind = ResourceKind<unknown, Resource>;

const LIST: readonly AnyKind[] = [pio, mmio, mem, legacyIrq, pciMsi, pciMsix, genericMsi, memSlot, deviceId] as unknown as readonly AnyKind[];

const BY_NAME: ReadonlyMap<string, AnyKind> = new Map(LIST.map((k) => [k.name, k]));

/** Every request kind, in registry order. */
export const REQUEST_KINDS: readonly RequestKind[] = Object.freeze(LIST.map((k) => k.name));

/** Every key any request may have (the union over the kinds). */
export const ANY_REQUEST_KEYS: readonly string[] = Object.freeze([...new Set(LIST.flatMap((k) => k.requestKeys))]);

/** Every key any resource may have. */
export const ANY_RESOURCE_KEYS: readonly string[] = Object.freeze([...new Set(LIST.flatMap((k) => k.resourceKeys))]);

/** The pool each kind draws from. */
export const POOL_OF_KIND: Readonly<Record<RequestKind, PoolName>> = Object.freeze(
  Object.fromEntries(LIST.map((k) => [k.name, k.pool])) as Record<RequestKind, PoolName>,
);

/**
 * The kind called `name`; throws `code` (default `INVALID_REQUEST`) naming
 * `argument` for anything else, `"__proto__"` and `"toString"` included.
 *
 * @example
 * ```ts
 * kindNamed("pio").pool; // "pio"
 * ```
 */
export function kindNamed(name: unknown, argument = "kind", code: AllocErrorCode = "INVALID_REQUEST"): AnyKind {
  if (typeof argument !== "string") refuseArgument("argument", "a string", argument);
  if (code !== "INVALID_REQUEST" && !isAllocErrorCode(code)) refuseArgument("code", "an AllocError code", code);
  const kind = findKind(name);
  if (kind === undefined) {
    throw new AllocError(code, `${argument}: unknown kind ${describeValue(name)}; expected one of ${REQUEST_KINDS.join(", ")}`, {
      argument,
      path: argument,
      value: name,
    });
  }
  return kind;
}

/**
 * The kind called `name`, or `undefined` for anything else (a caller that
 * names the mistake itself, such as the snapshot reader).
 *
 * @example
 * ```ts
 * findKind("mmio")?.pool; // "mmio"
 * findKind("toString");   // undefined
 * ```
 */
export function findKind(name: unknown): AnyKind | undefined {
  return typeof name === "string" ? BY_NAME.get(name) : undefined;
}

/** The kind of a resource the manager built (trusted). */
export function kindOfResource(res: Resource): AnyKind {
  return BY_NAME.get(res.kind) as AnyKind;
}
