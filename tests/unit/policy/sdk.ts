import "./installed";

/**
 * The parts of the policy pack's own @pulumi/policy (policy/node_modules, the copy the pack runs
 * with) that the tests drive. They are exported at run time but marked @internal, so their
 * declarations are stripped: their types are stated here.
 */

type Validation = (call: { request: unknown }, callback: (err: unknown, response: any) => void) => Promise<void>;
type MakeRpc = (packName: string, packVersion: string, enforcementLevel: string, policies: unknown[]) => Validation;

export const { unknownCheckingProxy, UnknownValueError, unknownStringValue } =
    require("../../../policy/node_modules/@pulumi/policy/proxy") as {
        unknownCheckingProxy<T extends object>(props: T): T;
        UnknownValueError: new (...args: never[]) => Error;
        /** The string the engine sends for a value it does not know yet. */
        unknownStringValue: string;
    };

export const { deserializeProperties } = require("../../../policy/node_modules/@pulumi/policy/deserialize") as {
    deserializeProperties(struct: unknown, proxySecrets: boolean): Record<string, any>;
};

export const { makeAnalyzeRpcFun, makeAnalyzeStackRpcFun } = require("../../../policy/node_modules/@pulumi/policy/server") as {
    makeAnalyzeRpcFun: MakeRpc;
    makeAnalyzeStackRpcFun: MakeRpc;
};

export const { Struct } = require("../../../policy/node_modules/google-protobuf/google/protobuf/struct_pb") as {
    Struct: { fromJavaScript(value: Record<string, unknown>): any };
};
