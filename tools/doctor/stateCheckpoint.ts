import * as path from "node:path";
import * as zlib from "node:zlib";
import { shellQuote } from "../../lab";
import type { DoctorProbes } from "./types";

// The stack's checkpoint file: which one Pulumi reads, its repair after a killed save, and what it holds.

/** A stack checkpoint's pending operation: the step an interrupted update had started. */
export interface PendingOperation {
    type: string;
    resource: { urn?: string; type?: string; id?: string; inputs?: Record<string, unknown> };
}

export interface Checkpoint {
    pending: PendingOperation[];
    /** Ids (container ids, network ids …) of every resource the state tracks. */
    tracked: Set<string>;
}

/** The bytes of a checkpoint file, uncompressed by its name (x.json, x.json.gz, x.json.zst, or a temp file x.json.gz.<id>.tmp). */
function uncompressed(probes: DoctorProbes, file: string): Buffer {
    const bytes = probes.readFile(file);
    const name = path.basename(file).replace(/\.[^.]+\.tmp$/, "");
    if (name.endsWith(".gz")) return zlib.gunzipSync(bytes);
    if (name.endsWith(".zst")) {
        const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
        if (!zstd) throw new Error(`${file} is zstd-compressed, which this Node.js cannot read`);
        return zstd(bytes);
    }
    return bytes;
}

/** The checkpoint Pulumi will read, and the repair when a killed save left it unreadable. */
export interface CheckpointFile {
    /** The file holding the stack's state once repaired: the checkpoint, or the new one a killed save left as a temp file. */
    source: string;
    repair?: { text: string; commands: string[] };
}

/**
 * The stack's checkpoint (`.json`, `.json.gz` or `.json.zst`: the newest, as Pulumi picks), undefined when
 * the stack has none. A save writes the new checkpoint whole to `<file>.<id>.tmp`, then truncates and
 * rewrites `<file>.attrs`, then renames the temp file into place (gocloud's fileblob): killed in between,
 * it leaves an empty `.attrs`, and every pulumi command, `pulumi cancel` too, fails with
 * "failed to load checkpoint: EOF". Without `.attrs` Pulumi reads the file as it is.
 */
export function locateCheckpoint(probes: DoctorProbes, stacksDir: string, stack: string, projectDir: string): CheckpointFile | undefined {
    const entries = probes.listDir(stacksDir).filter((entry) => entry.isFile);
    const names = [".json", ".json.gz", ".json.zst"].map((ext) => `${stack}${ext}`);
    const candidates = entries.filter((entry) => names.includes(entry.name));
    if (candidates.length === 0) return undefined;
    const newest = candidates.reduce((a, b) => (b.mtimeMs >= a.mtimeMs ? b : a));
    const file = path.join(stacksDir, newest.name);
    const attrs = `${file}.attrs`;
    let attrsText: string;
    try {
        attrsText = probes.readFile(attrs).toString("utf8");
    } catch {
        return { source: file }; // no attributes: fine
    }
    try {
        JSON.parse(attrsText);
        return { source: file };
    } catch {
        // a save was killed half-way
    }
    const isWhole = (tmp: string) => {
        try {
            return JSON.parse(uncompressed(probes, tmp).toString("utf8"))?.checkpoint !== undefined;
        } catch {
            return false;
        }
    };
    const saved = entries
        .filter((entry) => entry.name.startsWith(`${newest.name}.`) && entry.name.endsWith(".tmp"))
        .sort((a, b) => b.mtimeMs - a.mtimeMs)
        .map((entry) => path.join(stacksDir, entry.name))
        .find(isWhole);
    const shown = (p: string) => {
        const relative = path.relative(projectDir, p);
        return shellQuote(relative.startsWith("..") || path.isAbsolute(relative) ? p : relative);
    };
    const broken = `the last save of stack ${stack}'s checkpoint was killed half-way: ${shown(attrs)} is ${attrsText.trim() === "" ? "empty" : "not valid JSON"}, so every pulumi command (pulumi cancel too) fails with "failed to load checkpoint: EOF"`;
    if (!saved) {
        return {
            source: file,
            repair: { text: `${broken}; ${newest.name} holds the last whole checkpoint`, commands: [`rm ${shown(attrs)}`] },
        };
    }
    return {
        source: saved,
        repair: {
            text: `${broken}; the new checkpoint was saved whole as ${path.basename(saved)}`,
            commands: [`rm ${shown(attrs)}`, `mv ${shown(saved)} ${shown(file)}`],
        },
    };
}

/** The pending operations (each once) and the tracked ids of a checkpoint file. */
export function readCheckpoint(probes: DoctorProbes, file: string): Checkpoint {
    const latest = JSON.parse(uncompressed(probes, file).toString("utf8"))?.checkpoint?.latest ?? {};
    const all: PendingOperation[] = Array.isArray(latest.pending_operations)
        ? latest.pending_operations.filter((op: PendingOperation) => op && typeof op.type === "string" && op.resource)
        : [];
    // The same step can be listed twice.
    const pending = [...new Map(all.map((op) => [`${op.type} ${op.resource.urn ?? JSON.stringify(op.resource)}`, op])).values()];
    const resources: { id?: unknown }[] = Array.isArray(latest.resources) ? latest.resources : [];
    const tracked = new Set(resources.map((r) => r?.id).filter((id): id is string => typeof id === "string" && id !== ""));
    return { pending, tracked };
}
