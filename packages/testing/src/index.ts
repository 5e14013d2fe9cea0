export type {
  AllocatorFactory,
  AllocatorUnderTest,
  ManagerFactory,
  ManagerLayoutView,
  ManagerUnderTest,
  NodeState,
  PoolEntryView,
  PoolLayoutView,
  PoolStats,
  RangeView,
  ResourceView,
} from "./interfaces.js";
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
export { describeOp, literal, readTreeOp, resolveConstraint, resolveId, resolveRange } from "./ops.js";
export type { ConstraintArg, Data, IdArg, PickKind, RangeArg, TreeOp, Tweak } from "./ops.js";
export { TreeCommand, applyTreeOp, checkTree, fuzzTree, opsExecuted, replayTree, runTreeOps } from "./commands/tree.js";
export type { CampaignReport, FuzzReport, ModelChoice, TreeFuzzOptions, TreeHarness } from "./commands/tree.js";
export { assertAgree, contents, diffContents } from "./internal/compare.js";
export type { FlatEntry } from "./internal/compare.js";
export { BAD_INPUT_FIXTURE, TREE_BAD_INPUTS, assertBadInputs, runBadInputs } from "./badInputs.js";
export type { BadInputCase, BadInputResult } from "./badInputs.js";
export { ManagerModel, MANAGER_POOLS, normalizeResource, readModelRequest, readModelResource, sameResource, toRealResource } from "./models/ManagerModel.js";
export type { ManagerPool, ModelRequest, ModelResource, ResourceFields } from "./models/ManagerModel.js";
export {
  OWNERS,
  applyManagerOp,
  assertManagerAgree,
  checkManager,
  fuzzManager,
  managerOp,
  readManagerOp,
  readRequestSpec,
  requestSpec,
  runManagerOps,
} from "./commands/manager.js";
export type { ManagerBox, ManagerFuzzOptions, ManagerHarness, ManagerOp, ManagerReport, RequestSpec, SnapshotMutation } from "./commands/manager.js";
export { MANAGER_BAD_INPUTS, MANAGER_FIXTURE, runManagerBadInputs } from "./managerBadInputs.js";
export type { ManagerBadInputCase, ManagerCatalogueTarget } from "./managerBadInputs.js";
