/**
 * Values this package made and froze (a VM description, a plan), known by
 * identity: a function that takes only those checks membership and refuses
 * anything else (a copy, a look-alike) before reading any of it.
 */
import { AllocError, describeValue } from "@alloc/constraint";

/**
 * The values one maker made.
 *
 * @example
 * ```ts
 * const PLANS = new MadeHere<Plan>("plan", "a plan made by planVm");
 * PLANS.add(plan);
 * PLANS.check(value); // plan, or INVALID_ARGUMENT naming "plan"
 * ```
 */
export class MadeHere<T extends object> {
  readonly #made = new WeakSet<object>();
  readonly #argument: string;
  readonly #what: string;

  constructor(argument: string, what: string) {
    this.#argument = argument;
    this.#what = what;
  }

  /** Freezes `value`, remembers it and returns it. */
  add(value: T): T {
    this.#made.add(Object.freeze(value));
    return value;
  }

  /** `value` if it was added; anything else is `INVALID_ARGUMENT`. */
  check(value: unknown): T {
    if (typeof value !== "object" || value === null || !this.#made.has(value))
      throw new AllocError("INVALID_ARGUMENT", `${this.#argument}: expected ${this.#what}; got ${describeValue(value)}`, { argument: this.#argument });
    return value as T;
  }
}
