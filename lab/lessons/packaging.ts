import type { LessonContext } from "./context";
import type { LessonCheck } from "./types";

/** Section 02 打包程序: the packaged app answers HTTP where the lab's mode publishes it (every replica, or every task). */
export function packagingChecks(ctx: LessonContext): LessonCheck[] {
    return ctx.httpChecks();
}
