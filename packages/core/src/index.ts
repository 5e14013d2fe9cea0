export { IntervalTree } from "./IntervalTree.js";
export type { IntervalTreeOptions } from "./IntervalTree.js";
export { ALLOCATED_STATE, FREE_STATE, valuedState } from "./NodeState.js";
export type { NodeState, PoolStats } from "./NodeState.js";
export { AllocError, Constraint, Policy, Range, U64_MAX, exactly, isAllocError } from "@alloc/constraint";
export type { ConstraintInit, ConstraintLike, RangeLike, U64Input } from "@alloc/constraint";
