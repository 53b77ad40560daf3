import type { DockerResult } from "../../engine";

/** Class of a finding; each class has its own exit code. */
export type DoctorClass = "node" | "engine" | "ports" | "disk" | "images" | "config" | "state";

export interface DoctorFinding {
    /** Stable id of the check, e.g. `engine.version` or `ports.8080`. */
    id: string;
    ok: boolean;
    /** Set on "not checked because of an earlier problem" findings: shown with the problems, not counted as one. */
    skipped?: true;
    klass: DoctorClass;
    /** One line: what was found, or the problem and its fix. */
    message: string;
    /**
     * On problems that shell commands fix: those commands, in order, to run from the project root
     * (the message repeats them after "fix:"). Empty when nothing can be run (e.g. wait for another update).
     */
    commands?: string[];
}

/** Exit code of each class of problem; 0 means no problem. Several classes: the lowest code wins. */
export const DOCTOR_EXIT_CODES: Record<DoctorClass, number> = {
    config: 2,
    node: 10,
    engine: 11,
    ports: 12,
    disk: 13,
    images: 14,
    state: 15,
};

/** What a listen attempt on a host address and port found. */
export type PortState = "free" | "in-use" | "no-such-address";

/** Every piece of I/O the doctor does; `realProbes()` gives the real ones, tests give fakes. */
export interface DoctorProbes {
    /** process.version, e.g. v20.11.0. */
    nodeVersion(): string;
    /** The environment the doctor reads (DOCKER_HOST, XDG_RUNTIME_DIR) and passes to docker. */
    env: Record<string, string | undefined>;
    homedir(): string;
    /** Numeric user id (for /run/user/<uid>), undefined where there is none. */
    uid(): number | undefined;
    tmpdir(): string;
    fileIsSocket(file: string): boolean;
    /**
     * Runs the docker CLI with these variables (the real probe sets them over this process's environment);
     * never throws (status 127: no docker CLI, 124: timeout).
     */
    docker(args: string[], env: Record<string, string | undefined>): Promise<DockerResult>;
    /** Tries to listen on ip:port. */
    portHolder(ip: string, port: number): Promise<PortState>;
    /** Bytes available to unprivileged users on the file system holding `file`; throws if it does not exist. */
    freeBytes(file: string): Promise<number>;
    /** os.hostname(): compared with the host a Pulumi lock file names. */
    hostname(): string;
    /** Contents of a file; throws when it cannot be read (code ENOENT when it does not exist). */
    readFile(file: string): Buffer;
    /** The entries of a folder with their modification times; empty when it does not exist. */
    listDir(dir: string): DirEntry[];
    /** Whether a process with this pid runs on this machine (process.kill(pid, 0): ESRCH gone, EPERM alive). */
    pidAlive(pid: number): boolean;
    /** When the process with this pid started, where the system says (ps -o lstart=); undefined otherwise. */
    pidStartedAt(pid: number): Date | undefined;
}

/** One entry of a folder. */
export interface DirEntry {
    name: string;
    isFile: boolean;
    /** Last modification, ms since the epoch. */
    mtimeMs: number;
}

export interface DoctorOptions {
    /** Pulumi stack whose config is checked. */
    stack: string;
    /** Project root (holds Pulumi.yaml and Pulumi.<stack>.yaml). */
    projectDir: string;
    probes?: DoctorProbes;
    /** Raw config values; default: read from Pulumi.<stack>.yaml. */
    config?: Record<string, unknown>;
    /** Progress messages such as "checking the Docker engine…" (the CLI prints them to stderr). */
    onProgress?: (message: string) => void;
}

export interface DoctorResult {
    findings: DoctorFinding[];
    exitCode: number;
}

/** A real problem: not ok, and not merely a check skipped because of one. */
export function isProblem(f: DoctorFinding): boolean {
    return !f.ok && !f.skipped;
}

/** The exit code of a set of findings: the lowest code of any class with a problem, else 0. */
export function exitCodeOf(findings: DoctorFinding[]): number {
    const codes = findings.filter(isProblem).map((f) => DOCTOR_EXIT_CODES[f.klass]);
    return codes.length > 0 ? Math.min(...codes) : 0;
}
