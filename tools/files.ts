import * as fs from "node:fs";

/** Whether `p` is a folder (false when it does not exist or cannot be read). */
export function isDir(p: string): boolean {
    try {
        return fs.statSync(p).isDirectory();
    } catch {
        return false;
    }
}

/** Whether `p` is a file (false when it does not exist or cannot be read). */
export function isFile(p: string): boolean {
    try {
        return fs.statSync(p).isFile();
    } catch {
        return false;
    }
}
