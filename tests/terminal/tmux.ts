import { spawnSync } from "node:child_process";

/**
 * A real pseudo-terminal for tests: a tmux server of its own (its own socket, no config file), one
 * session of a fixed size running bash, keys typed with send-keys, the screen read with
 * capture-pane (-e keeps the colours as escape codes).
 */
export class Tmux {
    private steps = 0;

    constructor(readonly socket: string) {}

    /** Whether tmux is installed. */
    static available(): boolean {
        return spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
    }

    private tmux(args: string[], timeoutMs = 20_000): string {
        const r = spawnSync("tmux", ["-L", this.socket, "-f", "/dev/null", ...args], {
            encoding: "utf8",
            timeout: timeoutMs,
            env: this.env,
        });
        if (r.status !== 0) throw new Error(`tmux ${args.join(" ")} failed (${r.status ?? r.signal}): ${r.stderr}`);
        return r.stdout;
    }

    private env: NodeJS.ProcessEnv = process.env;

    /** Starts bash (no rc files, prompt `$ `) in `cwd` on a `width`×`height` terminal with `env`. */
    start(cwd: string, env: NodeJS.ProcessEnv, width = 200, height = 60): void {
        this.env = env;
        this.tmux([
            "-u",
            "new-session",
            "-d",
            "-s",
            "learner",
            "-x",
            String(width),
            "-y",
            String(height),
            "-c",
            cwd,
            "bash --norc --noprofile",
        ]);
        this.tmux(["set-option", "-t", "learner", "history-limit", "5000"]);
        this.type("PS1='$ '");
    }

    /** Types a line and presses Enter, as a person would. */
    type(line: string): void {
        this.tmux(["send-keys", "-t", "learner", "-l", line]);
        this.tmux(["send-keys", "-t", "learner", "Enter"]);
    }

    /**
     * Types `line`, waits until it has finished, and returns what it put on the screen (colours as
     * escape codes unless `colors` is false): everything after a marker line printed just before it.
     */
    run(line: string, timeoutMs = 240_000): string {
        const step = `step${++this.steps}`;
        this.type(`printf '%s\\n' '==${step}==' && ${line}; tmux -L ${this.socket} wait-for -S ${step}`);
        this.tmux(["wait-for", step], timeoutMs);
        return this.screenAfter(`==${step}==`);
    }

    /** The whole history and screen, colours as escape codes; trailing blank lines dropped. */
    capture(colors = true): string {
        return this.tmux(["capture-pane", "-t", "learner", "-p", "-J", "-S", "-", ...(colors ? ["-e"] : [])]).replace(/\n+$/, "\n");
    }

    private screenAfter(marker: string): string {
        const text = this.capture();
        const lines = text.split("\n");
        const at = lines.lastIndexOf(marker);
        if (at === -1) throw new Error(`marker ${marker} not on the screen:\n${text}`);
        return lines.slice(at + 1).join("\n");
    }

    kill(): void {
        spawnSync("tmux", ["-L", this.socket, "kill-server"], { stdio: "ignore" });
    }
}
