import "./installed";
import * as fs from "node:fs";
import * as path from "node:path";
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import type { Policies } from "../../../policy/node_modules/@pulumi/policy";
import * as analyzerproto from "../../../policy/node_modules/@pulumi/pulumi/proto/analyzer_pb";
import { policies, TYPES } from "../../../policy/policies";
import { runProgram } from "../helpers/program";
import { appContainer, labStack, registryContainer, seatContainer } from "./fixtures";
import { analyze, analyzeStack, type Finding, fromProgram, type TestResource, UNKNOWN, urnOf } from "./harness";
import { makeAnalyzeRpcFun, makeAnalyzeStackRpcFun, Struct } from "./sdk";

// The harness runs policies the way @pulumi/policy's server does; here it is held to the server's
// own analyze functions (the ones the CLI calls over gRPC), and the pack's type tokens to the SDKs'.

jest.setTimeout(60_000);

const POLICY_DIR = path.join(__dirname, "..", "..", "..", "policy");
const LEVELS: Record<number, string> = {
    [analyzerproto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerproto.EnforcementLevel.MANDATORY]: "mandatory",
};

function options(): analyzerproto.AnalyzerResourceOptions {
    return new analyzerproto.AnalyzerResourceOptions();
}

/** Calls one of the server's rpc functions as gRPC would, and returns its diagnostics as findings. */
function callServer(fn: (call: any, callback: any) => unknown, request: unknown, byUrn: Map<string, string>): Promise<Finding[]> {
    return new Promise((resolve, reject) => {
        fn({ request }, (err: unknown, response: analyzerproto.AnalyzeResponse) => {
            if (err) return reject(err);
            resolve(
                response.getDiagnosticsList().map((d) => ({
                    policy: d.getPolicyname(),
                    level: LEVELS[d.getEnforcementlevel()] as Finding["level"],
                    resource: d.getUrn() ? byUrn.get(d.getUrn()) : undefined,
                    // The server prefixes the policy's description; the harness reports the message alone.
                    message: d.getMessage().startsWith(`${d.getDescription()}\n`)
                        ? d.getMessage().slice(d.getDescription().length + 1)
                        : d.getMessage(),
                })),
            );
        });
    });
}

/** The server's own analysis of one resource (resource policies). */
async function serverAnalyze(pack: Policies, r: TestResource): Promise<Finding[]> {
    const request = new analyzerproto.AnalyzeRequest();
    request.setType(r.type);
    request.setName(r.name);
    request.setUrn(urnOf(r));
    request.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
    request.setOptions(options());
    const findings = await callServer(makeAnalyzeRpcFun("docker-lab", "0.1.0", "mandatory", pack), request, new Map());
    return findings.map((f) => ({ ...f, resource: f.resource ?? r.name }));
}

/** The server's own analysis of a whole stack (stack policies), with dependencies by URN. */
function serverAnalyzeStack(pack: Policies, resources: TestResource[]): Promise<Finding[]> {
    const urns = new Map(resources.map((r) => [r.name, urnOf(r)]));
    const request = new analyzerproto.AnalyzeStackRequest();
    request.setResourcesList(
        resources.map((r) => {
            const resource = new analyzerproto.AnalyzerResource();
            resource.setType(r.type);
            resource.setName(r.name);
            resource.setUrn(urnOf(r));
            resource.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
            resource.setOptions(options());
            resource.setDependenciesList((r.dependencies ?? []).map((d) => urns.get(d)!).filter(Boolean));
            if (r.parent && urns.has(r.parent)) resource.setParent(urns.get(r.parent)!);
            for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
                const pd = new analyzerproto.AnalyzerPropertyDependencies();
                pd.setUrnsList(deps.map((d) => urns.get(d)!).filter(Boolean));
                resource.getPropertydependenciesMap().set(key, pd);
            }
            return resource;
        }),
    );
    return callServer(
        makeAnalyzeStackRpcFun("docker-lab", "0.1.0", "mandatory", pack),
        request,
        new Map([...urns].map(([n, u]) => [u, n])),
    );
}

const sorted = (findings: Finding[]) => findings.map((f) => JSON.stringify(f)).sort();

