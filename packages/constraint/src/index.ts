export { AllocError, AllocErrorCode, isAllocError, isAllocErrorCode } from "./AllocError.js";
export type { AllocErrorDetails } from "./AllocError.js";
export {
  describeValue,
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
} from "./boundary.js";
export type { ReadRecordOptions } from "./boundary.js";
export { Constraint, exactly } from "./Constraint.js";
export type { ConstraintInit, ConstraintLike } from "./Constraint.js";
export { Policy } from "./Policy.js";
export { Range } from "./Range.js";
export type { RangeLike } from "./Range.js";
export { U64_MAX, formatHex, isPowerOfTwo, toU64 } from "./U64.js";
export type { U64Input } from "./U64.js";
