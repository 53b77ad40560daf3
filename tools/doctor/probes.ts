import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { docker } from "../../engine";
import type { DoctorProbes } from "./types";

const DOCKER_TIMEOUT_MS = 30_000;
const PS_TIMEOUT_MS = 5_000;

/** The variables of `env` that are set. */
function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
    return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The real probes: this process, this machine's file system and network, the docker CLI on PATH. */
export function realProbes(env: Record<string, string | undefined> = process.env): DoctorProbes {
    return {
        nodeVersion: () => process.version,
        env,
        homedir: () => os.homedir(),
        uid: () => (typeof process.getuid === "function" ? process.getuid() : undefined),
        tmpdir: () => os.tmpdir(),
        fileIsSocket: (file) => {
            try {
                return fs.statSync(file).isSocket();
            } catch {
                return false;
            }
        },
        docker: (args, dockerEnv) => docker(args, definedOnly(dockerEnv), DOCKER_TIMEOUT_MS),
        portHolder: (ip, port) =>
            new Promise((resolve) => {
                const server = net.createServer();
                server.once("error", (e: NodeJS.ErrnoException) => {
                    // EACCES: a privileged port this user may not bind; the engine (root) can.
                    resolve(e.code === "EADDRNOTAVAIL" ? "no-such-address" : e.code === "EACCES" ? "free" : "in-use");
                });
                server.listen({ host: ip, port, exclusive: true }, () => server.close(() => resolve("free")));
            }),
        freeBytes: async (file) => {
            const stats = await fs.promises.statfs(file);
            return Number(stats.bavail) * Number(stats.bsize);
        },
        hostname: () => os.hostname(),
        readFile: (file) => fs.readFileSync(file),
        listDir: (dir) => {
            let names: string[];
            try {
                names = fs.readdirSync(dir);
            } catch {
                return [];
            }
            return names.flatMap((name) => {
                try {
                    const stats = fs.statSync(path.join(dir, name));
                    return [{ name, isFile: stats.isFile(), mtimeMs: stats.mtimeMs }];
                } catch {
                    return []; // removed meanwhile
                }
            });
        },
        pidAlive: (pid) => {
            try {
                process.kill(pid, 0);
                return true;
            } catch (e) {
                // EPERM: it exists but belongs to another user.
                return (e as NodeJS.ErrnoException).code === "EPERM";
            }
        },
        pidStartedAt: (pid) => {
            try {
                // lstart: "Sat Nov 28 10:57:49 2026" in local time, on Linux (procps) and macOS alike.
                const out = execFileSync("ps", ["-o", "lstart=", "-p", String(pid)], {
                    env: { ...process.env, LC_ALL: "C", LANG: "C" },
                    stdio: ["ignore", "pipe", "ignore"],
                    timeout: PS_TIMEOUT_MS,
                })
                    .toString()
                    .trim();
                const started = new Date(out);
                return out && !Number.isNaN(started.getTime()) ? started : undefined;
            } catch {
                return undefined; // no such process, or no ps
            }
        },
    };
}