describe("the harness agrees with @pulumi/policy's own analyze functions", () => {
    test("resource policies: the default lab, and unsafe and unknown resources, give the same findings", async () => {
        const resources = [
            ...fromProgram(await runProgram()),
            appContainer({ privileged: true, networkMode: "host", restart: "no", image: "hellodocker:1.0.0" }),
            registryContainer({ ports: [{ internal: 5000, external: 5000, ip: "0.0.0.0" }], readOnly: false }),
            appContainer({ image: UNKNOWN, ports: [{ internal: 1, external: 1, ip: UNKNOWN }], securityOpts: UNKNOWN }),
            // A seat (allowed what dockerd needs), one without TLS (refused it), one whose command is not known yet.
            seatContainer(),
            seatContainer({ command: ["--host=tcp://0.0.0.0:2375"] }),
            seatContainer({ command: UNKNOWN, privileged: UNKNOWN }),
        ];
        let total = 0;
        for (const r of resources) {
            const fromServer = await serverAnalyze(policies, r);
            expect(sorted(analyze(policies, r))).toEqual(sorted(fromServer));
            total += fromServer.length;
        }
        expect(total).toBeGreaterThanOrEqual(7);
    });

    test("the stack policy: a compliant lab and a miswired one give the same findings", async () => {
        const miswired = labStack().map((r) =>
            r.name === "lab-app-1" ? { ...r, props: { ...r.props, networksAdvanced: [{ name: "bridge" }] }, propertyDependencies: {} } : r,
        );
        miswired.push({ ...miswired[4], name: "lab-check-late", dependencies: ["lab-app-0"] });
        for (const resources of [labStack(), miswired]) {
            expect(sorted(analyzeStack(policies, resources))).toEqual(sorted(await serverAnalyzeStack(policies, resources)));
        }
        expect(await serverAnalyzeStack(policies, miswired)).toHaveLength(2);
    });

    test("a policy that reads an unknown value directly gets the server's advisory \"can't run during preview\" in both", async () => {
        const naive: Policies = [
            {
                name: "naive-digest",
                description: "reads image without minding unknowns",
                validateResource: (args, report) => {
                    if (!String(args.props.image).includes("@sha256:")) report("by tag");
                },
            },
        ];
        const r = appContainer({ image: UNKNOWN });
        const fromServer = await serverAnalyze(naive, r);
        expect(fromServer).toEqual([
            expect.objectContaining({
                policy: "naive-digest",
                level: "advisory",
                message: expect.stringContaining("can't run policy 'naive-digest'"),
            }),
        ]);
        expect(analyze(naive, r)).toEqual([
            expect.objectContaining({
                policy: "naive-digest",
                level: "advisory",
                message: expect.stringContaining(".image can't be known during preview"),
            }),
        ]);
    });
});

describe("type tokens", () => {
    test("the pack matches the full tokens the SDKs register, never the CLI's short display form", () => {
        expect(TYPES).toEqual({
            container: (docker.Container as any).__pulumiType,
            service: (docker.Service as any).__pulumiType,
            volume: (docker.Volume as any).__pulumiType,
            network: (docker.Network as any).__pulumiType,
            command: (command.local.Command as any).__pulumiType,
        });
        expect(TYPES.container).toBe("docker:index/container:Container");
        for (const token of Object.values(TYPES)) expect(token).not.toMatch(/^docker:index:/);
    });

    test("no policy source compares with a short display form such as docker:index:Container", () => {
        const dir = path.join(POLICY_DIR, "policies");
        const sources = [path.join(POLICY_DIR, "index.ts"), ...fs.readdirSync(dir).map((f) => path.join(dir, f))];
        const offenders = sources.filter((file) => /["'`]docker:index:[A-Za-z]/.test(fs.readFileSync(file, "utf8")));
        expect(offenders).toEqual([]);
    });

    test("a resource sent with the short display form matches no policy (what a short-form policy would see for every real resource)", () => {
        const shortForm = { ...appContainer({ privileged: true }), type: "docker:index:Container" };
        expect(analyze(policies, shortForm)).toEqual([]);
        expect(analyze(policies, appContainer({ privileged: true })).map((f) => f.policy)).toContain("no-privileged");
    });
});
