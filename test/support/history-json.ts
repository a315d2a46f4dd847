// Temporal's standard JSON form of a workflow history (what `temporal workflow show --output json` prints), for
// the committed replay histories. @temporalio/common's historyToJSON/historyFromJSON fail in this install ("type
// must be a Type"): npm nests a protobufjs copy under @temporalio/common and another under @temporalio/proto,
// and the JSON codec of one refuses the other's message types. Taking the codec from the copy the proto types
// were built with works in any layout (deduplicated or not).
import { dirname } from 'node:path';
import type { temporal } from '@temporalio/proto';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const protojson = require(
  require.resolve('protobufjs/ext/protojson', { paths: [dirname(require.resolve('@temporalio/proto'))] }),
) as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export function historyToJSON(history: History): unknown {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

export function historyFromJSON(json: unknown): History {
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
}
