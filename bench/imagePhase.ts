import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dockerOk, PROJECT_ROOT } from "../engine";
import { dockerBuildArgs, dockerCreateArgs, dockerRunArgs, type ImageSpec, type LabConfig, type LabSpec } from "../lab";
import { removeImageTags, teardownLab, timed, waitHealthy } from "../rig";
import { log, secs, TMP_PREFIX } from "./common";

/** The image rows of the bench: builds, the app layer's size and what a one-line change pushes. */

interface ImageInfo {
    id: string;
    /** RootFS diff ids, base first. */
    layers: string[];
    size: number;
}

async function imageInfo(ref: string): Promise<ImageInfo> {
    const out = await dockerOk(
        ["image", "inspect", "--format", "{{.Id}}|{{json .RootFS.Layers}}|{{.Size}}", ref],
        `inspecting image ${ref}`,
    );
    const [id, layers, size] = out.trim().split("|");
    return { id, layers: JSON.parse(layers) as string[], size: Number(size) };
}

/** Short id the push output names a layer by: the first 12 hex digits of its diff id. */
const shortId = (diffId: string) => diffId.replace(/^sha256:/, "").slice(0, 12);

interface PushSummary {
    pushed: string[];
    existing: string[];
    mounted: string[];
}

/** Counts the per-layer final lines of `docker push` output. */
function parsePush(out: string): PushSummary {
    const summary: PushSummary = { pushed: [], existing: [], mounted: [] };
    for (const line of out.split("\n")) {
        const m = /^([0-9a-f]{12}): (Pushed|Layer already exists|Mounted from .*)$/.exec(line.trim());
        if (!m) continue;
        if (m[2] === "Pushed") summary.pushed.push(m[1]);
        else if (m[2] === "Layer already exists") summary.existing.push(m[1]);
        else summary.mounted.push(m[1]);
    }
    return summary;
}

export interface RebuildRun {
    ms: number;
    sameImageId: boolean;
    newLayers: number;
}
export interface ChangeRun {
    buildMs: number;
    pushMs: number;
    pushed: number;
    existing: number;
    mounted: number;
    /** Exactly one layer pushed, and it is the image's last layer (COPY package.json app.js). */
    onlyAppLayer: boolean;
}
export interface ImagePhase {
    coldBuildMs: number[];
    rebuilds: RebuildRun[];
    size: { appBytes: number; baseBytes: number; addedBytes: number; layersAdded: number };
    /** Push of the fresh build into the fresh registry of this phase (the cycles give the medians). */
    firstPush: { ms: number; pushed: number; existing: number };
    changes: ChangeRun[];
}

/** `docker build` arguments of the image with --no-cache right after the `build` subcommand. */
function coldBuildArgs(image: ImageSpec): string[] {
    const args = dockerBuildArgs(image);
    const at = args.indexOf("build");
    if (at < 0) throw new Error(`dockerBuildArgs has no build subcommand: ${args.join(" ")}`);
    return [...args.slice(0, at + 1), "--no-cache", ...args.slice(at + 1)];
}

/** The lab's network, volume and registry, up and healthy, for the builds and pushes of the phase. */
async function registryUp(spec: LabSpec): Promise<void> {
    const env = spec.commandEnv;
    log("image phase: registry up");
    await dockerOk(dockerCreateArgs("network", spec.network.name, spec.network.labels), "creating the bench network", env);
    await dockerOk(dockerCreateArgs("volume", spec.volume.name, spec.volume.labels), "creating the bench volume", env);
    await dockerOk(dockerRunArgs(spec.registry.container, spec.registry.image, spec.network.name), "starting the bench registry", env);
    await waitHealthy(spec.registry.container, env);
}

/** Builds the app from a temp copy of app/ with one line added to app.js, and pushes it. */
async function oneLineChange(spec: LabSpec, n: number): Promise<ChangeRun> {
    const env = spec.commandEnv;
    const name = spec.image.name;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), TMP_PREFIX));
    try {
        fs.cpSync(path.join(PROJECT_ROOT, spec.image.context), dir, { recursive: true });
        const appJs = path.join(dir, "app.js");
        const sep = fs.readFileSync(appJs, "utf8").endsWith("\n") ? "" : "\n";
        fs.appendFileSync(appJs, `${sep}// bench: one-line change ${n} (${new Date().toISOString()})\n`);
        const changed = { ...spec.image, context: dir, dockerfile: path.join(dir, "Dockerfile") };
        const [, buildMs] = await timed(() => dockerOk(dockerBuildArgs(changed), `building ${name} from the changed app`, env));
        const info = await imageInfo(name);
        const [out, pushMs] = await timed(() => dockerOk(["push", name], `pushing the changed ${name}`, env));
        const p = parsePush(out);
        const appLayer = shortId(info.layers[info.layers.length - 1]);
        return {
            buildMs,
            pushMs,
            pushed: p.pushed.length,
            existing: p.existing.length,
            mounted: p.mounted.length,
            onlyAppLayer: p.pushed.length === 1 && p.pushed[0] === appLayer,
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export async function imagePhase(spec: LabSpec, config: LabConfig, runs: number): Promise<ImagePhase> {
    const env = spec.commandEnv;
    const name = spec.image.name;
    await registryUp(spec);

    const coldBuildMs: number[] = [];
    for (let i = 0; i < runs; i++) {
        await removeImageTags(spec);
        const [, ms] = await timed(() => dockerOk(coldBuildArgs(spec.image), `cold build of ${name}`, env));
        coldBuildMs.push(ms);
        log(`cold build ${i + 1}/${runs}: ${secs(ms)}`);
    }

    const rebuilds: RebuildRun[] = [];
    // Each rebuild's image is the next one's "before"; the last is the app image measured below.
    let app = await imageInfo(name);
    for (let i = 0; i < runs; i++) {
        const before = app;
        const [, ms] = await timed(() => dockerOk(dockerBuildArgs(spec.image), `rebuild of ${name}`, env));
        app = await imageInfo(name);
        const newLayers = app.layers.filter((l) => !before.layers.includes(l)).length;
        rebuilds.push({ ms, sameImageId: before.id === app.id, newLayers });
        log(`no-change rebuild ${i + 1}/${runs}: ${secs(ms)}, ${newLayers} new layer(s)`);
    }

    const base = await imageInfo(config.baseImage);
    const size = {
        appBytes: app.size,
        baseBytes: base.size,
        addedBytes: app.size - base.size,
        layersAdded: app.layers.length - base.layers.length,
    };

    const [firstOut, firstMs] = await timed(() => dockerOk(["push", name], `pushing ${name}`, env));
    const first = parsePush(firstOut);
    log(`first push (image phase): ${secs(firstMs)}`);

    const changes: ChangeRun[] = [];
    for (let i = 0; i < runs; i++) {
        const c = await oneLineChange(spec, i + 1);
        changes.push(c);
        log(
            `one-line change ${i + 1}/${runs}: build ${secs(c.buildMs)}, push ${secs(c.pushMs)}, pushed ${c.pushed}, existed ${c.existing}`,
        );
    }

    log("image phase: teardown");
    await teardownLab(spec);
    return {
        coldBuildMs,
        rebuilds,
        size,
        firstPush: { ms: firstMs, pushed: first.pushed.length, existing: first.existing.length },
        changes,
    };
}
