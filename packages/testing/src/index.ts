export type { AllocatorFactory, AllocatorUnderTest, ManagerUnderTest, NodeState, PoolStats, RangeView } from "./interfaces.js";
export { BitmapModel } from "./models/BitmapModel.js";
export { FreeListModel } from "./models/FreeListModel.js";
export type { FreeListEntry } from "./models/FreeListModel.js";
export {
  EDGE_VALUES,
  alignment,
  asInput,
  badConstraint,
  badRange,
  badValue,
  constraintArg,
  constraintIn,
  data,
  fullDomain,
  layoutDomain,
  policy,
  rangeArg,
  rangeIn,
  sizeIn,
  smallDomain,
  treeOp,
  treeOps,
  u64,
  valueIn,
} from "./arbitraries.js";
export type { DomainProfile, TreeOpOptions } from "./arbitraries.js";
export { describeOp, literal, resolveConstraint, resolveId, resolveRange } from "./ops.js";
export type { ConstraintArg, Data, IdArg, PickKind, RangeArg, TreeOp, Tweak } from "./ops.js";
export { TreeCommand, applyTreeOp, checkTree, fuzzTree, opsExecuted, replayTree, runTreeOps } from "./commands/tree.js";
export type { FuzzReport, ModelChoice, TreeFuzzOptions, TreeHarness } from "./commands/tree.js";
export { assertAgree, contents, diffContents } from "./internal/compare.js";
export type { FlatEntry } from "./internal/compare.js";
export { BAD_INPUT_FIXTURE, TREE_BAD_INPUTS, assertBadInputs, runBadInputs } from "./badInputs.js";
export type { BadInputCase, BadInputResult } from "./badInputs.js";
