/**
 * The `device-id` kind: one device instance id (e.g. a PCI device number).
 *
 * Request `{ kind: "device-id", id? }`: the exact `id`, or the lowest free id
 * of the pool's window. Resource `{ kind, id }`.
 */
import { Range } from "@alloc/constraint";
import type { DeviceId } from "../brands.js";
import type { DeviceIdResource as IdResource } from "../requests.js";
import { defineKind } from "./Kind.js";
import { PlacementCache } from "./memo.js";
import type { ResourceKind } from "./Kind.js";
import { fit, intField, notResizable } from "./fields.js";

const U32_MAX = 0xffff_ffff;
const ANY = new PlacementCache();

/** A checked `device-id` request. */
export interface DeviceIdPlan {
  readonly id: number | undefined;
}

function make(range: Range): IdResource {
  return Object.freeze({ kind: "device-id", id: range.minNumber as DeviceId });
}

/**
 * The device id kind.
 *
 * @example
 * ```ts
 * rm.allocateDevice("virtio-net0", [{ kind: "device-id" }]);
 * ```
 */
export const deviceId: ResourceKind<DeviceIdPlan, IdResource> = defineKind({
  name: "device-id",
  pool: "deviceId",
  requestKeys: ["kind", "id"],
  resourceKeys: ["kind", "id"],
  parse: ([, idIn]) => Object.freeze({ id: intField(idIn, "id", U32_MAX) }),
  place: (req, layout) =>
    req.id !== undefined ? { exact: Range.point(req.id) } : (ANY.get(layout, 0) ?? ANY.set(layout, 0, { fits: [fit(1n, 1n, layout.deviceId.window)] })),
  build: (_req, range) => make(range as Range),
  rangeOf: (res) => Range.point(res.id),
  moveTarget: (_res, base) => Range.point(base),
  resizeTarget: (): never => notResizable("a device id"),
  rebase: (_res, range) => make(range),
  describeRequest: (req) => `device-id ${req.id !== undefined ? String(req.id) : "any"}`,
  describe: (res) => `id ${res.id}`,
  write(res, out) {
    out.numberField("id", res.id);
    out.stringField("kind", "device-id");
  },
  read(rec, at, _layout, rd) {
    const id = rd.u64(rec["id"], at, "id");
    if (id > BigInt(U32_MAX)) rd.fail(`${at}.id`, `an id is at most ${U32_MAX}`);
    return make(Range.point(id));
  },
});
