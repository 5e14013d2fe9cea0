/**
 * `ResourceKind`: everything the manager knows about one kind of resource.
 *
 * A kind module owns its request (read once from the caller's object into a
 * frozen internal form), its placement (an exact range, or constraints tried
 * in window order, or the shared IRQ that lies in no pool), the `Resource` it
 * builds, how that resource moves and resizes, how it is described, and its
 * snapshot codec. The manager is a generic engine over these modules and the
 * registry (`registry.ts`) that lists them; nothing else switches on a kind.
 */
import type { AllocErrorCode, Constraint, Range } from "@alloc/constraint";
import type { Layout, PoolName } from "../Layout.js";
import type { Resource } from "../requests.js";

/** Where a request goes: exactly one range, the first constraint that fits, or the shared IRQ. */
export type Placement =
  | {
      /** The one inclusive range the request must occupy (a fixed base, line, slot or id). */
      readonly exact: Range;
      /** Not set: placement is exact. */
      readonly fits?: undefined;
    }
  | {
      /** Constraints tried in this order; the first that fits is taken. */
      readonly fits: readonly Constraint[];
      /** Not set: placement is by constraint. */
      readonly exact?: undefined;
    }
  | {
      /** The layout's shared IRQ, which lies in no pool. */
      readonly shared: true;
      /** Not set: the shared IRQ takes no pool range. */
      readonly exact?: undefined;
      /** Not set: the shared IRQ takes no pool range. */
      readonly fits?: undefined;
    };

/**
 * Where a record sits, for messages only: its path, or an object that writes
 * the path when a message needs it (perf: no string building while every
 * record reads well, bench "restore").
 */
export type At =
  | string
  | {
      /** The record's path, e.g. `$.owners[0].resources[1]`, built only when a message needs it. */
      toString(): string;
    };

/**
 * Where a kind writes the snapshot entry of one resource: one call per field,
 * keys in sorted order. The snapshot writer writes the JSON text directly
 * (perf: no object per entry, bench "snapshot"); `toJSON` collects the same
 * calls into an object.
 */
export interface EntryWriter {
  /** A u64 field, written as `"0x…"` (lowercase hex). */
  hexField(key: string, value: bigint | number): void;
  /** A number field (a safe integer). */
  numberField(key: string, value: number): void;
  /** A boolean field. */
  booleanField(key: string, value: boolean): void;
  /** A string field. */
  stringField(key: string, value: string): void;
}

/** How a resource record (a snapshot entry, or a resource given back to the manager) is read. */
export interface ResourceReader {
  /** The code every mistake throws (`INVALID_SNAPSHOT`, `INVALID_ARGUMENT`). */
  readonly code: AllocErrorCode;
  /** An unsigned 64-bit field `key` of the record at `at`. */
  u64(value: unknown, at: At, key: string): bigint;
  /** A boolean field. */
  boolean(value: unknown, at: At, key: string): boolean;
  /** A string field. */
  string(value: unknown, at: At, key: string): string;
  /** Throws `code` naming `path`. */
  fail(path: string, message: string): never;
}

/**
 * One kind of resource. `Q` is its checked request, `R` its resource.
 *
 * @example
 * ```ts
 * const kind = kindNamed("pci-msix");
 * kind.pool; // "msi"
 * ```
 */
export interface ResourceKind<Q = unknown, R extends Resource = Resource> {
  /** The `kind` field of its requests and resources. */
  readonly name: R["kind"];
  /** The pool it draws from. */
  readonly pool: PoolName;
  /** Every key a request may have, `kind` included. */
  readonly requestKeys: readonly string[];
  /** Every key its resource (and snapshot entry) has, `kind` included. */
  readonly resourceKeys: readonly string[];
  /** {@link ResourceKind.resourceKeys} in the order a snapshot entry lists them (sorted, as canonical JSON writes keys); made by `defineKind`. */
  readonly recordKeys: readonly string[];
  /**
   * Checks a request (read once by the engine: `values[i]` is the value of
   * `requestKeys[i]`, `undefined` when absent) into its frozen internal form;
   * throws `INVALID_REQUEST` naming the field.
   */
  parse(values: readonly unknown[]): Q;
  /** Where the request may go in this layout (constraints in the order to try them). */
  place(req: Q, layout: Layout): Placement;
  /** The resource for `req` placed at `range` (`undefined` for the shared IRQ). */
  build(req: Q, range: Range | undefined, layout: Layout): R;
  /** The pool range a resource occupies (`undefined` for the shared IRQ). */
  rangeOf(res: R): Range | undefined;
  /** The range `res` would occupy at `base`, checked against the kind's rules (alignment, window); throws `argument` named. */
  moveTarget(res: R, base: bigint, layout: Layout): Range;
  /** The range `res` would occupy with `size` units at the same base, checked likewise. */
  resizeTarget(res: R, size: bigint, layout: Layout): Range;
  /** `res` at a new range (after a move or a resize). */
  rebase(res: R, range: Range, layout: Layout): R;
  /** One line for a request, e.g. `pci-msix x8`. */
  describeRequest(req: Q): string;
  /** One line for a resource, e.g. `vectors 24-31`. */
  describe(res: R): string;
  /** Writes the snapshot entry of a resource to `out`, keys in sorted order, u64 addresses as `"0x…"`. */
  write(res: R, out: EntryWriter): void;
  /** The snapshot (JSON) form of a resource: what {@link ResourceKind.write} writes, as an object (made by `defineKind`). */
  toJSON(res: R): Readonly<Record<string, string | number | boolean>>;
  /** Reads a resource record (keys already checked against {@link ResourceKind.resourceKeys}) and checks it against the layout. */
  read(record: Readonly<Record<string, unknown>>, at: At, layout: Layout, rd: ResourceReader): R;
}

/** Collects one entry's fields into an object (for `toJSON`). */
class RecordWriter implements EntryWriter {
  readonly record: Record<string, string | number | boolean> = {};
  hexField(key: string, value: bigint | number): void {
    this.record[key] = `0x${value.toString(16)}`;
  }
  numberField(key: string, value: number): void {
    this.record[key] = value;
  }
  booleanField(key: string, value: boolean): void {
    this.record[key] = value;
  }
  stringField(key: string, value: string): void {
    this.record[key] = value;
  }
}

/**
 * A kind module's definition, frozen, with its `toJSON` made from its `write`.
 *
 * @example
 * ```ts
 * export const deviceId: ResourceKind<DeviceIdPlan, DeviceIdResource> = defineKind({ name: "device-id", ... });
 * ```
 */
export function defineKind<Q, R extends Resource>(kind: Omit<ResourceKind<Q, R>, "toJSON" | "recordKeys">): ResourceKind<Q, R> {
  const toJSON = (res: R): Readonly<Record<string, string | number | boolean>> => {
    const out = new RecordWriter();
    kind.write(res, out);
    return out.record;
  };
  return Object.freeze({ ...kind, toJSON, recordKeys: Object.freeze([...kind.resourceKeys].sort()) });
}
