/**
 * The single error type of `@alloc`.
 *
 * Every refused call throws an `AllocError` whose `code` comes from a closed set
 * and whose `details` say what was asked. Because packages are versioned
 * independently, two copies may be installed at once: test with
 * {@link isAllocError}, which checks a `Symbol.for` brand, not `instanceof`.
 */

/** The closed set of error codes. */
export const AllocErrorCode = {
  /** A value is not an integer in `0 .. 2^64-1` (wrong type, NaN, fraction, negative, too large, unsafe number). */
  InvalidValue: "INVALID_VALUE",
  /** An argument has the wrong shape (not an object, unknown policy, missing field). */
  InvalidArgument: "INVALID_ARGUMENT",
  /** A range has `min > max`, or a base+size form runs past `2^64-1`. */
  InvalidRange: "INVALID_RANGE",
  /** A constraint asks for size 0. */
  InvalidSize: "INVALID_SIZE",
  /** An alignment is not a power of two (0 and 1 mean none). */
  InvalidAlignment: "INVALID_ALIGNMENT",
  /** A constraint window has `min > max`. */
  InvalidWindow: "INVALID_WINDOW",
  /** A range overlaps one already in the pool. */
  Overlap: "OVERLAP",
  /** No range of the pool is exactly the one given. */
  NotFound: "NOT_FOUND",
  /** The range exists but is free: it cannot be freed again or given data. */
  NotAllocated: "NOT_ALLOCATED",
  /** Nothing in the pool fits the request (only from the throwing variants). */
  NoFit: "NO_FIT",
  /** A reserved range cannot be released by a normal free. */
  Reserved: "RESERVED",
  /** The place asked for is held by someone else. */
  Conflict: "CONFLICT",
  /** The owner holds nothing, or is not the holder of what was named. */
  UnknownOwner: "UNKNOWN_OWNER",
  /** The owner already holds resources where a new owner was expected. */
  DuplicateOwner: "DUPLICATE_OWNER",
  /** A resource request is malformed or names an unknown pool or kind. */
  InvalidRequest: "INVALID_REQUEST",
  /** A layout or preset is inconsistent (overlapping pools, holes outside pools). */
  InvalidLayout: "INVALID_LAYOUT",
  /** A snapshot is malformed, of an unknown version, or describes an invalid state. */
  InvalidSnapshot: "INVALID_SNAPSHOT",
} as const;

/** One of the {@link AllocErrorCode} values. */
export type AllocErrorCode = (typeof AllocErrorCode)[keyof typeof AllocErrorCode];

/** Structured facts about a refused call; every field is optional. */
export interface AllocErrorDetails {
  /** The name of the argument or field that was wrong, e.g. `"constraint.align"`. */
  readonly argument?: string;
  /** The offending value as given. */
  readonly value?: unknown;
  /** The range that was asked for, as text. */
  readonly range?: string;
  /** The range already in the pool that stands in the way, as text. */
  readonly conflict?: string;
  /** The owner involved, if any. */
  readonly owner?: string;
  /** The owner holding the conflicting resource, if any. */
  readonly conflictOwner?: string;
  /** A JSON path into a snapshot or description, e.g. `$.pools[2].ranges[0].min`. */
  readonly path?: string;
  /** The pool involved, if any. */
  readonly pool?: string;
  /** The index of the failing request in a batch, if any. */
  readonly request?: number;
  /**
   * What is wrong with the element at `path`, without the argument's name
   * (`"[0x10, 0x1f] lies outside the pool"`), for a caller that names the
   * element its own way.
   */
  readonly reason?: string;
}

const NO_DETAILS: AllocErrorDetails = Object.freeze({});
const NO_CAUSE: unique symbol = Symbol("no cause");
const CODES: ReadonlySet<unknown> = new Set(Object.values(AllocErrorCode));

/**
 * True when `value` is one of the {@link AllocErrorCode} values.
 *
 * @example
 * ```ts
 * isAllocErrorCode("NO_FIT"); // true
 * isAllocErrorCode("NOFIT");  // false
 * ```
 */
export function isAllocErrorCode(value: unknown): value is AllocErrorCode {
  return CODES.has(value);
}

/**
 * The constructor's arguments, checked: a known code, a string message,
 * details a plain object (copied once, frozen), options `undefined` or an
 * object whose own `cause` is read once. Any other value, or a trap that
 * throws while they are read, is refused with `INVALID_ARGUMENT`.
 */
function checked(code: unknown, message: unknown, details: unknown, options: unknown): { details: AllocErrorDetails; cause: unknown } {
  if (!isAllocErrorCode(code)) refuseArgument("code", "an AllocErrorCode", code);
  if (typeof message !== "string") refuseArgument("message", "a string", message);
  let copy: AllocErrorDetails = NO_DETAILS;
  if (details !== NO_DETAILS) {
    if (typeof details !== "object" || details === null || Array.isArray(details)) refuseArgument("details", "an object", details);
    try {
      copy = Object.freeze({ ...details });
    } catch {
      refuseArgument("details", "an object whose properties can be read", details);
    }
  }
  let cause: unknown = NO_CAUSE;
  if (options !== undefined) {
    if (typeof options !== "object" || options === null) refuseArgument("options", "an object", options);
    try {
      if (Object.hasOwn(options, "cause")) cause = (options as { cause?: unknown }).cause;
    } catch {
      refuseArgument("options", "an object whose properties can be read", options);
    }
  }
  return { details: copy, cause };
}

// The constructor's own refusals: the shape of boundary.ts's refuseArgument, without describeValue (it builds AllocErrors: a cycle).
function refuseArgument(argument: string, expected: string, value: unknown): never {
  throw new AllocError("INVALID_ARGUMENT", `${argument} must be ${expected}; got ${typeof value === "string" ? "a string" : typeof value}`, { argument });
}

const BRAND: unique symbol = Symbol.for("@alloc/AllocError") as never;

/**
 * The error thrown for every invalid call.
 *
 * @example
 * ```ts
 * try { new Range(5, 4); } catch (e) { if (isAllocError(e)) console.log(e.code); } // "INVALID_RANGE"
 * ```
 */
export class AllocError extends Error {
  /** What kind of mistake this is. */
  readonly code: AllocErrorCode;
  /** What was asked, in structured form. */
  readonly details: AllocErrorDetails;

  constructor(code: AllocErrorCode, message: string, details: AllocErrorDetails = NO_DETAILS, options?: { cause?: unknown }) {
    // The arguments are checked before anything is built: a bad one is itself an INVALID_ARGUMENT.
    const fields = checked(code, message, details, options);
    super(message, fields.cause === NO_CAUSE ? undefined : { cause: fields.cause });
    this.code = code;
    this.details = fields.details;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Always `"AllocError"`, whichever copy of the package threw it. */
  override get name(): string {
    return "AllocError";
  }
}

/**
 * True when `value` is an {@link AllocError} from any installed copy of this package.
 *
 * @example
 * ```ts
 * if (isAllocError(e) && e.code === "OVERLAP") { ... }
 * ```
 */
export function isAllocError(value: unknown): value is AllocError {
  if (typeof value !== "object" || value === null) return false;
  try {
    return (value as Record<symbol, unknown>)[BRAND] === true;
  } catch {
    // A proxy whose trap throws is not an AllocError.
    return false;
  }
}
